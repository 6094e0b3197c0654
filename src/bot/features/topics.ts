import { Composer } from 'grammy';
import { parseShowSectionData } from '../answer.js';
import { userLang, type BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { repliesFor } from '../replies.js';
import { showSection, showTopics } from '../show-section.js';

/** `/topics` and the section buttons under answers and topic lists. */
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

  return composer;
}
