import type pg from 'pg';
import { describe, expect, test } from 'vitest';
import { PostgresFeedbackStore } from '../../src/feedback/postgres-feedback-store.js';
import { DatabaseError, openPool } from '../../src/postgres/connect.js';
import { openSharedDatabase } from '../../src/postgres/database.js';
import { migrate, MIGRATIONS } from '../../src/postgres/migrations.js';
import { captureLogs } from '../support/bot-harness.js';
import { freshDatabaseUrl, testPool } from '../support/postgres-database.js';
import { questionRecord } from '../support/question-records.js';

const NOW = new Date('2026-03-01T12:00:00Z');

describe('the shared PostgreSQL database', () => {
  test('replicas starting at once migrate it once, and a restart finds nothing to do', async () => {
    const url = await freshDatabaseUrl('migrate');
    const pools = [testPool(url), testPool(url), testPool(url)];
    const results = await Promise.all(pools.map((pool) => migrate(pool)));
    const latest = MIGRATIONS.at(-1)?.version;
    expect(results.map((r) => r.version)).toEqual([latest, latest, latest]);
    // Exactly one of them applied the steps; the others waited on the lock and saw them done.
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    expect(results.flatMap((r) => r.applied)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(pools[0] as pg.Pool)).toEqual({ applied: [], version: latest });
    const { rows } = await (pools[0] as pg.Pool).query<{ n: number }>(
      'SELECT count(*)::int AS n FROM schema_migrations',
    );
    expect(rows[0]?.n).toBe(MIGRATIONS.length);
  });

  test('a failing step leaves the schema as it was', async () => {
    const url = await freshDatabaseUrl('migrate');
    const pool = testPool(url);
    const broken = [...MIGRATIONS, { version: 999, name: 'broken', sql: 'CREATE TABLE x (;' }];
    await expect(migrate(pool, broken)).rejects.toThrow(/syntax error/);
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'questions'",
    );
    expect(rows[0]?.n).toBe(0);
  });

  test('a schema newer than the bot is refused with what to do', async () => {
    const url = await freshDatabaseUrl('migrate');
    const pool = testPool(url);
    await migrate(pool, [...MIGRATIONS, { version: 500, name: 'future', sql: 'SELECT 1' }]);
    await expect(migrate(pool)).rejects.toThrow(
      /schema is version 500, newer than this bot knows .*update the bot/,
    );
  });

  test('an unreachable server is one line naming the key, never the password', async () => {
    const { logger } = captureLogs();
    const url = 'postgres://bot:s3cret-pass@127.0.0.1:1/faq';
    const failure = openSharedDatabase(url, logger);
    await expect(failure).rejects.toBeInstanceOf(DatabaseError);
    const message = await failure.catch((error: Error) => error.message);
    expect(message).toMatch(
      /^Cannot connect to the database at 127\.0\.0\.1:1\/faq \(DATABASE_URL\): /,
    );
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('\n');
    await expect(openPool(url)).rejects.toThrow(DatabaseError);
  });

  test('never holds a user id, and keeps one vote per user across a restart', async () => {
    const url = await freshDatabaseUrl('feedback');
    const { logger } = captureLogs();
    const first = await openSharedDatabase(url, logger);
    const store = await PostgresFeedbackStore.open(first.pool);
    const id = await store.recordQuestion(questionRecord({ at: NOW }));
    await store.recordVote({ questionId: id, userId: 123456789, value: 1, at: NOW });
    await first.close();

    const second = await openSharedDatabase(url, logger);
    try {
      const again = await PostgresFeedbackStore.open(second.pool);
      expect(
        await again.recordVote({ questionId: id, userId: 123456789, value: -1, at: NOW }),
      ).toEqual({ status: 'changed', sectionId: 'esim' });
      const { rows } = await second.pool.query<Record<string, unknown>>('SELECT * FROM votes');
      expect(Object.keys(rows[0] ?? {}).sort()).toEqual([
        'at',
        'question_id',
        'section_id',
        'value',
        'voter',
      ]);
      expect(JSON.stringify(rows)).not.toContain('123456789');
    } finally {
      await second.close();
    }
  });
});
