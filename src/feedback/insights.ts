import type { FeedbackStore, SectionVotes } from './feedback-store.js';
import { groupQuestions, groupingDefaults, type QuestionGroup } from './group-questions.js';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** The periods `/stats` reports, in days. */
export const STATS_PERIODS = [1, 7, 30] as const;

/** The period `/unanswered` covers, in days. */
export const UNANSWERED_DAYS = 7;

// Enough to see every repeated question of a busy week, bounded so one report stays cheap.
const MAX_UNANSWERED_READ = 5000;
const TOP_SECTIONS = 5;
const MOST_DOWNVOTED = 10;

/** The figures of one period. */
export interface PeriodStats {
  days: number;
  questions: number;
  answered: number;
  /** answered / questions, 0 with no question. */
  answeredShare: number;
  /** The sections answered with most often, most first. */
  topSections: { sectionId: string; count: number }[];
  /** 👍/👎 per section that got any, most votes first. */
  feedback: SectionVotes[];
}

/** What `/unanswered` shows. */
export interface UnansweredReport {
  days: number;
  /** Unanswered questions in the period (as read, at most a few thousand). */
  total: number;
  groups: QuestionGroup[];
  /** Sections with the most 👎 in the period, most first. */
  mostDownvoted: SectionVotes[];
}

/** The start of the period of `days` days that ends at `now`. */
export function periodStart(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** The statistics of each period, computed from the store's counts. */
export async function collectStats(
  store: FeedbackStore,
  now: Date,
  periods: readonly number[] = STATS_PERIODS,
): Promise<PeriodStats[]> {
  const stats: PeriodStats[] = [];
  for (const days of periods) {
    const summary = await store.summary(periodStart(now, days));
    stats.push({
      days,
      questions: summary.questions,
      answered: summary.answered,
      answeredShare: summary.questions === 0 ? 0 : summary.answered / summary.questions,
      topSections: summary.answeredBySection.slice(0, TOP_SECTIONS),
      feedback: [...summary.votes].sort(
        (a, b) =>
          b.up + b.down - (a.up + a.down) || b.down - a.down || compare(a.sectionId, b.sectionId),
      ),
    });
  }
  return stats;
}

/** The unanswered questions of the last `days` days, grouped, and the most 👎'd sections. */
export async function collectUnanswered(
  store: FeedbackStore,
  now: Date,
  days: number = UNANSWERED_DAYS,
  limit: number = groupingDefaults.limit,
): Promise<UnansweredReport> {
  const since = periodStart(now, days);
  const questions = await store.unansweredSince(since, MAX_UNANSWERED_READ);
  const summary = await store.summary(since);
  return {
    days,
    total: questions.length,
    groups: groupQuestions(
      questions.map((q) => q.text),
      { limit },
    ),
    mostDownvoted: mostDownvoted(summary.votes),
  };
}

/** Sections with at least one 👎, most 👎 first (then fewest 👍). */
export function mostDownvoted(
  votes: readonly SectionVotes[],
  limit = MOST_DOWNVOTED,
): SectionVotes[] {
  return votes
    .filter((v) => v.down > 0)
    .sort((a, b) => b.down - a.down || a.up - b.up || compare(a.sectionId, b.sectionId))
    .slice(0, limit);
}

/** A share as a whole percentage: 0.666 → "67%". */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
