import type { Lang } from '../knowledge/types.js';
import { renderSection, topicButtons } from './answer.js';
import type { BotContext } from './context.js';
import type { BotDeps } from './deps.js';
import { repliesFor } from './replies.js';
import { sendHtmlMessages } from './send.js';

/**
 * Sends one section by id (deep links, topic buttons). An id that no longer exists, after a
 * reload removed it, gets the current topic list instead of an error.
 */
export async function showSection(
  ctx: BotContext,
  deps: BotDeps,
  id: string,
  lang: Lang,
): Promise<boolean> {
  const { knowledge } = deps.store.current;
  const section = knowledge.sections.find((s) => s.id === id);
  if (!section) {
    await sendHtmlMessages(ctx, [repliesFor(lang).unknownSection], {
      buttons: topicButtons(knowledge.sections, lang),
    });
    return false;
  }
  await sendHtmlMessages(ctx, renderSection(section, lang));
  deps.logger.info(
    { update: ctx.update.update_id, chat: ctx.chat?.type, section: id, lang },
    'section shown',
  );
  return true;
}

/** Sends the topic list: one button per section. */
export async function showTopics(ctx: BotContext, deps: BotDeps, lang: Lang): Promise<void> {
  const { knowledge } = deps.store.current;
  await sendHtmlMessages(ctx, [repliesFor(lang).topics], {
    buttons: topicButtons(knowledge.sections, lang),
  });
}
