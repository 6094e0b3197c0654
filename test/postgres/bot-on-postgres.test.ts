/**
 * The real program with DATABASE_URL: it migrates the database at start, records questions in
 * it instead of DATA_DIR, and never prints the database password.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../../src/postgres/migrations.js';
import { SHIPPED_KNOWLEDGE } from '../support/bot-harness.js';
import { exitWithin, removeWorkDir, spawnBot, stopAllBots } from '../support/bot-process.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { freshDatabaseUrl, testPool } from '../support/postgres-database.js';

afterAll(async () => {
  await stopAllBots();
  removeWorkDir();
});

const PASSWORD = 'never-printed-5ecret';

function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = PASSWORD; // the test server trusts loopback: any password is accepted
  return parsed.href;
}

describe('the bot with DATABASE_URL', () => {
  test('records the console chat in PostgreSQL, not in DATA_DIR', async () => {
    const url = await freshDatabaseUrl('console');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'esim-faq-pgdata-'));
    try {
      const bot = spawnBot(
        {
          KNOWLEDGE_DIR: SHIPPED_KNOWLEDGE,
          DATA_DIR: dataDir,
          DATABASE_URL: withPassword(url),
          LOG_LEVEL: 'info',
        },
        'eSIM能自动断网吗\n今天吃什么\n',
      );
      expect(await exitWithin(bot, 30_000)).toEqual({ code: 0, signal: null });
      const ready = bot.logs().find((l) => l.msg === 'database ready');
      expect(ready).toMatchObject({ applied: MIGRATIONS.map((m) => m.version) });
      expect(String(ready?.database)).toMatch(/^127\.0\.0\.1:\d+\/console_/);
      expect(bot.stdout + bot.stderr).not.toContain(PASSWORD);

      const { rows } = await testPool(url).query<{ text: string; answered: boolean }>(
        'SELECT text, answered FROM questions ORDER BY id',
      );
      expect(rows).toEqual([
        { text: 'eSIM能自动断网吗', answered: true },
        { text: '今天吃什么', answered: false },
      ]);
      expect(existsSync(path.join(dataDir, 'feedback.sqlite'))).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('an unreachable database stops the start with one line naming DATABASE_URL', async () => {
    const bot = spawnBot({
      KNOWLEDGE_DIR: SHIPPED_KNOWLEDGE,
      DATABASE_URL: `postgres://bot:${PASSWORD}@127.0.0.1:1/faq`,
    });
    expect(await exitWithin(bot, 30_000)).toEqual({ code: 1, signal: null });
    const lines = bot.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('{'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Cannot connect to the database at 127\.0\.0\.1:1\/faq \(DATABASE_URL\)/,
    );
    expect(bot.stderr).not.toContain(PASSWORD);
  });

  test('a second poller on the same database is refused with one line, the first keeps polling', async () => {
    const fake = await FakeBotApi.start();
    const url = await freshDatabaseUrl('pollers');
    const dirs = await Promise.all(
      [0, 1].map(() => mkdtemp(path.join(tmpdir(), 'esim-faq-poller-'))),
    );
    try {
      const env = (dataDir: string) => ({
        BOT_TOKEN: fake.token,
        BOT_API_ROOT: fake.apiRoot,
        KNOWLEDGE_DIR: SHIPPED_KNOWLEDGE,
        DATA_DIR: dataDir,
        DATABASE_URL: url,
      });
      const first = spawnBot(env(dirs[0] ?? ''));
      await first.waitForLog('polling for updates', undefined, 30_000);
      const second = spawnBot(env(dirs[1] ?? ''));
      expect(await exitWithin(second, 30_000)).toEqual({ code: 1, signal: null });
      const plain = second.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('{'));
      expect(plain).toEqual([
        'Another instance is already polling for this bot with the same DATABASE_URL: long polling allows one; run more replicas in webhook mode',
      ]);
      // The first still answers.
      fake.privateText(1001, 'what is an esim');
      await first.waitForLog('question', undefined, 20_000);
      first.child.kill('SIGTERM');
      expect(await exitWithin(first, 30_000)).toEqual({ code: 0, signal: null });
    } finally {
      await fake.close();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
  });
});
