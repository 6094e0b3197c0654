import { GrammyError } from 'grammy';
import type { MatchResult } from '../match/match-question.js';
import { normalizeText } from '../match/normalize.js';
import { isAboutTheBot } from '../match/question-shape.js';
import { inProcessMatcher } from '../match-thread/thread-matcher.js';
import {
  answerActions,
  composeAnswer,
  nearFloor,
  type ReplyButton,
  type UrlButton,
} from './answer.js';
import { userLang, type BotContext } from './context.js';
import { nowOf, type BotDeps } from './deps.js';
import { greetingText } from './greeting.js';
import { sendHtmlMessages } from './send.js';

export interface AnswerOptions {
  inGroup: boolean;
  /** Thread the answer under this message. */
  replyTo?: number;
  /** Decides, once the match is known, whether to reply at all (unaddressed group messages). */
  shouldReply?: (result: MatchResult) => boolean;
}

/**
 * Matches a question and replies with the section (👍 👎 and a share link under it), or with the
 * honest "no answer". Every question replied to is recorded for the feedback reports; one log
 * line per question: chat type, section, score, language and time taken.
 */
export async function answerQuestion(
  ctx: BotContext,
  deps: BotDeps,
  question: string,
  options: AnswerOptions,
): Promise<MatchResult> {
  const started = performance.now();
  // One snapshot for the whole answer: a reload meanwhile changes the next question's.
  const snapshot = deps.store.current;
  const { knowledge } = snapshot;
  const threshold = deps.settings.threshold;
  const result = await (deps.matcher ?? inProcessMatcher).match(snapshot, question, {
    fallbackLang: userLang(ctx),
    ...(threshold === undefined ? {} : { threshold }),
  });
  deps.metrics?.matched((performance.now() - started) / 1000);
  // An unaddressed group message the bot stays silent on was not asked of it: not recorded.
  const silent = options.shouldReply !== undefined && !options.shouldReply(result);
  let questionId: number | undefined;
  if (!silent) {
    questionId = await recordQuestion(ctx, deps, question, result);
    // "who are you", "你能做什么": the matcher found no section for it (not even a best one), and
    // the greeting says what the bot answers and how to ask.
    const reply =
      result.best === undefined && isAboutTheBot(normalizeText(question))
        ? {
            messages: [greetingText(ctx, knowledge, result.lang)],
            buttons: [],
            sectionId: undefined,
          }
        : composeAnswer(result, knowledge.sections, {
            inGroup: options.inGroup,
            fallback: knowledge.languages.fallback,
            nearFloor: nearFloor(threshold ?? snapshot.index.calibration.threshold),
          });
    const rows: (ReplyButton | UrlButton)[][] = [...reply.buttons];
    if (reply.sectionId !== undefined)
      rows.push(answerActions(reply.sectionId, result.lang, ctx.me.username, questionId));
    try {
      await sendHtmlMessages(ctx, reply.messages, {
        buttons: rows,
        ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
      });
    } catch (error) {
      // Telegram refused the chat (blocked, removed): the question was asked, never answered.
      if (error instanceof GrammyError && error.error_code === 403 && questionId !== undefined)
        await deps.feedback?.markNotDelivered(questionId).catch(() => undefined);
      throw error;
    }
    deps.metrics?.question(ctx.chat?.type ?? 'unknown', result.section ? 'answered' : 'declined');
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
      ...(questionId === undefined ? {} : { question: questionId }),
      ms: Math.round(performance.now() - started),
    },
    'question',
  );
  return result;
}

// A storage failure costs the vote buttons of this answer, never the answer itself.
async function recordQuestion(
  ctx: BotContext,
  deps: BotDeps,
  question: string,
  result: MatchResult,
): Promise<number | undefined> {
  if (!deps.feedback) return undefined;
  try {
    return await deps.feedback.recordQuestion({
      text: question,
      lang: result.lang,
      bestSection: result.best?.section.id,
      score: result.score,
      answered: result.section !== undefined,
      chatType: ctx.chat?.type ?? 'unknown',
      at: nowOf(deps),
    });
  } catch (error) {
    deps.logger.error(
      { update: ctx.update.update_id, err: error },
      'question not recorded; answering without vote buttons',
    );
    return undefined;
  }
}
