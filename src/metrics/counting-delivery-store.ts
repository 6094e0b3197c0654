import type { AcceptOutcome, DeliveryStore, InboxUpdate } from '../delivery/delivery-store.js';
import type { BotMetrics } from './bot-metrics.js';

/**
 * A {@link DeliveryStore} that counts the redeliveries it recognises (an update already pending
 * or answered, here or on another replica) for `duplicate_updates_total`; otherwise the store.
 */
export function countingRedeliveries(store: DeliveryStore, metrics: BotMetrics): DeliveryStore {
  return {
    accept: async (updates: readonly InboxUpdate[], at: Date): Promise<AcceptOutcome[]> => {
      const outcomes = await store.accept(updates, at);
      for (const outcome of outcomes) if (outcome !== 'stored') metrics.duplicate();
      return outcomes;
    },
    pending: () => store.pending(),
    markAnswered: (updateId, at) => store.markAnswered(updateId, at),
    forgetAnsweredBefore: (cutoff) => store.forgetAnsweredBefore(cutoff),
    counts: () => store.counts(),
    close: () => store.close(),
  };
}
