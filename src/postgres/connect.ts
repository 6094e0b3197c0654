import pg from 'pg';
import type { Logger } from '../logger.js';
import { DatabaseError } from './database-error.js';

/** A failure to reach or use the PostgreSQL server, with the reason a person can act on. */
export { DatabaseError };

/** `host:port/database` of a connection URL: what logs and errors name, never the password. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured database';
  }
}

/** Options of {@link openPool}. */
export interface PoolOptions {
  /** Connections per process; each replica keeps its own pool. */
  max?: number;
  logger?: Logger;
}

// Enough for the answers a replica sends in parallel (grammY's runner and the webhook both
// bound that), while ten replicas stay well under PostgreSQL's default of 100 connections.
const DEFAULT_POOL_SIZE = 8;

/**
 * A connection pool to `url`, checked with one query so that a wrong URL, a refused
 * connection or bad credentials stop the start with one line instead of failing the first
 * question. Idle connections the server drops are logged and replaced, never fatal.
 */
export async function openPool(url: string, options: PoolOptions = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'esim-faq-bot',
  });
  pool.on('error', (error) =>
    options.logger?.warn({ err: error.message }, 'database connection dropped; reconnecting'),
  );
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(
      `Cannot connect to the database at ${describeDatabase(url)} (DATABASE_URL): ${reason}`,
    );
  }
  return pool;
}

/** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
