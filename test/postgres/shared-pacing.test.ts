import type { Transformer } from 'grammy';
import { describe, expect, test } from 'vitest';
import { groupPace, localSendSlots, type SendSlots } from '../../src/bot/middlewares/group-pace.js';
import { openSharedDatabase } from '../../src/postgres/database.js';
import { PostgresSendSlots } from '../../src/postgres/postgres-send-slots.js';
import { captureLogs } from '../support/bot-harness.js';
import { freshDatabaseUrl } from '../support/postgres-database.js';

const GROUP = -100777;
const LIMIT = 3;
const WINDOW_MS = 600;

/** Sends `count` messages to the group through each replica's pace at once; returns the send times. */
async function sendThrough(replicaSlots: SendSlots[], count: number): Promise<number[]> {
  const sentAt: number[] = [];
  const prev = (() => {
    sentAt.push(Date.now());
    return Promise.resolve({ ok: true, result: true });
  }) as unknown as Parameters<Transformer>[0];
  const paces = replicaSlots.map((slots) => groupPace(LIMIT, { slots }));
  await Promise.all(
    paces.flatMap((pace) =>
      Array.from({ length: count }, () =>
        pace(prev, 'sendMessage', { chat_id: GROUP, text: 'x' } as never),
      ),
    ),
  );
  return sentAt.sort((a, b) => a - b);
}

/** The most sends inside any window of WINDOW_MS (less a little for timer jitter). */
function mostInAWindow(times: number[]): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    const end = (times[i] ?? 0) + WINDOW_MS - 50;
    most = Math.max(most, times.filter((t) => t >= (times[i] ?? 0) && t < end).length);
  }
  return most;
}

describe('group pacing across replicas', () => {
  test('two replicas booking in the database stay under one group limit together', async () => {
    const url = await freshDatabaseUrl('pace');
    const db = await openSharedDatabase(url, captureLogs().logger);
    try {
      const shared = [0, 1].map(() => new PostgresSendSlots(db.pool, LIMIT, WINDOW_MS));
      const times = await sendThrough(shared, 4);
      expect(times).toHaveLength(8);
      expect(mostInAWindow(times)).toBeLessThanOrEqual(LIMIT);
      // Eight sends at three per window take at least two windows more.
      expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(2 * WINDOW_MS - 50);
    } finally {
      await db.close();
    }
  });

  test('each replica on its own memory would send the limit twice over', async () => {
    const times = await sendThrough([localSendSlots(LIMIT), localSendSlots(LIMIT)], 3);
    expect(mostInAWindow(times)).toBe(2 * LIMIT);
  });
});
