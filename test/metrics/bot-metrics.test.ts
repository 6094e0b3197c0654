import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  createWebhookServer,
  deliverDirectly,
  type WebhookServer,
} from '../../src/bot/webhook-server.js';
import { BotMetrics } from '../../src/metrics/bot-metrics.js';
import {
  GROUP_ID,
  logsWith,
  startBotHarness,
  USER_ID,
  type BotHarness,
} from '../support/bot-harness.js';
import { sampleSum, sampleValue } from '../support/prometheus-text.js';

const PATH = '/telegram/webhook';
const SECRET = 'test_webhook_secret_0123456789';

let h: BotHarness;
let metrics: BotMetrics;
let server: WebhookServer;
let base: string;
let inFlight = 0;

beforeEach(async () => {
  metrics = new BotMetrics();
  h = await startBotHarness({ metrics, settings: { userMessagesPerSecond: 2 } });
  metrics.observe({
    knowledge: () => ({
      version: h.store.current.version,
      sections: h.store.current.knowledge.sections.length,
      loadedAt: h.store.current.loadedAt,
    }),
    queueDepth: () => inFlight,
  });
  server = createWebhookServer({
    deliver: deliverDirectly(h.bot),
    path: PATH,
    secretToken: SECRET,
    logger: h.deps.logger,
    metrics: () => metrics.exposition(),
  });
  base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});

afterEach(async () => {
  await server.close();
  await h.close();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

const deliver = (update: ReturnType<BotHarness['fake']['privateText']>) =>
  h.fake.deliverWebhook(`${base}${PATH}`, update, SECRET);

describe('GET /metrics', () => {
  test('counts questions by chat type and outcome, and times the matcher and each update', async () => {
    for (const [i, text] of ['what is green tea', '绿茶怎么泡', '今天吃什么'].entries())
      expect((await deliver(h.fake.privateText(USER_ID + 10 + i, text))).status).toBe(200);
    await deliver(h.fake.groupText(GROUP_ID, USER_ID + 2, '/ask what is green tea'));
    // Ten at once from one user, whose limit is two a second: the rest are refused (how many
    // depends on how fast this machine answers; each is either answered or counted).
    const flood = Array.from({ length: 10 }, (_, i) =>
      h.fake.privateText(USER_ID, i % 2 ? 'what is green tea' : '绿茶怎么泡'),
    );
    await Promise.all(flood.map((update) => h.handle(update)));
    const floodIds = new Set(flood.map((u) => u.update_id));
    const floodAnswered = logsWith(h.logs, 'question').filter((l) =>
      floodIds.has(l.update as number),
    ).length;

    const text = await scrape();
    const questions = (chat_type: string, outcome: string) =>
      sampleValue(text, 'esim_faq_questions_total', { chat_type, outcome });
    const answered = questions('private', 'answered') ?? 0;
    const declined = questions('private', 'declined') ?? 0;
    const refused = questions('private', 'rate_limited') ?? 0;
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBe(10 - floodAnswered);
    expect(answered + declined).toBe(3 + floodAnswered);
    expect(declined).toBe(1);
    expect(questions('supergroup', 'answered')).toBe(1);
    // The counters agree with the log lines, one per question replied to.
    expect(logsWith(h.logs, 'question')).toHaveLength(4 + floodAnswered);
    expect(sampleValue(text, 'esim_faq_match_duration_seconds_count')).toBe(4 + floodAnswered);
    expect(sampleValue(text, 'esim_faq_update_duration_seconds_count', { kind: 'message' })).toBe(
      14,
    );
    expect(
      sampleValue(text, 'esim_faq_update_duration_seconds_bucket', { kind: 'message', le: '+Inf' }),
    ).toBe(14);
    expect(sampleValue(text, 'esim_faq_knowledge_version')).toBe(1);
    expect(sampleValue(text, 'esim_faq_knowledge_sections')).toBe(
      h.store.current.knowledge.sections.length,
    );
    expect(sampleValue(text, 'esim_faq_queue_depth')).toBe(0);
    // The process figures come along, under the same prefix.
    expect(sampleValue(text, 'esim_faq_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  test('counts Telegram errors by code and every 429 with its wait; follows a reload', async () => {
    h.fake.failNext('sendMessage', {
      kind: 'error',
      code: 429,
      description: 'Too Many Requests: retry after 1',
      retryAfter: 1,
    });
    await deliver(h.fake.privateText(USER_ID, 'what is green tea'));
    h.fake.failNext('sendMessage', { kind: 'error', code: 400, description: 'Bad Request: x' });
    await deliver(h.fake.privateText(USER_ID, '绿茶怎么泡'));
    await h.store.reload();
    inFlight = 3;

    const text = await scrape();
    expect(
      sampleValue(text, 'esim_faq_telegram_errors_total', { method: 'sendMessage', code: '429' }),
    ).toBe(1);
    expect(
      sampleValue(text, 'esim_faq_telegram_errors_total', { method: 'sendMessage', code: '400' }),
    ).toBe(1);
    expect(sampleSum(text, 'esim_faq_telegram_errors_total')).toBe(2);
    expect(sampleValue(text, 'esim_faq_telegram_429_waits_total')).toBe(1);
    expect(sampleValue(text, 'esim_faq_telegram_429_wait_seconds_total')).toBe(1);
    expect(sampleValue(text, 'esim_faq_knowledge_version')).toBe(2);
    expect(sampleValue(text, 'esim_faq_queue_depth')).toBe(3);
  });

  test('a failing collector is a 500 and a logged error, and the server keeps serving', async () => {
    metrics.observe({ queueDepth: () => Promise.reject(new Error('database gone')) });
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(500);
    expect(logsWith(h.logs, 'metrics collection failed')).toHaveLength(1);
    metrics.observe({ queueDepth: () => 0 });
    expect(sampleValue(await scrape(), 'esim_faq_queue_depth')).toBe(0);
  });
});
