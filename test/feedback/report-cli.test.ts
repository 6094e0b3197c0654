import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { FeedbackStore, QuestionRecord } from '../../src/feedback/feedback-store.js';
import { DAY_MS } from '../../src/feedback/insights.js';
import { PostgresFeedbackStore } from '../../src/feedback/postgres-feedback-store.js';
import { SqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store.js';
import { openSharedDatabase } from '../../src/postgres/database.js';
import { captureLogs } from '../support/bot-harness.js';
import { createDatabase } from '../support/postgres-server.js';
import { runCommand, type RunResult } from '../cli/run.js';

/** `npm run --silent report -- …args` from the repository root, with only DATA_DIR set. */
function report(
  args: readonly string[],
  dataDir: string,
  extraEnv: Record<string, string> = {},
): Promise<RunResult> {
  return runCommand('npm', ['run', '--silent', 'report', '--', ...args], {
    env: { DATA_DIR: dataDir, ...extraEnv },
  });
}

let dataDir: string;
let databaseUrl: string;

// The same records in a store: the SQLite file, and a PostgreSQL database.
async function seed(store: FeedbackStore, now: number): Promise<void> {
  const ask = (text: string, answered: boolean, daysAgo = 0, bestSection = 'esim') =>
    store.recordQuestion({
      text,
      lang: /[a-z]/i.test(text) ? 'en' : 'zh-Hans',
      bestSection: answered ? bestSection : undefined,
      score: answered ? 0.8 : 0.2,
      answered,
      chatType: 'private',
      at: new Date(now - daysAgo * DAY_MS - 60_000),
    } satisfies QuestionRecord);
  for (const text of ['今天吃什么', '今天吃什么', '今天吃啥', '今天吃什么？', 'best | pizza'])
    await ask(text, false);
  await ask('who won the game last night', false, 10);
  const esim = await ask('what is an esim', true);
  const safe = await ask('is esim safe', true, 0, 'esim-security');
  await store.recordVote({ questionId: esim, userId: 1, value: 1, at: new Date() });
  await store.recordVote({ questionId: safe, userId: 1, value: -1, at: new Date() });
  await store.recordVote({ questionId: safe, userId: 2, value: -1, at: new Date() });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'esim-faq-report-'));
  const now = Date.now();
  const store = SqliteFeedbackStore.open(dataDir);
  await seed(store, now);
  await store.close();
  databaseUrl = await createDatabase(inject('postgresUrl'), 'report');
  const database = await openSharedDatabase(databaseUrl, captureLogs().logger);
  await seed(await PostgresFeedbackStore.open(database.pool), now);
  await database.close();
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm run report', () => {
  test('prints the grouped unanswered questions and the figures as Markdown', async () => {
    const [week, month] = await Promise.all([
      report(['--days', '7'], dataDir),
      report(['--days', '30'], dataDir),
    ]);
    expect(week.stderr).toBe('');
    expect(week.code).toBe(0);
    const out = week.stdout;
    expect(out).toMatch(/^# Feedback report\n/);
    expect(out).toContain('5 unanswered questions; the most frequent, grouped by similarity:');
    expect(out).toContain('| 1 | 4 | 今天吃什么 | 3 |');
    // A pipe in a question cannot break the table.
    expect(out).toContain('| 2 | 1 | best \\| pizza | 1 |');
    // Ten days ago is outside the week.
    expect(out).not.toContain('who won the game');
    expect(out).toContain('| `esim-security` | 2 | 0 |');
    expect(out).toContain('| last 7 days | 7 | 2 | 29% |');
    expect(out).toContain('| `esim` | 1 | 0 |');

    expect(month.code).toBe(0);
    expect(month.stdout).toContain('| 3 | 1 | who won the game last night | 1 |');
    expect(month.stdout).toContain('| last 30 days | 8 | 2 | 25% |');
  });

  test('--html writes one self-contained page: the chart inline, the tables, questions escaped', async () => {
    const run = await report(['--html'], dataDir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const page = run.stdout;
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toMatch(
      /<figure><svg[^>]*>[\s\S]*Questions per day, last 30 days[\s\S]*<\/svg><\/figure>/,
    );
    expect(page).toContain('<td>今天吃什么</td>');
    // Nothing is fetched from elsewhere when the page opens.
    expect(page).not.toMatch(/<(script|link|img)\b|src=|@import/i);
    expect(page).toContain('best | pizza');
  });

  test('validates --days and names a missing database', async () => {
    const [bad, none] = await Promise.all([
      report(['--days', '0'], dataDir),
      report([], path.join(dataDir, 'missing')),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('--days: must be at least 1');
    expect(bad.stdout).toBe('');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      `No feedback database at ${path.join(dataDir, 'missing', 'feedback.sqlite')}`,
    );
  });

  test('reads the same records from the PostgreSQL database of DATABASE_URL', async () => {
    const [fromFile, fromDatabase, empty] = await Promise.all([
      report(['--days', '30'], dataDir),
      report(['--days', '30'], path.join(dataDir, 'missing'), { DATABASE_URL: databaseUrl }),
      report([], dataDir, {
        DATABASE_URL: await createDatabase(inject('postgresUrl'), 'report_empty'),
      }),
    ]);
    expect(fromDatabase.stderr).toBe('');
    expect(fromDatabase.code).toBe(0);
    const body = (out: string) => out.split('\n').filter((l) => !/^_?Generated/i.test(l));
    expect(body(fromDatabase.stdout)).toEqual(body(fromFile.stdout));
    expect(fromDatabase.stdout).toContain('| last 30 days | 8 | 2 | 25% |');
    // A database the bot never started on: a clear line, and still nothing created.
    expect(empty.code).toBe(1);
    expect(empty.stderr.trim()).toBe(
      'No feedback records in the database of DATABASE_URL: the bot creates them when it starts',
    );
  });
});
