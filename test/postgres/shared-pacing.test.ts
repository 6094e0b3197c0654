import type { Transformer } from 'grammy';
import { describe, expect, test } from 'vitest';
import { groupPace, localSendSlots } from '../../src/bot/middlewares/group-pace.js';
import type { SendSlots } from '../../src/send-slots.js';
import { openSharedDatabase } from '../../src/postgres/database.js';
import { PostgresSendSlots } from '../../src/postgres/postgres-send-slots.js';
import { captureLogs } from '../support/bot-harness.js';
import { freshDatabaseUrl } from '../support/postgres-database.js';

const GROUP = -100777;
const LIMIT = 3;
const WINDOW_MS = 600;

/**
 * Sends `count` messages to the group through each replica's pace at once. Returns the booked
 * slots (what the pace promises; on a loaded machine the actual sends can only be later) and
 * when the last send went out.
 */
async function sendThrough(
  replicaSlots: SendSlots[],
  count: number,
): Promise<{ slots: number[]; lastSendAfterMs: number }> {
  const booked: number[] = [];
  const started = Date.now();
  let lastSend = started;
  const prev = (() => {
    lastSend = Math.max(lastSend, Date.now());
    return Promise.resolve({ ok: true, result: true });
  }) as unknown as Parameters<Transformer>[0];
  const recording = replicaSlots.map((slots): SendSlots => ({
    reserve: async (chat, now) => {
      const slot = await slots.reserve(chat, now);
      booked.push(slot);
      return slot;
    },
  }));
  const paces = recording.map((slots) => groupPace(LIMIT, { slots }));
  await Promise.all(
    paces.flatMap((pace) =>
      Array.from({ length: count }, () =>
        pace(prev, 'sendMessage', { chat_id: GROUP, text: 'x' } as never),
      ),
    ),
  );
  return { slots: booked.sort((a, b) => a - b), lastSendAfterMs: lastSend - started };
}

/** The most slots inside any window of WINDOW_MS. */
function mostInAWindow(times: number[]): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    const end = (times[i] ?? 0) + WINDOW_MS;
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
      const { slots, lastSendAfterMs } = await sendThrough(shared, 4);
      expect(slots).toHaveLength(8);
      expect(mostInAWindow(slots)).toBe(LIMIT);
      // Eight sends at three per window take two windows more than the first.
      expect((slots.at(-1) ?? 0) - (slots[0] ?? 0)).toBeGreaterThanOrEqual(2 * WINDOW_MS);
      // And the sends waited for their slots: the last went out two windows after the start.
      expect(lastSendAfterMs).toBeGreaterThanOrEqual(2 * WINDOW_MS - 20);
    } finally {
      await db.close();
    }
  });

  test('each replica on its own memory would send the limit twice over', async () => {
    const { slots } = await sendThrough([localSendSlots(LIMIT), localSendSlots(LIMIT)], 3);
    expect(mostInAWindow(slots)).toBe(2 * LIMIT);
  });
});
