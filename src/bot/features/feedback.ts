import { Composer } from 'grammy';
import type { VoteOutcome } from '../../feedback/feedback-store.js';
import { parseVoteData } from '../answer.js';
import { userLang, type BotContext } from '../context.js';
import { nowOf, type BotDeps } from '../deps.js';
import { repliesFor } from '../replies.js';

/**
 * The 👍 / 👎 buttons under answers. One vote per user per answer: pressing the other button
 * changes the vote, pressing the same one again keeps it. The store sees a salted hash of the
 * user id, never the id or the name.
 */
export function feedbackFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.callbackQuery(/^v:/, async (ctx) => {
    const replies = repliesFor(userLang(ctx));
    const vote = parseVoteData(ctx.callbackQuery.data);
    if (!vote || !deps.feedback) {
      await ctx.answerCallbackQuery({ text: replies.voteUnknown });
      return;
    }
    let outcome: VoteOutcome;
    try {
      outcome = await deps.feedback.recordVote({
        questionId: vote.questionId,
        userId: ctx.from.id,
        value: vote.value,
        at: nowOf(deps),
      });
    } catch (error) {
      // The button's spinner still stops; the storage error is the log's business.
      deps.logger.error({ update: ctx.update.update_id, err: error }, 'vote not recorded');
      await ctx.answerCallbackQuery();
      return;
    }
    deps.logger.info(
      {
        update: ctx.update.update_id,
        chat: ctx.chat?.type,
        question: vote.questionId,
        value: vote.value,
        outcome: outcome.status,
        ...(outcome.status === 'unknown' ? {} : { section: outcome.sectionId }),
      },
      'vote',
    );
    const text =
      outcome.status === 'unknown'
        ? replies.voteUnknown
        : outcome.status === 'changed'
          ? replies.voteChanged
          : replies.voteThanks;
    await ctx.answerCallbackQuery({ text });
  });

  return composer;
}
