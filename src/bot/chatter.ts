import { detectLanguage } from '../match/language.js';
import type { chatterKind } from '../match/question-shape.js';
import { userLang, type BotContext } from './context.js';
import type { BotDeps } from './deps.js';
import { aboutPhrase, exampleQuestion } from './greeting.js';
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
  const { knowledge } = deps.store.current;
  const replies = repliesFor(lang);
  const reply =
    kind === 'thanks'
      ? replies.youAreWelcome
      : replies.welcome(
          ctx.from?.first_name ?? '',
          aboutPhrase(knowledge, lang),
          exampleQuestion(knowledge, lang),
        );
  await sendHtmlMessages(ctx, [reply], replyTo === undefined ? {} : { replyTo });
  deps.logger.info(
    { update: ctx.update.update_id, chat: ctx.chat?.type, chatter: kind, lang },
    'chatter',
  );
}
