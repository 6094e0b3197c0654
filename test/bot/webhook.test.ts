import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createWebhookServer, type WebhookServer } from '../../src/bot/webhook-server.js';
import {
  logsWith,
  startBotHarness,
  titleOf,
  USER_ID,
  visibleText,
  waitUntil,
  type BotHarness,
} from '../support/bot-harness.js';

const PATH = '/telegram/webhook';
const SECRET = 'test_webhook_secret_0123456789';

let h: BotHarness;
let server: WebhookServer;
let base: string;
let url: string;

beforeEach(async () => {
  h = await startBotHarness();
  server = createWebhookServer(h.bot, {
    path: PATH,
    secretToken: SECRET,
    logger: h.deps.logger,
    health: () => ({ knowledgeVersion: h.store.current.version }),
  });
  const port = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  url = `${base}${PATH}`;
});

afterEach(async () => {
  await server.close();
  await h.close();
});

describe('webhook server', () => {
  test('an update with the right secret gets 200 and the answer is sent', async () => {
    const update = h.fake.privateText(USER_ID, 'what is green tea');
    const response = await h.fake.deliverWebhook(url, update, SECRET);
    expect(response.status).toBe(200);
    const sent = h.fake.sent(USER_ID);
    expect(sent).toHaveLength(1);
    expect(visibleText(sent[0]!).startsWith(titleOf(h.store, 'green-tea', 'en'))).toBe(true);
  });

  test.each([
    ['a wrong secret', 'not_the_secret_0123456789'],
    ['no secret', undefined],
  ])('%s gets 401 and nothing is sent', async (_label, secret) => {
    const update = h.fake.privateText(USER_ID, 'what is green tea');
    const response = await h.fake.deliverWebhook(url, update, secret);
    expect(response.status).toBe(401);
    expect(h.fake.calls).toEqual([]);
    expect(logsWith(h.logs, 'question')).toEqual([]);
  });

  test('GET /healthz answers 200 with the knowledge version', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, knowledgeVersion: 1 });
  });

  test('other paths and methods get 404', async () => {
    expect((await fetch(`${base}/elsewhere`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(url)).status).toBe(404);
    expect(h.fake.calls).toEqual([]);
  });

  test('the same update delivered twice is answered once', async () => {
    const update = h.fake.privateText(USER_ID, '红茶怎么泡');
    const first = await h.fake.deliverWebhook(url, update, SECRET);
    const second = await h.fake.deliverWebhook(url, update, SECRET);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(h.fake.sent(USER_ID)).toHaveLength(1);
    expect(logsWith(h.logs, 'question')).toHaveLength(1);
  });

  test('an update that fails is logged by the error handler and still acknowledged', async () => {
    h.fake.failNext('sendMessage', {
      kind: 'error',
      code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    const update = h.fake.privateText(USER_ID, 'what is green tea');
    const response = await h.fake.deliverWebhook(url, update, SECRET);
    // A 5xx would make Telegram redeliver it and hold back the updates behind it.
    expect(response.status).toBe(200);
    expect(logsWith(h.logs, 'forbidden: the bot cannot write to this chat')).toHaveLength(1);
    expect(logsWith(h.logs, 'webhook request failed')).toEqual([]);
    // The server keeps answering.
    const next = h.fake.privateText(USER_ID, 'what is green tea');
    expect((await h.fake.deliverWebhook(url, next, SECRET)).status).toBe(200);
    expect(h.fake.sent(USER_ID)).toHaveLength(1);
  });

  test('close waits for an answer in progress', async () => {
    h.fake.failNext('sendMessage', { kind: 'delay', ms: 300 });
    const update = h.fake.privateText(USER_ID, 'what is green tea');
    const delivery = h.fake.deliverWebhook(url, update, SECRET);
    await waitUntil(
      () => h.fake.callsOf('sendMessage').some((c) => c.state === 'pending'),
      'a pending sendMessage',
    );
    await server.close();
    expect(h.fake.sent(USER_ID)).toHaveLength(1);
    expect((await delivery).status).toBe(200);
    // Closed: new deliveries are refused at the socket.
    await expect(h.fake.deliverWebhook(url, update, SECRET)).rejects.toThrow();
    // afterEach closes again; that must be harmless.
  });
});
