import { Composer } from 'grammy';
import { withoutMentions } from '../../match/normalize.js';
import { chatterKind, looksLikeQuestion } from '../../match/question-shape.js';
import { replyToChatter } from '../chatter.js';
import { answerQuestion } from '../answer-question.js';
import { userLang, type BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { RateWindow } from '../rate-window.js';
import { exampleQuestion } from '../greeting.js';
import { repliesFor } from '../replies.js';
import { sendHtmlMessages } from '../send.js';

/** True when the message @mentions this bot, by username or as a text mention. */
export function mentionsBot(ctx: BotContext): boolean {
  const msg = ctx.msg;
  const text = msg?.text ?? msg?.caption ?? '';
  const username = `@${ctx.me.username}`.toLowerCase();
  const entities = msg?.entities ?? msg?.caption_entities ?? [];
  return entities.some(
    (e) =>
      (e.type === 'mention' &&
        text.slice(e.offset, e.offset + e.length).toLowerCase() === username) ||
      (e.type === 'text_mention' && e.user.id === ctx.me.id),
  );
}

/** True when the message replies to one of this bot's messages. */
export function repliesToBot(ctx: BotContext): boolean {
  return ctx.msg?.reply_to_message?.from?.id === ctx.me.id;
}

/**
 * Q&A in groups and supergroups. The bot speaks only when addressed: `/ask …`, an @mention, or
 * a reply to one of its messages; its answer is threaded under the question. With
 * GROUP_AUTO_ANSWER it also answers unaddressed questions, but only confident matches and only a
 * few per group per minute, so it never takes over a conversation.
 */
export function groupQuestionsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const group = composer.chatType(['group', 'supergroup']);
  const autoBudget = new RateWindow(deps.settings.groupAutoPerMinute, 60_000);

  group.command('ask', async (ctx) => {
    const question = ctx.match.trim();
    if (question === '') {
      const lang = userLang(ctx);
      const example = exampleQuestion(deps.store.current.knowledge, lang);
      await sendHtmlMessages(ctx, [repliesFor(lang).emptyQuestion(example)], {
        replyTo: ctx.msg.message_id,
      });
      return;
    }
    await answerQuestion(ctx, deps, question, { inGroup: true, replyTo: ctx.msg.message_id });
  });

  // A photo or a document whose caption addresses the bot is a question too.
  group.on('message:caption', async (ctx, next) => {
    const caption = ctx.msg.caption;
    if (ctx.msg.text !== undefined || !mentionsBot(ctx)) return next();
    await answerQuestion(ctx, deps, caption, { inGroup: true, replyTo: ctx.msg.message_id });
  });

  group.on('message:text', async (ctx, next) => {
    const text = ctx.msg.text;
    if (text.startsWith('/')) return next();
    if (mentionsBot(ctx)) {
      // "@bot hi": a greeting back, threaded; "@bot thanks" a word back.
      const chatter = chatterKind(withoutMentions(text));
      if (chatter !== undefined) {
        await replyToChatter(ctx, deps, text, chatter, ctx.msg.message_id);
        return;
      }
      await answerQuestion(ctx, deps, text, { inGroup: true, replyTo: ctx.msg.message_id });
      return;
    }
    if (repliesToBot(ctx)) {
      // A reply to the bot may be a follow-up question or just "thanks!": the honest
      // no-answer is for questions only, chatter gets silence.
      await answerQuestion(ctx, deps, text, {
        inGroup: true,
        replyTo: ctx.msg.message_id,
        shouldReply: (result) => result.section !== undefined || looksLikeQuestion(text),
      });
      return;
    }
    const { groupAutoAnswer, groupAutoThreshold } = deps.settings;
    if (!groupAutoAnswer || !looksLikeQuestion(text)) return next();
    await answerQuestion(ctx, deps, text, {
      inGroup: true,
      replyTo: ctx.msg.message_id,
      shouldReply: (result) =>
        result.section !== undefined &&
        result.score >= groupAutoThreshold &&
        autoBudget.tryTake(ctx.chat.id),
    });
  });

  return composer;
}
