/**
 * Hostile knowledge files (a YAML alias bomb, a 1 GiB file) on every path that reads knowledge:
 * start-up, /reload, SIGHUP, an upload and `knowledge:check`. Each gives one clear message
 * naming the file and the reason; a running bot keeps serving the copy it had.
 */
import { truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { formatProblem, reasons } from '../../src/knowledge/errors.js';
import { knowledgeLimits } from '../../src/knowledge/load.js';
import { parseSection } from '../../src/knowledge/parse-section.js';
import {
  ADMIN_ID,
  copyKnowledge,
  harnessPerTest,
  titleOf,
  USER_ID,
  visibleText,
  privateReplies,
} from '../support/bot-harness.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { exitWithin, removeWorkDir, spawnBot } from '../support/bot-process.js';
import { runTsx } from '../cli/run.js';

afterAll(() => removeWorkDir());

const BOMB_FILE = '90-bomb.md';
const ALIAS_REASON = 'Excessive alias count indicates a resource exhaustion attack';

// Twelve lines whose aliases expand ten-fold each: 10^12 nodes if converted naively.
function aliasLines(): string[] {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++)
    lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  return lines;
}

const aliasBomb = [
  '---',
  'id: bomb',
  'extra:',
  ...aliasLines().map((line) => `  ${line}`),
  'questions:',
  '  zh-Hans: [炸弹]',
  '  en: [bomb]',
  '---',
  '',
  '## zh-Hans: 标题',
  '',
  '正文。',
  '',
  '## en: Title',
  '',
  'Body.',
  '',
].join('\n');

const bombProblem = formatProblem({ file: BOMB_FILE, line: 2, reason: reasons.yaml(ALIAS_REASON) });

const start = harnessPerTest();

describe('a YAML alias bomb', () => {
  test('the parser reports it as a problem of the file, with the reason', () => {
    expect(parseSection(BOMB_FILE, aliasBomb)).toEqual({
      ok: false,
      problems: [{ file: BOMB_FILE, line: 2, reason: reasons.yaml(ALIAS_REASON) }],
    });
  });

  test('/reload answers with the file and the reason, and the old copy keeps answering', async () => {
    const bot = await start();
    await writeFile(path.join(bot.knowledgeDir, BOMB_FILE), aliasBomb);
    const [reply] = await privateReplies(bot, ADMIN_ID, '/reload');
    expect(reply).toContain(bombProblem);
    expect(bot.store.current.version).toBe(1);
    const [answer] = await privateReplies(bot, USER_ID, 'what is green tea');
    expect(answer?.startsWith(titleOf(bot.store, 'green-tea', 'en'))).toBe(true);
  });

  test('in synonyms.yaml, /reload names synonyms.yaml and the reason', async () => {
    const bot = await start();
    await writeFile(path.join(bot.knowledgeDir, 'synonyms.yaml'), `${aliasLines().join('\n')}\n`);
    const [reply] = await privateReplies(bot, ADMIN_ID, '/reload');
    expect(reply).toContain(
      formatProblem({ file: 'synonyms.yaml', line: 1, reason: reasons.synonymsYaml(ALIAS_REASON) }),
    );
  });

  test('an uploaded bomb is answered with the file and the reason, nothing written', async () => {
    const bot = await start();
    await bot.handle(
      bot.fake.document(ADMIN_ID, {
        file_id: 'BQACAgIAAxkBAAIbomb1',
        file_name: BOMB_FILE,
        contents: aliasBomb,
      }),
    );
    const [reply] = bot.fake.sent(ADMIN_ID).map((s) => visibleText(s));
    expect(reply).toContain(bombProblem);
  });

  test('knowledge:check prints the file and the reason and exits 1', async () => {
    const dir = await copyKnowledge();
    await writeFile(path.join(dir, BOMB_FILE), aliasBomb);
    const run = await runTsx('src/cli/knowledge-check.ts', [dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(bombProblem);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  test('SIGHUP logs the rejection with the file, and the process keeps answering', async () => {
    const fake = await FakeBotApi.start();
    const dir = await copyKnowledge();
    const bot = spawnBot({
      BOT_TOKEN: fake.token,
      BOT_API_ROOT: fake.apiRoot,
      KNOWLEDGE_DIR: dir,
    });
    try {
      await bot.waitForLog('polling for updates', undefined, 30_000);
      await writeFile(path.join(dir, BOMB_FILE), aliasBomb);
      bot.child.kill('SIGHUP');
      const rejected = await bot.waitForLog('knowledge reload rejected; previous version kept');
      expect(rejected.errors).toEqual([bombProblem]);
      fake.privateText(USER_ID, 'what is green tea');
      await fake.waitFor({ method: 'sendMessage' }, 30_000);
      expect(bot.child.exitCode).toBeNull();
    } finally {
      bot.child.kill('SIGKILL');
      await bot.exited;
      await fake.close();
    }
  }, 60_000);

  test('at start-up the program exits 1 naming the file and the reason, without a stack', async () => {
    const dir = await copyKnowledge();
    await writeFile(path.join(dir, BOMB_FILE), aliasBomb);
    const bot = spawnBot({
      KNOWLEDGE_DIR: dir,
      BOT_TOKEN: '123456789:AAFakeBombTestToken_0123456789abcdef',
    });
    expect((await exitWithin(bot, 30_000)).code).toBe(1);
    expect(bot.stderr).toContain(bombProblem);
    expect(bot.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});

describe('a 1 GiB knowledge file', () => {
  test('/reload refuses it by its size, read from the file system, not by reading it', async () => {
    const bot = await start();
    // Sparse: a gigabyte on paper, nothing on disk.
    const huge = path.join(bot.knowledgeDir, '95-huge.md');
    await writeFile(huge, '');
    await truncate(huge, 1024 ** 3);
    const [reply] = await privateReplies(bot, ADMIN_ID, '/reload');
    // The size reported is the file's own: a bounded read would have stopped past the limit.
    expect(reply).toContain(
      formatProblem({
        file: '95-huge.md',
        reason: reasons.tooLarge(1024 ** 3, knowledgeLimits.maxFileBytes),
      }),
    );
    expect(bot.store.current.version).toBe(1);
  });
});
