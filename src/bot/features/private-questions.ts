import { Composer } from 'grammy';
import { answerQuestion } from '../answer-question.js';
import { userLang, type BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { chatterKind } from '../../match/question-shape.js';
import { replyToChatter } from '../chatter.js';
import { exampleQuestion } from '../greeting.js';
import { repliesFor } from '../replies.js';
import { sendHtmlMessages } from '../send.js';

/** In a private chat every text is a question; non-text messages get a hint. */
export function privateQuestionsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chat = composer.chatType('private');

  chat.on('message:text', async (ctx) => {
    const text = ctx.msg.text;
    // An unknown command with nothing after it is a person looking for the menu.
    if (/^\/\S*$/.test(text.trim())) {
      await sendHtmlMessages(ctx, [repliesFor(userLang(ctx)).help(ctx.me.username)]);
      return;
    }
    // "hi" and "thanks" are no questions: the greeting, or a word back, not "no answer".
    const chatter = chatterKind(text);
    if (chatter !== undefined) {
      await replyToChatter(ctx, deps, text, chatter);
      return;
    }
    await answerQuestion(ctx, deps, text, { inGroup: false });
  });

  chat.on('message', async (ctx) => {
    const lang = userLang(ctx);
    const example = exampleQuestion(deps.store.current.knowledge, lang);
    await sendHtmlMessages(ctx, [repliesFor(lang).nonText(example)]);
  });

  return composer;
}
