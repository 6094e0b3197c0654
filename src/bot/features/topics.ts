import { Composer } from 'grammy';
import { parseShowSectionData, parseTopicListData } from '../answer.js';
import { userLang, type BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { repliesFor } from '../replies.js';
import { showSection, showTopics, turnTopicsPage } from '../show-section.js';

/** `/topics`, the section buttons under answers and topic lists, and the list's pages. */
export function topicsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command('topics', (ctx) => showTopics(ctx, deps, userLang(ctx)));

  composer.callbackQuery(/^[sr]:/, async (ctx) => {
    const target = parseShowSectionData(ctx.callbackQuery.data);
    if (!target) {
      await ctx.answerCallbackQuery({ text: repliesFor(userLang(ctx)).unknownSection });
      return;
    }
    // Answer the query first: the spinner on the button stops even if the send is slow.
    await ctx.answerCallbackQuery();
    await showSection(ctx, deps, target.id, target.lang);
  });

  // The topic list of a large knowledge base, a page at a time: a page button turns the list
  // it is under; "All topics" under a no-answer sends the list anew.
  composer.callbackQuery(/^[pl]:/, async (ctx) => {
    const target = parseTopicListData(ctx.callbackQuery.data);
    if (!target) {
      await ctx.answerCallbackQuery({ text: repliesFor(userLang(ctx)).unknownSection });
      return;
    }
    await ctx.answerCallbackQuery();
    if (target.turn) await turnTopicsPage(ctx, deps, target.lang, target.page);
    else await showTopics(ctx, deps, target.lang);
  });

  return composer;
}
