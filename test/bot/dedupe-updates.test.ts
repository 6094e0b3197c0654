import { describe, expect, test } from 'vitest';
import type { BotContext } from '../../src/bot/context.js';
import { dedupeUpdates } from '../../src/bot/middlewares/dedupe-updates.js';

async function handledIds(capacity: number, ids: number[]): Promise<number[]> {
  const middleware = dedupeUpdates(capacity);
  const handled: number[] = [];
  for (const id of ids) {
    const ctx = { update: { update_id: id } } as unknown as BotContext;
    await middleware(ctx, async () => {
      handled.push(id);
    });
  }
  return handled;
}

describe('dedupeUpdates', () => {
  test('handles each update id once while it is among the last ids seen', async () => {
    expect(await handledIds(3, [1, 2, 1, 3, 2, 3, 4])).toEqual([1, 2, 3, 4]);
  });

  test('forgets the oldest id first once more than the capacity has been seen', async () => {
    // After 4 the set holds 2, 3, 4: 1 is forgotten (handled again), 3 is not.
    expect(await handledIds(3, [1, 2, 3, 4, 1, 3])).toEqual([1, 2, 3, 4, 1]);
  });

  test('keeps its guarantee over a long run of ids', async () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => i);
    const replays = ids.flatMap((id) => (id >= 100 ? [id, id - 99] : [id]));
    // Every replay of one of the last 100 ids is dropped: each id is handled exactly once.
    expect(await handledIds(100, replays)).toEqual(ids);
  });
});
