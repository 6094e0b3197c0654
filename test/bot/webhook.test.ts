import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  createWebhookServer,
  deliverDirectly,
  SECRET_HEADER,
  type WebhookServer,
} from '../../src/bot/webhook-server.js';
import { SqliteDeliveryStore } from '../../src/delivery/sqlite-delivery-store.js';
import { UpdateDispatcher } from '../../src/delivery/update-dispatcher.js';
import {
  errorLogs,
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
let dataDir: string;
let delivery: SqliteDeliveryStore;
let dispatcher: UpdateDispatcher;
let base: string;
let url: string;

// The webhook as the running bot serves it: each update through the durable inbox.
async function serve(limits: Parameters<typeof createWebhookServer>[0]['limits'] = {}) {
  delivery = SqliteDeliveryStore.open(dataDir);
  dispatcher = new UpdateDispatcher({
    store: delivery,
    handle: deliverDirectly(h.bot),
    onError: () => Promise.resolve(),
    logger: h.deps.logger,
    maxConcurrent: 10,
  });
  server = createWebhookServer({
    path: PATH,
    secretToken: SECRET,
    logger: h.deps.logger,
    limits,
    deliver: async (update) => {
      const { answered } = await dispatcher.accept([update]);
      await answered[0];
    },
    health: () => ({ knowledgeVersion: h.store.current.version }),
  });
  const port = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  url = `${base}${PATH}`;
}

beforeEach(async () => {
  h = await startBotHarness();
  dataDir = await mkdtemp(path.join(tmpdir(), 'esim-webhook-data-'));
  await serve();
});

afterEach(async () => {
  await server.close();
  await delivery.close();
  await h.close();
  await rm(dataDir, { recursive: true, force: true });
});

function post(body: string, headers: Record<string, string> = {}): Promise<number> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET, ...headers },
    body,
  }).then(async (response) => {
    await response.text();
    return response.status;
  });
}

describe('webhook server', () => {
  test('an update with the right secret gets 200 and the answer is sent', async () => {
    const update = h.fake.privateText(USER_ID, 'what is an esim');
    const response = await h.fake.deliverWebhook(url, update, SECRET);
    expect(response.status).toBe(200);
    const sent = h.fake.sent(USER_ID);
    expect(sent).toHaveLength(1);
    expect(visibleText(sent[0]!).startsWith(titleOf(h.store, 'esim', 'en'))).toBe(true);
    expect(await delivery.counts()).toEqual({ pending: 0, answered: 1 });
  });

  test.each([
    ['a wrong secret', 'not_the_secret_0123456789'],
    ['no secret', undefined],
  ])('%s gets 401 and nothing is sent', async (_label, secret) => {
    const update = h.fake.privateText(USER_ID, 'what is an esim');
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
    const update = h.fake.privateText(USER_ID, 'eSIM能自动断网吗');
    const first = await h.fake.deliverWebhook(url, update, SECRET);
    const second = await h.fake.deliverWebhook(url, update, SECRET);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(h.fake.sent(USER_ID)).toHaveLength(1);
    expect(logsWith(h.logs, 'question')).toHaveLength(1);
  });

  test('an update redelivered after a restart is answered once', async () => {
    const update = h.fake.privateText(USER_ID, 'eSIM能自动断网吗');
    expect((await h.fake.deliverWebhook(url, update, SECRET)).status).toBe(200);
    // A restart: a new server, dispatcher and store on the same DATA_DIR, nothing in memory.
    await server.close();
    await delivery.close();
    await serve();
    expect((await h.fake.deliverWebhook(url, update, SECRET)).status).toBe(200);
    expect(h.fake.sent(USER_ID)).toHaveLength(1);
  });

  test('an update that fails is still acknowledged, and the server keeps answering', async () => {
    h.fake.failNext('sendMessage', {
      kind: 'error',
      code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    const update = h.fake.privateText(USER_ID, 'what is an esim');
    const response = await h.fake.deliverWebhook(url, update, SECRET);
    // A 5xx would make Telegram redeliver it and hold back the updates behind it.
    expect(response.status).toBe(200);
    expect(logsWith(h.logs, 'forbidden: the bot cannot write to this chat')).toHaveLength(1);
    const next = h.fake.privateText(USER_ID, 'what is an esim');
    expect((await h.fake.deliverWebhook(url, next, SECRET)).status).toBe(200);
    expect(h.fake.sent(USER_ID)).toHaveLength(1);
  });

  test('close waits for an answer in progress', async () => {
    h.fake.failNext('sendMessage', { kind: 'delay', ms: 300 });
    const update = h.fake.privateText(USER_ID, 'what is an esim');
    const delivered = h.fake.deliverWebhook(url, update, SECRET);
    await waitUntil(
      () => h.fake.callsOf('sendMessage').some((c) => c.state === 'pending'),
      'a pending sendMessage',
    );
    await server.close();
    expect(h.fake.sent(USER_ID)).toHaveLength(1);
    expect((await delivered).status).toBe(200);
    await expect(h.fake.deliverWebhook(url, update, SECRET)).rejects.toThrow();
  });
});

describe('webhook server against bad requests', () => {
  test.each([
    ['malformed JSON', '{"update_id": 1, "message": '],
    ['an empty body', ''],
    ['null', 'null'],
    ['an array', '[1, 2]'],
    ['an object without update_id', '{"message": {}}'],
    ['a fractional update_id', '{"update_id": 1.5}'],
  ])('%s gets 400, with a warning and no error in the log', async (_label, body) => {
    expect(await post(body)).toBe(400);
    expect(errorLogs(h.logs)).toEqual([]);
    expect(logsWith(h.logs, 'webhook request refused')).toHaveLength(1);
    expect(h.fake.calls).toEqual([]);
    // The server is still there.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  test('a body announced over the limit is refused before it is read', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { [SECRET_HEADER]: SECRET, 'content-length': String(50 * 1024 * 1024) },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      // Only the first kilobyte of the announced 50 MB is ever sent.
      req.write('x'.repeat(1024));
    });
    expect(status).toBe(413);
    expect(h.fake.calls).toEqual([]);
  });

  test('a chunked body is cut off as soon as it passes the limit', async () => {
    await server.close();
    await delivery.close();
    await serve({ maxBodyBytes: 4096 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { [SECRET_HEADER]: SECRET } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      const chunk = 'y'.repeat(1024);
      const timer = setInterval(() => req.write(chunk), 5);
      req.on('close', () => clearInterval(timer));
      req.on('response', () => clearInterval(timer));
    });
    expect(status).toBe(413);
    expect(errorLogs(h.logs)).toEqual([]);
  });

  test('connections beyond the cap are refused while the ones inside it are served', async () => {
    await server.close();
    await delivery.close();
    await serve({ maxConnections: 5 });
    const { port } = new URL(base);
    const idle = await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          new Promise<ReturnType<typeof connect>>((resolve) => {
            const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    // The sixth connection is closed by the server without an answer.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    for (const socket of idle) socket.destroy();
    await waitUntil(
      () => server.server.listenerCount('request') > 0 && idle.every((s) => s.destroyed),
      'the idle sockets closed',
    );
    // Once they are gone, new connections are served again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  test('a request whose headers never finish is dropped after the header timeout', async () => {
    await server.close();
    await delivery.close();
    await serve({ headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const { port } = new URL(base);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST ${PATH} HTTP/1.1\r\nHost: x\r\n`);
      });
      socket.on('data', () => undefined);
      socket.on('close', () => resolve(Date.now() - started));
    });
    expect(closedAfter).toBeLessThan(5000);
  });
});
