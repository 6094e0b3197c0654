import pg from 'pg';
import type { Logger } from '../logger.js';
import { DatabaseError, describeDatabase } from './connect.js';

/**
 * The first key of the two-key advisory locks this bot takes; the second is a replica id, or
 * {@link POLLER_SLOT}. Any constant unlikely to clash with another application's locks.
 */
export const ADVISORY_CLASS = 0x6573_6971; // "esiq"
/** The second key of the lock only a polling process holds. */
export const POLLER_SLOT = 0;

/** A notification from another replica (or this one), as sent with {@link ReplicaLink.notify}. */
export type NotificationHandler = (payload: string) => void;

/**
 * One replica's own connection to the shared database, apart from the pool. Holding it open
 * is what "this replica is alive" means to the others: the connection holds an advisory lock
 * keyed by the replica id for as long as the process lives, and PostgreSQL releases it the
 * moment the process dies (even by SIGKILL: the server sees the socket close), so updates the
 * dead replica had taken can be taken over. The same connection LISTENs for notifications and
 * holds the single-poller lock.
 */
export class ReplicaLink {
  private readonly handlers = new Map<string, NotificationHandler[]>();
  private closed = false;

  private constructor(
    private readonly client: pg.Client,
    /** A random id for this process, unique among the live replicas. */
    readonly replicaId: number,
    logger: Logger,
  ) {
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? [])
        handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      if (this.closed) return;
      // Without this connection the others see this replica as gone and take its updates
      // over: answers in flight here may then be sent twice, none is lost.
      logger.error(
        { err: error.message },
        'lost the replica connection to the database; other replicas take over its updates',
      );
    });
  }

  /** Connects and registers this replica as alive. */
  static async open(url: string, logger: Logger): Promise<ReplicaLink> {
    const client = new pg.Client({
      connectionString: url,
      application_name: 'esim-faq-bot replica',
      keepAlive: true,
    });
    try {
      await client.connect();
      for (let attempt = 0; attempt < 5; attempt++) {
        const replicaId = 1 + Math.floor(Math.random() * 0x7fff_fffe);
        const { rows } = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_lock($1, $2) AS ok',
          [ADVISORY_CLASS, replicaId],
        );
        if (rows[0]?.ok) return new ReplicaLink(client, replicaId, logger);
      }
      throw new Error('no free replica id');
    } catch (error) {
      await client.end().catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      throw new DatabaseError(
        `Cannot connect to the database at ${describeDatabase(url)} (DATABASE_URL): ${reason}`,
      );
    }
  }

  /**
   * Takes the lock that only one polling process may hold; false when another process
   * against this database holds it.
   */
  async claimPolling(): Promise<boolean> {
    const { rows } = await this.client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock($1, $2) AS ok',
      [ADVISORY_CLASS, POLLER_SLOT],
    );
    return rows[0]?.ok === true;
  }

  /** Calls `handler` with the payload of every notification on `channel`. */
  async listen(channel: string, handler: NotificationHandler): Promise<void> {
    const known = this.handlers.get(channel);
    if (known) {
      known.push(handler);
      return;
    }
    this.handlers.set(channel, [handler]);
    await this.client.query(`LISTEN ${this.client.escapeIdentifier(channel)}`);
  }

  /** Sends `payload` to every replica listening on `channel`, this one included. */
  async notify(channel: string, payload: string): Promise<void> {
    await this.client.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.end().catch(() => undefined);
  }
}

/**
 * The SQL condition "the replica `ownerColumn` is gone": no session holds its advisory lock.
 * `$1` in the statement using it must be {@link ADVISORY_CLASS}.
 */
export function replicaGoneSql(ownerColumn: string): string {
  return `NOT EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = $1::int::oid AND l.objid = ${ownerColumn}::oid
  )`;
}
