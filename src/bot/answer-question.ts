import { GrammyError, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import { matchQuestion, type MatchResult } from '../match/match-question.js';
import { answerActions, composeAnswer, type ReplyButton, type UrlButton } from './answer.js';
import { userLang, type BotContext } from './context.js';
import { nowOf, type BotDeps } from './deps.js';
import { htmlToPlain } from './render.js';
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
  const { index, knowledge } = deps.store.current;
  const threshold = deps.settings.threshold;
  const result = matchQuestion(index, question, {
    fallbackLang: userLang(ctx),
    ...(threshold === undefined ? {} : { threshold }),
  });
  // An unaddressed group message the bot stays silent on was not asked of it: not recorded.
  const silent = options.shouldReply !== undefined && !options.shouldReply(result);
  let questionId: number | undefined;
  if (!silent) {
    questionId = await recordQuestion(ctx, deps, question, result);
    const reply = composeAnswer(result, knowledge.sections, { inGroup: options.inGroup });
    const rows: (ReplyButton | UrlButton)[][] = [...reply.buttons];
    if (reply.sectionId !== undefined)
      rows.push(answerActions(reply.sectionId, result.lang, ctx.me.username, questionId));
    await sendWithButtons(ctx, reply.messages, rows, options.replyTo);
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

/** An inline keyboard with callback and URL buttons; undefined without any row. */
export function mixedKeyboard(
  rows: readonly (readonly (ReplyButton | UrlButton)[])[],
): InlineKeyboard | undefined {
  const nonEmpty = rows.filter((row) => row.length > 0);
  if (nonEmpty.length === 0) return undefined;
  return InlineKeyboard.from(
    nonEmpty.map((row) =>
      row.map((b) =>
        'url' in b ? InlineKeyboard.url(b.text, b.url) : InlineKeyboard.text(b.text, b.data),
      ),
    ),
  );
}

/**
 * Sends HTML messages with callback and URL buttons under the last one, falling back to plain
 * text like `sendHtmlMessages` (which carries callback buttons only) when Telegram rejects the
 * markup. The first message is threaded under `replyTo`.
 */
export async function sendWithButtons(
  ctx: BotContext,
  messages: readonly string[],
  rows: readonly (readonly (ReplyButton | UrlButton)[])[],
  replyTo?: number,
): Promise<Message.TextMessage[]> {
  const chatId = ctx.chat?.id;
  const last = messages.at(-1);
  if (chatId === undefined || last === undefined) return [];
  const head = messages.slice(0, -1);
  const sent =
    head.length === 0
      ? []
      : await sendHtmlMessages(ctx, head, replyTo === undefined ? {} : { replyTo });
  const keyboard = mixedKeyboard(rows);
  const other = {
    link_preview_options: { is_disabled: true },
    ...(head.length === 0 && replyTo !== undefined
      ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
      : {}),
    ...(keyboard ? { reply_markup: keyboard } : {}),
  };
  try {
    sent.push(await ctx.api.sendMessage(chatId, last, { ...other, parse_mode: 'HTML' }));
  } catch (error) {
    if (!(
      error instanceof GrammyError &&
      error.error_code === 400 &&
      /parse entities/i.test(error.description)
    )) {
      throw error;
    }
    sent.push(await ctx.api.sendMessage(chatId, htmlToPlain(last), other));
  }
  return sent;
}
