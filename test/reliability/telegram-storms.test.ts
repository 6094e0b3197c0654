/**
 * Telegram storms: a burst of questions from many chats while the fake Bot API answers a share
 * of the sends with 429 (retry_after 1), 500, 502, dropped connections and slow responses.
 * Updates are handled as the runner handles them: all at once, ordered per chat by the bot's
 * own sequentialize. Every question must get exactly one answer, in order within its chat,
 * and no call may arrive during a flood wait it was told about.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { errorLogs, logsWith } from '../support/bot-harness.js';
import {
  checkDeliveries,
  DeliveryTotals,
  finishesWithin,
  planBurst,
  questionCatalog,
  stormRule,
} from '../support/load-driver.js';
import { startReliabilityBot, type ReliabilityBot } from '../support/reliability-bot.js';

const PRIVATE_CHATS = Array.from({ length: 60 }, (_, i) => 20_001 + i);
const GROUPS = Array.from({ length: 10 }, (_, i) => -1_000_200_001 - i);
const BLOCKED_CHAT = 29_999;
// A storm takes about 10 s; past this the counts are checked as they are (and the test fails).
const STORM_DEADLINE_MS = 40_000;

let h: ReliabilityBot | undefined;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await h?.close();
  h = undefined;
});

const totals = new DeliveryTotals();
let callsToBlockedChat = 0;

describe('a burst of questions through a storm of Telegram faults', { timeout: 60_000 }, () => {
  test('300 questions from 60 private chats and 10 groups: each answered once, in order', async () => {
    h = await startReliabilityBot();
    const { fake } = h;
    const catalog = questionCatalog(h.store);
    // 250 private questions (60 chats, four or five each) and 50 group /ask (five per group).
    const asked = planBurst(fake, catalog, {
      privateChats: PRIVATE_CHATS,
      groups: GROUPS,
      perPrivateChat: 5,
      perGroup: 5,
    }).filter((q) => q.group || q.order < 4 || PRIVATE_CHATS.indexOf(q.chatId) < 10);
    expect(asked).toHaveLength(300);

    const storm = stormRule({
      seed: 20_240_601,
      rate429: 0.15,
      rate500: 0.04,
      rate502: 0.04,
      rateDrop: 0.1,
      rateDelay: 0.1,
      delayMs: [50, 400],
    });
    fake.failWhen(storm.rule);

    const started = Date.now();
    const bot = h;
    const finished = await finishesWithin(
      Promise.all(asked.map((q) => bot.handle(q.update))),
      STORM_DEADLINE_MS,
    );
    const ms = Date.now() - started;

    const report = checkDeliveries(fake, catalog, asked);
    const sends = fake.callsOf('sendMessage');
    const badRequests = sends.filter((c) => c.errorCode === 400);
    console.log(
      `[storm] questions=${report.questions} sendMessage attempts=${sends.length} ` +
        `faults injected=${storm.counts.total} (429=${storm.counts.e429} 500=${storm.counts.e500} ` +
        `502=${storm.counts.e502} drop=${storm.counts.drops} delay=${storm.counts.delays}) ` +
        `delivered=${report.delivered} answered once=${report.answeredOnce} ` +
        `duplicates=${report.duplicates} losses=${report.losses} out of order=${report.outOfOrder} ` +
        `violations=${fake.violations.length} in ${ms} ms`,
    );
    totals.record(report, storm.counts.total, fake.violations.length);

    // The storm really happened, with every kind of fault.
    expect(storm.counts.e429).toBeGreaterThan(10);
    expect(storm.counts.e500 + storm.counts.e502).toBeGreaterThan(5);
    expect(storm.counts.drops).toBeGreaterThan(10);
    expect(storm.counts.delays).toBeGreaterThan(10);
    expect(fake.faultsInjected).toBe(storm.counts.total);

    expect(fake.violations).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(finished).toBe(true);
    expect(report.answeredOnce).toBe(300);
    expect(report.delivered).toBe(300);
    expect(fake.violations).toEqual([]);
    expect(badRequests).toEqual([]);
    expect(h.escaped).toEqual([]);
    expect(h.failedUpdates).toEqual([]);
    expect(errorLogs(h.logs)).toEqual([]);
    expect(unhandled).toEqual([]);
    // One log line per question, each with the section it was asked about.
    expect(logsWith(h.logs, 'question')).toHaveLength(300);
  });

  test('a chat whose every send gets 403 is tried once per question and logged once; the rest carry on', async () => {
    h = await startReliabilityBot();
    const { fake } = h;
    const catalog = questionCatalog(h.store);
    fake.failWhen((method, payload) =>
      method === 'sendMessage' && Number(payload.chat_id) === BLOCKED_CHAT
        ? { kind: 'error', code: 403, description: 'Forbidden: bot was blocked by the user' }
        : undefined,
    );
    const storm = stormRule({
      seed: 7,
      rate429: 0.1,
      rate500: 0.03,
      rate502: 0.03,
      rateDrop: 0.08,
      rateDelay: 0.1,
      spare: (chatId) => chatId === BLOCKED_CHAT,
    });
    fake.failWhen(storm.rule);

    const blocked = planBurst(fake, catalog, {
      privateChats: [BLOCKED_CHAT],
      groups: [],
      perPrivateChat: 8,
      perGroup: 0,
    });
    const others = planBurst(fake, catalog, {
      privateChats: PRIVATE_CHATS.slice(0, 20),
      groups: GROUPS.slice(0, 4),
      perPrivateChat: 3,
      perGroup: 3,
      variant: 3,
    });
    // The blocked chat's questions are interleaved with everyone else's.
    const all = [...blocked, ...others].sort((a, b) => a.order - b.order);
    const bot = h;
    const finished = await finishesWithin(
      Promise.all(all.map((q) => bot.handle(q.update))),
      STORM_DEADLINE_MS,
    );

    const blockedCalls = fake
      .callsOf('sendMessage')
      .filter((c) => Number(c.payload.chat_id) === BLOCKED_CHAT);
    const forbidden = logsWith(h.logs, 'forbidden: the bot cannot write to this chat');
    const report = checkDeliveries(fake, catalog, others);
    console.log(
      `[403 storm] blocked chat: questions=${blocked.length} sendMessage calls=${blockedCalls.length} ` +
        `forbidden log lines=${forbidden.length}; others: questions=${report.questions} ` +
        `faults injected=${storm.counts.total} delivered=${report.delivered} ` +
        `duplicates=${report.duplicates} losses=${report.losses} violations=${fake.violations.length}`,
    );
    totals.record(report, storm.counts.total + blockedCalls.length, fake.violations.length);
    callsToBlockedChat += blockedCalls.length;

    // No retry loop: one call per question, each answered 403, nothing delivered there.
    expect(blockedCalls).toHaveLength(blocked.length);
    expect(blockedCalls.every((c) => c.errorCode === 403)).toBe(true);
    expect(fake.sent(BLOCKED_CHAT)).toEqual([]);
    expect(forbidden).toHaveLength(1);
    expect(forbidden[0]).toMatchObject({ chat: BLOCKED_CHAT });
    // Everyone else is answered, once and in order.
    expect(fake.violations).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(finished).toBe(true);
    expect(report.answeredOnce).toBe(others.length);
    expect(fake.violations).toEqual([]);
    expect(h.escaped).toEqual([]);
    expect(errorLogs(h.logs)).toEqual([]);
    expect(unhandled).toEqual([]);
  });
});

describe('summary', () => {
  test('prints the counts of this file', () => {
    console.log(
      `[telegram-storms summary] ${totals.summary()} ` +
        `calls to the blocked chat=${callsToBlockedChat}`,
    );
    expect(totals.questions).toBeGreaterThan(0);
  });
});
