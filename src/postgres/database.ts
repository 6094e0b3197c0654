import type pg from 'pg';
import type { Logger } from '../logger.js';
import { describeDatabase, openPool } from './connect.js';
import { migrate } from './migrations.js';

/** The shared database every replica uses: one pool, its schema brought up to date. */
export interface SharedDatabase {
  pool: pg.Pool;
  /** `host:port/database`, for logs. */
  name: string;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL and runs the migrations (safe with replicas starting at once). */
export async function openSharedDatabase(url: string, logger: Logger): Promise<SharedDatabase> {
  const pool = await openPool(url, { logger });
  try {
    const result = await migrate(pool);
    const name = describeDatabase(url);
    logger.info(
      { database: name, schema: result.version, applied: result.applied },
      'database ready',
    );
    return { pool, name, close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
