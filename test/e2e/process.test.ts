/**
 * The real program as a child process against the fake Bot API. Every test owns its fake, its
 * knowledge copy and its children, so the tests run concurrently (most of their time is the
 * children starting up). Cleanup kills the test's children and checks that the bot token never
 * appeared in anything they printed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { afterAll, describe, test, type TestContext } from 'vitest';
import { repliesFor } from '../../src/bot/replies.js';
import { KnowledgeStore } from '../../src/knowledge-store.js';
import {
  ADMIN_ID,
  copyKnowledge,
  editFile,
  titleOf,
  USER_ID,
  visibleText,
  waitUntil,
} from '../support/bot-harness.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { exitWithin, removeWorkDir, spawnBot, type BotProcess } from '../support/bot-process.js';

afterAll(() => removeWorkDir());

// The tests run concurrently, children start slowly on a busy machine: generous bounds for
// "it happens at all", and time limits only where the time is the point.
const LIVENESS_MS = 30_000;
const TIMEOUT = { timeout: 60_000 };

interface ProcessEnv {
  fake: FakeBotApi;
  knowledgeDir: string;
  /** The same knowledge, loaded in the test, to know titles. */
  store: KnowledgeStore;
  /** The environment of a bot talking to this test's fake. */
  botEnv(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  spawn(env: Record<string, string | undefined>, input?: string): BotProcess;
  /** Starts the bot in polling mode and waits until it polls. */
  startPolling(): Promise<BotProcess>;
}

