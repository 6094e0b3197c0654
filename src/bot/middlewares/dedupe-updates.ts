import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.js';

/**
 * Drops an update whose id was seen recently. Telegram re-delivers a webhook update when the
 * response is slow or lost; without this the asker would get the answer twice. Memory is bounded
 * to the last `capacity` ids.
 */
export function dedupeUpdates(capacity = 10_000): MiddlewareFn<BotContext> {
  const seen = new Set<number>();
  // The ids in arrival order, overwritten oldest first. Reading the oldest id off the set's own
  // iterator would step over every id deleted before it, a cost that grows with the traffic.
  const order = new Float64Array(capacity);
  let slot = 0;
  return async (ctx, next) => {
    const id = ctx.update.update_id;
    if (seen.has(id)) return;
    if (seen.size >= capacity) seen.delete(order[slot] as number);
    seen.add(id);
    order[slot] = id;
    slot = (slot + 1) % capacity;
    await next();
  };
}
