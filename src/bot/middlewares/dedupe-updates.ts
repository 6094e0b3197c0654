import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.js';

/**
 * Drops an update whose id was seen recently. Telegram re-delivers a webhook update when the
 * response is slow or lost; without this the asker would get the answer twice. Memory is bounded
 * to the last `capacity` ids.
 */
export function dedupeUpdates(capacity = 10_000): MiddlewareFn<BotContext> {
  const seen = new Set<number>();
  return async (ctx, next) => {
    const id = ctx.update.update_id;
    if (seen.has(id)) return;
    seen.add(id);
    if (seen.size > capacity) {
      const oldest = seen.values().next();
      if (!oldest.done) seen.delete(oldest.value);
    }
    await next();
  };
}
