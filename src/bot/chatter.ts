import { detectLanguage } from '../match/language.js';
import type { chatterKind } from '../match/question-shape.js';
import { userLang, type BotContext } from './context.js';
import type { BotDeps } from './deps.js';
import { greetingText } from './greeting.js';
import { repliesFor } from './replies.js';
import { sendHtmlMessages } from './send.js';

/**
 * Replies to a greeting with the greeting and to a thank-you with a word back, in the
 * message's language: they are no questions, so they get no "no answer" and are not recorded.
 */
export async function replyToChatter(
  ctx: BotContext,
  deps: BotDeps,
  text: string,
  kind: NonNullable<ReturnType<typeof chatterKind>>,
  replyTo?: number,
): Promise<void> {
  const lang = detectLanguage(text, userLang(ctx));
  const reply =
    kind === 'thanks'
      ? repliesFor(lang).youAreWelcome
      : greetingText(ctx, deps.store.current.knowledge, lang);
  await sendHtmlMessages(ctx, [reply], replyTo === undefined ? {} : { replyTo });
  deps.logger.info(
    { update: ctx.update.update_id, chat: ctx.chat?.type, chatter: kind, lang },
    'chatter',
  );
}
