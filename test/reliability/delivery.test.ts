/**
 * Delivery across crashes and restarts, with the real program (`node dist/main.js`) against the
 * fake Bot API: `kill -9` in the middle of a burst, SIGTERM while a group's answers wait for
 * its pace, and a webhook update delivered again after a restart. Each scenario prints its
 * figures; the assertions are the promises the README makes: nothing lost, duplicates only for
 * the answers in flight at a crash, a stop within its bound.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, test, type TestContext } from 'vitest';
import { SECRET_HEADER } from '../../src/bot/webhook-server.js';
import { copyKnowledge, waitUntil } from '../support/bot-harness.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { exitWithin, removeWorkDir, spawnBot, type BotProcess } from '../support/bot-process.js';

afterAll(() => removeWorkDir());

const LIVENESS_MS = 30_000;
// Questions whose answers are one message each, so that messages count answers.
const QUESTIONS = ['what is an esim', 'eSIM能自动断网吗', 'how do I set a data limit'];

async function setUp(ctx: TestContext) {
  const fake = await FakeBotApi.start();
  const knowledgeDir = await copyKnowledge();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'esim-faq-delivery-'));
  const children: BotProcess[] = [];
  ctx.onTestFinished(async () => {
    for (const child of children) child.child.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await fake.close();
    await rm(knowledgeDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });
  const spawn = (extra: Record<string, string> = {}) => {
    const child = spawnBot({
      BOT_TOKEN: fake.token,
      BOT_API_ROOT: fake.apiRoot,
      KNOWLEDGE_DIR: knowledgeDir,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...extra,
    });
    children.push(child);
    return child;
  };
  return { fake, spawn };
}

describe.concurrent('delivery across crashes and restarts', { timeout: 120_000 }, () => {
  test('kill -9 in a burst of 1,000: after the restart none is lost, doubles within the bound', async (ctx) => {
    const { expect } = ctx;
    const { fake, spawn } = await setUp(ctx);
    const concurrency = 50;
    const env = { MAX_CONCURRENT_UPDATES: String(concurrency), LOG_LEVEL: 'warn' };
    const first = spawn(env);
    await first.waitForLog('polling for updates', undefined, LIVENESS_MS).catch(() => undefined);
    await waitUntil(() => fake.callsOf('getUpdates').length > 0, 'the first poll', LIVENESS_MS);
    // Slow sends, so that the kill lands with answers in flight and many still waiting.
    fake.failWhen((method) => (method === 'sendMessage' ? { kind: 'delay', ms: 15 } : undefined));
    const chats = Array.from({ length: 200 }, (_, i) => 70_000 + i);
    const perChat = 5;
    for (let round = 0; round < perChat; round++) {
      for (const chat of chats) fake.privateText(chat, QUESTIONS[(chat + round) % 3] ?? '');
    }
    const total = chats.length * perChat;
    await waitUntil(() => fake.sent().length >= 300, '300 answers', LIVENESS_MS);
    first.child.kill('SIGKILL');
    await first.exited;
    const beforeCrash = fake.sent().length;

    const second = spawn(env);
    await waitUntil(
      () => chats.every((chat) => fake.sent(chat).length >= perChat),
      'every question answered',
      90_000,
    );
    // Anything still to come would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    second.child.kill('SIGTERM');
    await exitWithin(second, LIVENESS_MS);

    const lost = chats.reduce((n, chat) => n + Math.max(0, perChat - fake.sent(chat).length), 0);
    const doubled = fake.sent().length - total;
    console.log(
      `kill -9 in a burst of ${total}: ${beforeCrash} answered before the kill, ` +
        `${fake.sent().length} answers in all, lost ${lost}, doubled ${doubled} ` +
        `(bound: MAX_CONCURRENT_UPDATES = ${concurrency})`,
    );
    expect(lost).toBe(0);
    expect(doubled).toBeGreaterThanOrEqual(0);
    expect(doubled).toBeLessThanOrEqual(concurrency);
    expect(fake.pendingUpdates).toEqual([]);
  });

  test('SIGTERM while a group waits for its pace: exits within the bound, the rest answered after', async (ctx) => {
    const { expect } = ctx;
    const { fake, spawn } = await setUp(ctx);
    const env = { GROUP_MESSAGES_PER_MINUTE: '2', SHUTDOWN_TIMEOUT_SECONDS: '10' };
    const first = spawn(env);
    await first.waitForLog('polling for updates', undefined, LIVENESS_MS);
    const group = -1_000_900_001;
    const asked = QUESTIONS.concat(['is esim secure']).map(
      (q, i) => fake.groupText(group, 5000 + i, `/ask ${q}`).update_id,
    );
    // Two answers fit the minute; the other two wait about a minute for the pace.
    await waitUntil(() => fake.sent(group).length >= 2, 'the first two answers', LIVENESS_MS);
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    expect(await exitWithin(first, 20_000)).toEqual({ code: 0, signal: null });
    const stopMs = Date.now() - signalled;
    const answeredBefore = fake.sent(group).length;

    const second = spawn(env);
    await waitUntil(() => fake.sent(group).length >= asked.length, 'every answer', LIVENESS_MS);
    await new Promise((resolve) => setTimeout(resolve, 300));
    second.child.kill('SIGTERM');
    await exitWithin(second, LIVENESS_MS);
    const replied = fake.sent(group).map((m) => m.message.reply_to_message?.message_id);
    console.log(
      `SIGTERM with a paced backlog: exited in ${stopMs} ms (bound 10,000), ${answeredBefore} ` +
        `of ${asked.length} answered before, ${fake.sent(group).length} after the restart`,
    );
    expect(stopMs).toBeLessThan(10_000);
    expect(answeredBefore).toBe(2);
    // Each question answered once, threaded under its own question.
    expect(new Set(replied).size).toBe(asked.length);
    expect(fake.sent(group)).toHaveLength(asked.length);
  });

  test('a webhook update delivered again after a restart is answered once', async (ctx) => {
    const { expect } = ctx;
    const { fake, spawn } = await setUp(ctx);
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const secret = 'delivery_test_secret_0123456789';
    const env = {
      MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.com/hook',
      WEBHOOK_SECRET: secret,
      HOST: '127.0.0.1',
      PORT: String(port),
    };
    const post = async (update: unknown) => {
      const response = await fetch(`http://127.0.0.1:${port}/hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret },
        body: JSON.stringify(update),
      });
      return response.status;
    };
    const update = fake.privateText(81_000, 'what is an esim');
    const first = spawn(env);
    await first.waitForLog('webhook server listening', undefined, LIVENESS_MS);
    expect(await post(update)).toBe(200);
    // A crash right after the answer: nothing of the first process survives but its files.
    first.child.kill('SIGKILL');
    await first.exited;

    const second = spawn(env);
    await second.waitForLog('webhook server listening', undefined, LIVENESS_MS);
    // Telegram, which saw no 200 for all it knows, sends the same update again.
    expect(await post(update)).toBe(200);
    const other = fake.privateText(81_001, 'what is an esim');
    expect(await post(other)).toBe(200);
    console.log(
      `webhook redelivery across a restart: answers to the redelivered update ${fake.sent(81_000).length}`,
    );
    expect(fake.sent(81_000)).toHaveLength(1);
    expect(fake.sent(81_001)).toHaveLength(1);
  });
});
