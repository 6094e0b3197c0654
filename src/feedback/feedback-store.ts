import { createHmac } from 'node:crypto';
import type { Lang } from '../knowledge/types.js';
import { MAX_QUESTION_CHARS } from '../match/normalize.js';

/** One question the bot was asked, as recorded: no user, no chat id, only what it was about. */
export interface QuestionRecord {
  /** The question as written, cut at {@link MAX_QUESTION_CHARS} characters. */
  text: string;
  lang: Lang;
  /** The best candidate section, also when it did not clear the threshold. */
  bestSection: string | undefined;
  score: number;
  answered: boolean;
  /** Telegram's chat type: private, group, supergroup. */
  chatType: string;
  at: Date;
}

/** 👍 or 👎. */
export type VoteValue = 1 | -1;

/** A vote as the bot receives it; the store keeps only a salted hash of `userId`. */
export interface VoteInput {
  /** The recorded question whose answer is voted on. */
  questionId: number;
  userId: number;
  value: VoteValue;
  at: Date;
}

/**
 * What a vote did: a first vote, a changed one, the same one again, or nothing because the
 * answer is unknown (a forged button, or a question deleted by retention).
 */
export type VoteOutcome =
  { status: 'recorded' | 'changed' | 'unchanged'; sectionId: string } | { status: 'unknown' };

/** The votes one section received. */
export interface SectionVotes {
  sectionId: string;
  up: number;
  down: number;
}

/** Counts over a period: the raw figures the statistics are computed from. */
export interface FeedbackSummary {
  questions: number;
  answered: number;
  /** Questions answered with each section, most first. */
  answeredBySection: { sectionId: string; count: number }[];
  /** Votes cast in the period, per section. */
  votes: SectionVotes[];
}

/** An unanswered question as recorded. */
export interface UnansweredQuestion {
  text: string;
  at: Date;
}

/** How many records a retention run deleted. */
export interface PruneResult {
  questions: number;
  votes: number;
}

/**
 * Where questions and votes are kept. Asynchronous, so that a server database can replace the
 * SQLite file without changing a caller; implementations never store a user id or name.
 */
export interface FeedbackStore {
  /** Records a question and returns its id, which vote buttons carry. */
  recordQuestion(question: QuestionRecord): Promise<number>;
  /**
   * Marks a recorded question whose answer Telegram refused (403: the bot was blocked or removed):
   * it no longer counts in the figures and reports, which are about answers people received.
   */
  markNotDelivered(questionId: number): Promise<void>;
  /** One vote per user per answer: a second vote replaces the first. */
  recordVote(vote: VoteInput): Promise<VoteOutcome>;
  /** Figures for everything recorded at or after `since`. */
  summary(since: Date): Promise<FeedbackSummary>;
  /** The unanswered questions since `since`, newest first, at most `limit`. */
  unansweredSince(since: Date, limit: number): Promise<UnansweredQuestion[]>;
  /** Deletes questions and votes recorded before `cutoff` (and votes on deleted questions). */
  deleteOlderThan(cutoff: Date): Promise<PruneResult>;
  close(): Promise<void>;
}

/** A storage failure with the reason a person can act on (a path, a locked file). */
export class FeedbackStoreError extends Error {
  override readonly name = 'FeedbackStoreError';
}

/**
 * The value stored instead of a user id: an HMAC keyed by the store's secret salt. Enough to
 * tell whether this user voted on this answer before; without the salt it cannot be reversed
 * by trying every id.
 */
export function voterHash(salt: string, userId: number): string {
  return createHmac('sha256', salt).update(String(userId)).digest('base64url');
}

/** Cuts a question to the stored length without splitting a character. */
export function capQuestion(text: string): string {
  const chars = Array.from(text.trim());
  return chars.length <= MAX_QUESTION_CHARS
    ? text.trim()
    : chars.slice(0, MAX_QUESTION_CHARS).join('');
}
