import { matchQuestion, type MatchResult } from '../match/match-question.js';
import { composeAnswer } from './answer.js';
import { userLang, type BotContext } from './context.js';
import type { BotDeps } from './deps.js';
import { sendHtmlMessages } from './send.js';

export interface AnswerOptions {
  inGroup: boolean;
  /** Thread the answer under this message. */
  replyTo?: number;
  /** Decides, once the match is known, whether to reply at all (unaddressed group messages). */
  shouldReply?: (result: MatchResult) => boolean;
}

/**
 * Matches a question and replies with the section, or with the honest "no answer". One log
 * line per question: chat type, section, score, language and time taken.
 */
export async function answerQuestion(
  ctx: BotContext,
  deps: BotDeps,
  question: string,
  options: AnswerOptions,
): Promise<MatchResult> {
  const started = performance.now();
  const { index, knowledge } = deps.store.current;
  const threshold = deps.settings.threshold;
  const result = matchQuestion(index, question, {
    fallbackLang: userLang(ctx),
    ...(threshold === undefined ? {} : { threshold }),
  });
  const silent = options.shouldReply !== undefined && !options.shouldReply(result);
  if (!silent) {
    const reply = composeAnswer(result, knowledge.sections, { inGroup: options.inGroup });
    await sendHtmlMessages(ctx, reply.messages, {
      buttons: reply.buttons,
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
    });
  }
  deps.logger.info(
    {
      update: ctx.update.update_id,
      chat: ctx.chat?.type,
      section: result.section?.id ?? null,
      best: result.best?.section.id ?? null,
      score: result.score,
      lang: result.lang,
      replied: !silent,
      ms: Math.round(performance.now() - started),
    },
    'question',
  );
  return result;
}
