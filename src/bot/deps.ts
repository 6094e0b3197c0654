import type { FeedbackStore } from '../feedback/feedback-store.js';
import type { KnowledgeStore } from '../knowledge-store.js';
import type { Logger } from '../logger.js';
import type { BotMetrics } from '../metrics/bot-metrics.js';
import type { SendSlots } from '../send-slots.js';
import type { QuestionMatcher } from '../match-thread/thread-matcher.js';

/** The settings the bot's features read, taken from the validated configuration. */
export interface BotSettings {
  adminIds: readonly number[];
  /** Groups in which an anonymous group admin (GroupAnonymousBot) counts as a bot admin. */
  anonymousAdminChatIds: readonly number[];
  threshold: number | undefined;
  groupAutoAnswer: boolean;
  groupAutoThreshold: number;
  groupAutoPerMinute: number;
  groupMessagesPerMinute: number;
  userMessagesPerSecond: number;
}

/** What the bot needs from the rest of the program; passed in, never imported, so tests swap it. */
export interface BotDeps {
  store: KnowledgeStore;
  logger: Logger;
  settings: BotSettings;
  /**
   * Where questions and votes are recorded. Optional so that a bare bot (the benchmark) runs
   * without storage: then nothing is recorded and answers carry no vote buttons.
   */
  feedback?: FeedbackStore;
  /** Where questions are matched: a thread of its own in a running bot; in process when absent. */
  matcher?: QuestionMatcher;
  /** Where groups' send times are booked: shared by replicas; this process's memory when absent. */
  sendSlots?: SendSlots;
  /** Counted for `GET /metrics`; nothing is counted when absent. */
  metrics?: BotMetrics;
  /** The clock; tests inject one. The system clock when absent. */
  now?: () => Date;
}

/** The current time by the deps' clock. */
export function nowOf(deps: Pick<BotDeps, 'now'>): Date {
  return deps.now ? deps.now() : new Date();
}
