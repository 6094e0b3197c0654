import { Composer } from 'grammy';
import type { FeedbackStore } from '../../feedback/feedback-store.js';
import { collectStats, collectUnanswered } from '../../feedback/insights.js';
import { userLang, type BotContext } from '../context.js';
import { nowOf, type BotDeps } from '../deps.js';
import { splitIntoMessages } from '../render.js';
import { repliesFor, type Replies } from '../replies.js';
import { sendHtmlMessages } from '../send.js';
import { adminsOnly } from '../filters/is-admin.js';

type Report = (feedback: FeedbackStore, replies: Replies, now: Date) => Promise<string>;

const REPORTS: Record<string, Report> = {
  unanswered: async (feedback, replies, now) =>
    replies.unanswered(await collectUnanswered(feedback, now)),
  stats: async (feedback, replies, now) => replies.stats(await collectStats(feedback, now)),
};

/**
 * `/unanswered` and `/stats` for admins: what people asked that the knowledge does not answer,
 * and how the answers are received. Private chats only: the reports quote other people's
 * questions, which do not belong in a group.
 */
export function insightsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  const admins = composer.filter(adminsOnly(deps.settings));
  for (const [command, report] of Object.entries(REPORTS)) {
    admins.command(command, async (ctx) => {
      const replies = repliesFor(userLang(ctx));
      if (ctx.chat.type !== 'private') {
        await sendHtmlMessages(ctx, [replies.privateOnly]);
        return;
      }
      if (!deps.feedback) {
        await sendHtmlMessages(ctx, [replies.feedbackOff]);
        return;
      }
      const text = await report(deps.feedback, replies, nowOf(deps));
      // Paragraphs are whole HTML, so a long report is split between them only.
      await sendHtmlMessages(ctx, splitIntoMessages(text.split('\n\n')));
    });
  }

  return composer;
}
