import type { FeedbackStore, FeedbackSummary } from './feedback-store.js';
import { DAY_MS } from './insights.js';

/** The questions of one UTC day. */
export interface DayCount {
  /** YYYY-MM-DD, UTC. */
  day: string;
  answered: number;
  unanswered: number;
}

/**
 * Questions per UTC day over the `days` days that end with today, oldest first. Each day is
 * the difference of two of the store's period summaries, so no store needs a query of its own.
 */
export async function collectDaily(
  store: FeedbackStore,
  now: Date,
  days = 30,
): Promise<DayCount[]> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const starts = Array.from({ length: days + 1 }, (_, i) => today - (days - 1 - i) * DAY_MS);
  const totals: FeedbackSummary[] = [];
  for (const start of starts) totals.push(await store.summary(new Date(start)));
  return starts.slice(0, days).map((start, i) => {
    const from = totals[i];
    const to = totals[i + 1];
    const questions = (from?.questions ?? 0) - (to?.questions ?? 0);
    const answered = (from?.answered ?? 0) - (to?.answered ?? 0);
    return {
      day: new Date(start).toISOString().slice(0, 10),
      answered,
      unanswered: questions - answered,
    };
  });
}
