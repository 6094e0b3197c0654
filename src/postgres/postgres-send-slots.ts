import type pg from 'pg';
import type { SendSlots } from '../send-slots.js';
import { inTransaction } from './connect.js';

/** The first key of the per-chat lock taken while booking a send slot. */
const SLOT_LOCK_CLASS = 0x6573_6970; // "esip"

/**
 * A group's send times booked in the shared database, so that all replicas together keep the
 * group under `limit` messages per `windowMs` (the same sliding window as in one process: the
 * next slot is the `limit`-th latest booking plus the window). Bookings of one chat are
 * serialised by a transaction-level advisory lock; old ones are deleted as new ones come.
 */
export class PostgresSendSlots implements SendSlots {
  constructor(
    private readonly pool: pg.Pool,
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  reserve(chat: string | number, now: number): Promise<number> {
    const key = String(chat);
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SLOT_LOCK_CLASS, key]);
      // The time once the lock is held: a booking that waited for it is not in the past.
      now = Math.max(now, Date.now());
      await client.query('DELETE FROM group_send_slots WHERE chat = $1 AND at <= $2', [
        key,
        now - this.windowMs,
      ]);
      const { rows } = await client.query<{ at: string }>(
        'SELECT at FROM group_send_slots WHERE chat = $1 ORDER BY at DESC LIMIT $2',
        [key, this.limit],
      );
      const slot =
        rows.length < this.limit
          ? now
          : Math.max(now, Number(rows[this.limit - 1]?.at) + this.windowMs);
      await client.query('INSERT INTO group_send_slots (chat, at) VALUES ($1, $2)', [key, slot]);
      return slot;
    });
  }
}
