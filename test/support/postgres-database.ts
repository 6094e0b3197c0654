/**
 * A fresh, empty database per test on the run's PostgreSQL server (see
 * `postgres-global-setup.ts`), with its pools closed after the test.
 */
import pg from 'pg';
import { afterEach, inject } from 'vitest';
import { createDatabase } from './postgres-server.js';

const pools: pg.Pool[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end().catch(() => undefined)));
});

/** The URL of a new empty database. */
export function freshDatabaseUrl(prefix?: string): Promise<string> {
  return createDatabase(inject('postgresUrl'), prefix);
}

/** A pool on `url`, ended after the current test. */
export function testPool(url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pools.push(pool);
  return pool;
}