async function setUp(ctx: TestContext): Promise<ProcessEnv> {
  const fake = await FakeBotApi.start();
  const knowledgeDir = await copyKnowledge();
  // Each test's bots keep their inbox and answered ids apart from the other tests' bots.
  const dataDir = await mkdtemp(path.join(tmpdir(), 'esim-faq-data-'));
  const store = await KnowledgeStore.open(knowledgeDir);
  const children: BotProcess[] = [];
  ctx.onTestFinished(async () => {
    for (const child of children) child.child.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await fake.close();
    await rm(knowledgeDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
    // The token, or its secret half, never appears in any output of any run.
    const output = children.map((child) => child.stdout + child.stderr).join('\n');
    if (output.includes(fake.token.split(':')[1] ?? fake.token)) {
      throw new Error(`the bot token appeared in the output:\n${output}`);
    }
  });
  const botEnv = (extra: Record<string, string | undefined> = {}) => ({
    BOT_TOKEN: fake.token,
    BOT_API_ROOT: fake.apiRoot,
    KNOWLEDGE_DIR: knowledgeDir,
    DATA_DIR: dataDir,
    ADMIN_IDS: String(ADMIN_ID),
    LOG_LEVEL: 'info',
    ...extra,
  });
  const spawn = (env: Record<string, string | undefined>, input?: string) => {
    const child = spawnBot(env, input);
    children.push(child);
    return child;
  };
  return {
    fake,
    knowledgeDir,
    store,
    botEnv,
    spawn,
    startPolling: async () => {
      const bot = spawn(botEnv());
      await bot.waitForLog('polling for updates', undefined, LIVENESS_MS);
      return bot;
    },
  };
}

describe.concurrent('polling mode', TIMEOUT, () => {
  test('answers a question pushed to Telegram and exits 0 on SIGTERM', async (ctx) => {
    const { expect } = ctx;
    const { fake, store, startPolling } = await setUp(ctx);
    const bot = await startPolling();
    fake.privateText(USER_ID, 'what is green tea');
    await fake.waitFor({ method: 'sendMessage' }, LIVENESS_MS);
    const [answer] = fake.sent(USER_ID);
    expect(visibleText(answer!).startsWith(titleOf(store, 'green-tea', 'en'))).toBe(true);
    expect(answer?.payload.parse_mode).toBe('HTML');
    // Start-up registered the command menus, the admin's /reload included.
    expect(fake.commandsFor({ type: 'all_private_chats' }).map((c) => c.command)).toContain('help');
    expect(fake.commandsFor({ type: 'chat', chat_id: ADMIN_ID }).map((c) => c.command)).toContain(
      'reload',
    );

    // Once the matcher thread holds the knowledge, questions are matched there.
    await bot.waitForLog('matcher thread ready', undefined, LIVENESS_MS);
    fake.privateText(USER_ID, 'how do I make hot chocolate');
    await fake.waitFor({ method: 'sendMessage', count: 2 }, LIVENESS_MS);
    expect(
      visibleText(fake.sent(USER_ID)[1]!).startsWith(titleOf(store, 'hot-chocolate', 'en')),
    ).toBe(true);

    bot.child.kill('SIGTERM');
    expect(await exitWithin(bot, LIVENESS_MS)).toEqual({ code: 0, signal: null });
    const stopped = bot.logs().find((l) => l.msg === 'stopped');
    expect(stopped?.matchedOnThread).toBeGreaterThanOrEqual(1);
    // The answered update was confirmed, so a restart would not answer it again.
    expect(fake.pendingUpdates).toEqual([]);
  });

  test('SIGTERM during an answer: the answer is still delivered and confirmed, exit 0', async (ctx) => {
    const { expect } = ctx;
    const { fake, store, startPolling } = await setUp(ctx);
    const bot = await startPolling();
    fake.failNext('sendMessage', { kind: 'delay', ms: 1500 });
    const update = fake.privateText(USER_ID, '红茶怎么泡');
    await waitUntil(
      () => fake.callsOf('sendMessage').some((c) => c.state === 'pending'),
      'the delayed sendMessage',
      LIVENESS_MS,
    );
    bot.child.kill('SIGTERM');

    expect(await exitWithin(bot, LIVENESS_MS)).toEqual({ code: 0, signal: null });
    const sent = fake.sent(USER_ID);
    expect(sent).toHaveLength(1);
    expect(visibleText(sent[0]!).startsWith(titleOf(store, 'black-tea', 'zh-Hans'))).toBe(true);
    // After the answer, a final getUpdates confirmed the update.
    const answeredAt = sent[0]!.at;
    const confirming = fake
      .callsOf('getUpdates')
      .filter((c) => c.at >= answeredAt && c.state === 'ok');
    expect(confirming.map((c) => Number(c.payload.offset))).toContain(update.update_id + 1);
    expect(fake.pendingUpdates).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  test('SIGTERM during a burst: every question answered once, across a restart', async (ctx) => {
    const { expect } = ctx;
    const { fake, startPolling } = await setUp(ctx);
    const first = await startPolling();
    // Slow answers, so that the signal lands while some are being sent and others still wait.
    fake.failWhen((method) => (method === 'sendMessage' ? { kind: 'delay', ms: 150 } : undefined));
    const chats = Array.from({ length: 12 }, (_, i) => 50_000 + i);
    const questions = [
      'what is green tea',
      '红茶怎么泡',
      'how long does fresh milk last after opening',
    ];
    const updates = chats.flatMap((chat) =>
      questions.map((q) => fake.privateText(chat, q).update_id),
    );
    await waitUntil(() => fake.sent().length >= 3, 'the first answers', LIVENESS_MS);
    first.child.kill('SIGTERM');
    // Questions that arrive while the bot stops are not taken; they wait for the next process.
    const late = chats.map((chat) => fake.privateText(chat, 'how do I brew tea').update_id);
    updates.push(...late);
    expect(await exitWithin(first, LIVENESS_MS)).toEqual({ code: 0, signal: null });
    const beforeRestart = fake.sent().length;
    expect(beforeRestart).toBeGreaterThanOrEqual(chats.length * questions.length);

    // What the first process did not take is still waiting and goes to the next one.
    const second = await startPolling();
    await waitUntil(() => fake.sent().length >= updates.length, 'every answer', LIVENESS_MS);
    second.child.kill('SIGTERM');
    expect(await exitWithin(second, LIVENESS_MS)).toEqual({ code: 0, signal: null });

    const perChat = chats.map((chat) => fake.sent(chat).length);
    console.log(
      `burst across SIGTERM: ${updates.length} questions, ${beforeRestart} answered before the ` +
        `signal's exit, ${fake.sent().length} in all, duplicates ${fake.sent().length - updates.length}`,
    );
    expect(perChat).toEqual(chats.map(() => questions.length + 1));
    expect(fake.sent()).toHaveLength(updates.length);
    expect(fake.pendingUpdates).toEqual([]);
  });

  test('SIGHUP reloads the knowledge from disk', async (ctx) => {
    const { expect } = ctx;
    const { fake, knowledgeDir, startPolling } = await setUp(ctx);
    const bot = await startPolling();
    const marker = 'Reloaded by SIGHUP: zebra marker paragraph.';
    await editFile(knowledgeDir, '01-green-tea.md', (text) =>
      text.replace(/^(## en:[^\n]*\n)/m, `$1\n${marker}\n`),
    );
    bot.child.kill('SIGHUP');
    const reloaded = await bot.waitForLog('knowledge reloaded', undefined, LIVENESS_MS);
    expect(reloaded).toMatchObject({ changed: ['green-tea'], version: 2 });

    fake.privateText(USER_ID, 'what is green tea');
    await fake.waitFor({ method: 'sendMessage' }, LIVENESS_MS);
    expect(visibleText(fake.sent(USER_ID)[0]!)).toContain(marker);
  });

  test('a broken edit with SIGHUP is rejected and the bot keeps answering', async (ctx) => {
    const { expect } = ctx;
    const { fake, knowledgeDir, store, startPolling } = await setUp(ctx);
    const bot = await startPolling();
    await editFile(knowledgeDir, '01-green-tea.md', (text) =>
      text.replace(/\n## en:[\s\S]*$/, '\n'),
    );
    bot.child.kill('SIGHUP');
    const rejected = await bot.waitForLog(
      'knowledge reload rejected; previous version kept',
      undefined,
      LIVENESS_MS,
    );
    expect(JSON.stringify(rejected.errors)).toContain('01-green-tea.md');

    fake.privateText(USER_ID, 'what is green tea');
    await fake.waitFor({ method: 'sendMessage' }, LIVENESS_MS);
    expect(visibleText(fake.sent(USER_ID)[0]!).startsWith(titleOf(store, 'green-tea', 'en'))).toBe(
      true,
    );
  });
});

describe.concurrent('start-up failures', TIMEOUT, () => {
  test('a 409 on getUpdates at start-up exits non-zero quickly, naming the other instance', async (ctx) => {
    const { expect } = ctx;
    const { fake, botEnv, spawn } = await setUp(ctx);
    fake.failNext('getUpdates', {
      kind: 'error',
      code: 409,
      description:
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    const bot = spawn(botEnv());
    const exit = await exitWithin(bot, LIVENESS_MS);
    const exitedAt = Date.now();
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(bot.stderr).toMatch(/409/);
    expect(bot.stderr).toMatch(/another instance/i);
    // Quickly: no retrying after the conflict (start-up time is not the bot's to control here,
    // with other tests starting their own children at the same time).
    const conflict = fake.callsOf('getUpdates').find((c) => c.errorCode === 409);
    expect(conflict).toBeDefined();
    expect(exitedAt - (conflict?.at ?? 0)).toBeLessThan(5_000);
    expect(fake.callsOf('getUpdates')).toHaveLength(1);
    expect(fake.sent()).toEqual([]);
  });

  test('a token Telegram rejects exits 1 with a hint, without printing the token', async (ctx) => {
    const { expect } = ctx;
    const { fake, botEnv, spawn } = await setUp(ctx);
    const wrongToken = `${fake.botInfo.id}:AAWrongTokenWrongTokenWrongToken_12345`;
    const bot = spawn(botEnv({ BOT_TOKEN: wrongToken }));
    expect((await exitWithin(bot, LIVENESS_MS)).code).toBe(1);
    expect(bot.stderr).toMatch(/401/);
    expect(bot.stderr).toMatch(/BOT_TOKEN/);
    expect(bot.stderr + bot.stdout).not.toContain(wrongToken.split(':')[1]);
  });

  test('an unreachable Bot API exits 1, and the URL in the error has the token masked', async (ctx) => {
    const { expect } = ctx;
    const { fake, botEnv, spawn } = await setUp(ctx);
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const bot = spawn(
      botEnv({ BOT_API_ROOT: `http://127.0.0.1:${port}`, STARTUP_RETRY_SECONDS: '2' }),
    );
    expect((await exitWithin(bot, LIVENESS_MS)).code).toBe(1);
    expect(bot.stderr).toMatch(/Cannot reach the Bot API/);
    // Retried with backoff first, each failure logged without the token.
    expect(
      bot.logs().filter((l) => l.msg === 'Bot API call failed at start-up; retrying').length,
    ).toBeGreaterThanOrEqual(1);
    // The HTTP client quotes the request URL, token included: it must arrive masked.
    expect(bot.stderr).toContain('/bot[redacted]/');
    expect(bot.stderr).not.toContain(fake.token);
  });
});

// The lines a failed start printed that are not JSON log lines: the reason, and nothing else.
function plainLines(bot: BotProcess): string[] {
  return bot.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe.concurrent('start-up that survives', TIMEOUT, () => {
  test('a Bot API without setMyCommands: menus skipped with a warning, questions answered', async (ctx) => {
    const { expect } = ctx;
    const { fake, startPolling } = await setUp(ctx);
    fake.failWhen((method) =>
      method === 'setMyCommands'
        ? { kind: 'error', code: 404, description: 'Not Found: method not found' }
        : undefined,
    );
    const bot = await startPolling();
    expect(
      bot.logs().filter((l) => l.msg === 'optional start-up call failed; skipped'),
    ).toHaveLength(1);
    fake.privateText(USER_ID, 'what is an esim');
    await fake.waitFor({ method: 'sendMessage' }, LIVENESS_MS);
  });

  test('one 500 on getMe, one 500 on deleteWebhook and a 400 on setMyCommands are survived', async (ctx) => {
    const { expect } = ctx;
    const { fake, startPolling } = await setUp(ctx);
    fake.failNext('getMe', { kind: 'error', code: 500, description: 'Internal Server Error' });
    fake.failNext('deleteWebhook', {
      kind: 'error',
      code: 500,
      description: 'Internal Server Error',
    });
    fake.failNext('setMyCommands', { kind: 'error', code: 400, description: 'Bad Request: oops' });
    const bot = await startPolling();
    expect(fake.callsOf('getMe').map((c) => c.state)).toEqual(['error', 'ok']);
    expect(fake.callsOf('deleteWebhook').map((c) => c.state)).toEqual(['error', 'ok']);
    const retried = bot.logs().filter((l) => l.msg === 'Bot API call failed at start-up; retrying');
    expect(retried.map((l) => l.call)).toEqual(['getMe', 'deleteWebhook']);
    fake.privateText(USER_ID, 'what is an esim');
    await fake.waitFor({ method: 'sendMessage' }, LIVENESS_MS);
    expect(bot.stderr).not.toMatch(/^\s+at /m);
  });

  test('a port in use is one line naming PORT', async (ctx) => {
    const { expect } = ctx;
    const { botEnv, spawn } = await setUp(ctx);
    const port = await freePort();
    const taken = createServer().listen(port, '127.0.0.1');
    ctx.onTestFinished(() => void taken.close());
    const bot = spawn(
      botEnv({
        MODE: 'webhook',
        WEBHOOK_URL: 'https://bot.example.com/hook',
        WEBHOOK_SECRET: 'process_test_secret_0123456789',
        HOST: '127.0.0.1',
        PORT: String(port),
      }),
    );
    expect((await exitWithin(bot, LIVENESS_MS)).code).toBe(1);
    expect(plainLines(bot)).toEqual([
      `PORT ${port} is already in use on HOST 127.0.0.1: stop the other program or choose another PORT`,
    ]);
  });

  test('an unresolvable HOST is one line naming HOST', async (ctx) => {
    const { expect } = ctx;
    const { botEnv, spawn } = await setUp(ctx);
    const bot = spawn(
      botEnv({
        MODE: 'webhook',
        WEBHOOK_URL: 'https://bot.example.com/hook',
        WEBHOOK_SECRET: 'process_test_secret_0123456789',
        HOST: 'no-such-host.invalid',
        PORT: String(await freePort()),
      }),
    );
    expect((await exitWithin(bot, LIVENESS_MS)).code).toBe(1);
    expect(plainLines(bot)).toEqual([
      'HOST no-such-host.invalid cannot be resolved: set HOST to an address of this machine',
    ]);
  });
});

describe.concurrent('console mode', TIMEOUT, () => {
  test('without BOT_TOKEN, questions piped on stdin are answered on stdout', async (ctx) => {
    const { expect } = ctx;
    const { fake, knowledgeDir, store, spawn } = await setUp(ctx);
    const bot = spawn(
      { KNOWLEDGE_DIR: knowledgeDir, LOG_LEVEL: 'info' },
      '红茶怎么泡\n今天吃什么\n',
    );
    expect(await exitWithin(bot, LIVENESS_MS)).toEqual({ code: 0, signal: null });
    expect(bot.stdout).toContain(titleOf(store, 'black-tea', 'zh-Hans'));
    expect(bot.stdout).toContain(repliesFor('zh-Hans').noAnswer);
    // stdout is the chat; the logs stay on stderr.
    expect(bot.stdout).not.toMatch(/"msg":/);
    expect(bot.logs().filter((l) => l.msg === 'question')).toHaveLength(2);
    expect(fake.calls).toEqual([]);
  });
});
