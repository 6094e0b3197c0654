import type pg from 'pg';
import type { AcceptOutcome, DeliveryStore, InboxUpdate } from '../delivery/delivery-store.js';
import { inTransaction } from './connect.js';
import { ADVISORY_CLASS, replicaGoneSql } from './replica-link.js';

/**
 * The delivery store in the shared PostgreSQL database, for replicas behind one webhook. One
 * row per update id: `pending` with the update's body and the replica answering it, then
 * `answered` without the body. An update delivered to two replicas is stored once (the
 * primary key); the second finds it `pending` and leaves it to the first. When the first dies,
 * its advisory lock goes with its connection and its pending updates become anyone's: the next
 * delivery of one to a live replica, or that replica's {@link pending} sweep, takes it over.
 */
export class PostgresDeliveryStore implements DeliveryStore {
  constructor(
    private readonly pool: pg.Pool,
    /** This process's replica id, kept alive by its {@link ReplicaLink}. */
    private readonly replicaId: number,
  ) {}

  accept(updates: readonly InboxUpdate[], at: Date): Promise<AcceptOutcome[]> {
    return inTransaction(this.pool, async (client) => {
      const outcomes: AcceptOutcome[] = [];
      for (const update of updates) outcomes.push(await this.acceptOne(client, update, at));
      return outcomes;
    });
  }

  private async acceptOne(
    client: pg.PoolClient,
    update: InboxUpdate,
    at: Date,
  ): Promise<AcceptOutcome> {
    const inserted = await client.query(
      `INSERT INTO updates (update_id, state, body, owner, accepted_at)
       VALUES ($1, 'pending', $2, $3, $4) ON CONFLICT (update_id) DO NOTHING`,
      [update.update_id, JSON.stringify(update), this.replicaId, at],
    );
    if (inserted.rowCount === 1) return 'stored';
    // Known already. The row lock orders this against the owner marking it answered.
    const known = await client.query<{ state: string; owner: number | null; gone: boolean }>(
      `SELECT state, owner, ${replicaGoneSql('owner')} AS gone
       FROM updates WHERE update_id = $2 FOR UPDATE`,
      [ADVISORY_CLASS, update.update_id],
    );
    const row = known.rows[0];
    if (!row || row.state === 'answered') return 'answered';
    if (row.owner === this.replicaId || !row.gone) return 'pending';
    await client.query('UPDATE updates SET owner = $1 WHERE update_id = $2', [
      this.replicaId,
      update.update_id,
    ]);
    return 'stored';
  }

  /**
   * The pending updates of this replica and of replicas that are gone (a crash, a stop that
   * left work, this deployment's previous process), lowest id first; the latter are taken over.
   */
  async pending(): Promise<InboxUpdate[]> {
    const { rows } = await this.pool.query<{ body: InboxUpdate }>(
      `WITH orphans AS (
         UPDATE updates SET owner = $2
         WHERE update_id IN (
           SELECT update_id FROM updates
           WHERE state = 'pending' AND owner <> $2 AND ${replicaGoneSql('owner')}
           FOR UPDATE SKIP LOCKED)
         RETURNING update_id, body)
       SELECT update_id, body FROM orphans
       UNION ALL
       SELECT update_id, body FROM updates WHERE state = 'pending' AND owner = $2
       ORDER BY update_id`,
      [ADVISORY_CLASS, this.replicaId],
    );
    return rows.map((row) => row.body);
  }

  /**
   * The pending updates of replicas that are gone, without taking them: handing them to
   * `accept` takes each over exactly once, however many replicas sweep at the same moment.
   */
  async orphans(limit = 100): Promise<InboxUpdate[]> {
    const { rows } = await this.pool.query<{ body: InboxUpdate }>(
      `SELECT body FROM updates
       WHERE state = 'pending' AND owner <> $2 AND ${replicaGoneSql('owner')}
       ORDER BY update_id LIMIT $3`,
      [ADVISORY_CLASS, this.replicaId, limit],
    );
    return rows.map((row) => row.body);
  }

  async markAnswered(updateId: number, at: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO updates (update_id, state, accepted_at, answered_at)
       VALUES ($1, 'answered', $2, $2)
       ON CONFLICT (update_id) DO UPDATE
       SET state = 'answered', body = NULL, owner = NULL, answered_at = $2`,
      [updateId, at],
    );
  }

  async forgetAnsweredBefore(cutoff: Date): Promise<number> {
    const { rowCount } = await this.pool.query(
      "DELETE FROM updates WHERE state = 'answered' AND answered_at < $1",
      [cutoff],
    );
    return rowCount ?? 0;
  }

  async counts(): Promise<{ pending: number; answered: number }> {
    const { rows } = await this.pool.query<{ pending: number; answered: number }>(
      `SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending,
              count(*) FILTER (WHERE state = 'answered')::int AS answered FROM updates`,
    );
    return rows[0] ?? { pending: 0, answered: 0 };
  }

  /** The pool belongs to the caller. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
