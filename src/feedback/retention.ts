import type { Logger } from '../logger.js';
import type { FeedbackStore, PruneResult } from './feedback-store.js';
import { DAY_MS } from './insights.js';

/** Deletes what is older than `retentionDays` at `now`; returns what was deleted. */
export async function pruneFeedback(
  store: FeedbackStore,
  retentionDays: number,
  now: Date,
): Promise<PruneResult & { cutoff: Date }> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  return { ...(await store.deleteOlderThan(cutoff)), cutoff };
}

/** Options of {@link scheduleRetention}. */
export interface RetentionOptions {
  retentionDays: number;
  logger: Logger;
  now?: () => Date;
  intervalMs?: number;
}

/** A running retention schedule. */
export interface RetentionHandle {
  /** Settles after the run at start-up. */
  firstRun: Promise<void>;
  stop(): void;
}

/**
 * Prunes now and then once a day. The timer is unref'd: retention never keeps the process
 * alive, and a failed run is logged and retried the next day rather than stopping the bot.
 */
export function scheduleRetention(
  store: FeedbackStore,
  options: RetentionOptions,
): RetentionHandle {
  const now = options.now ?? (() => new Date());
  const run = async () => {
    try {
      const result = await pruneFeedback(store, options.retentionDays, now());
      options.logger.info(
        {
          questions: result.questions,
          votes: result.votes,
          cutoff: result.cutoff.toISOString(),
        },
        'feedback retention applied',
      );
    } catch (error) {
      options.logger.error({ err: error }, 'feedback retention failed');
    }
  };
  const timer = setInterval(() => void run(), options.intervalMs ?? DAY_MS);
  timer.unref();
  return { firstRun: run(), stop: () => clearInterval(timer) };
}
