/**
 * Load: a burst of 2,000 questions from 200 chats (20 of them groups, asking with /ask) through
 * the real bot and the fake Bot API, with a sprinkle of 429s. Every question is answered once,
 * no group gets more than 20 messages in any minute, every retry_after is honoured, and a
 * second identical burst leaves the heap where the first left it. Then per-user flood control:
 * one user's 50 messages at once are cut down to the limit with a single "too fast" notice,
 * while another user asking at the same moment is answered in full, untouched by the limit.
 * How fast all this goes is measured by `npm run bench` (end to end), not asserted here.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { repliesFor } from '../../src/bot/replies.js';
import { errorLogs, logsWith } from '../support/bot-harness.js';
import {
  checkDeliveries,
  DeliveryTotals,
  gcFunction,
  mb,
  planBurst,
  questionCatalog,
  settledHeapUsed,
  stormRule,
  type BurstPlan,
} from '../support/load-driver.js';
import { startReliabilityBot, type ReliabilityBot } from '../support/reliability-bot.js';

const GROUP_LIMIT_PER_MINUTE = 20;
// A guard against a hang, not a speed limit: two bursts take half a minute on an idle machine
// and several times that on a loaded one; how fast they go is for the benchmark to say.
const TIMEOUT = { timeout: 240_000 };
const PLAN: BurstPlan = {
  privateChats: Array.from({ length: 180 }, (_, i) => 30_001 + i),
  groups: Array.from({ length: 20 }, (_, i) => -1_000_300_001 - i),
  perPrivateChat: 10,
  perGroup: 10,
};

let h: ReliabilityBot | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
  h = undefined;
});

const totals = new DeliveryTotals();
const floodTotals = { messages: 0, answered: 0, notices: 0 };

describe('a burst of 2,000 questions', () => {
  test(
    'all answered once, groups within 20 a minute, retry_after honoured, memory flat',
    TIMEOUT,
    async () => {
      // Warnings and errors only: the test's own array of 4,000 'question' log lines would
      // otherwise be most of what the heap grows by.
      h = await startReliabilityBot({ logLevel: 'warn' });
      const bot = h;
      const { fake } = bot;
      const catalog = questionCatalog(bot.store);
      const gc = gcFunction();

      const burst = async (variant: number) => {
        const storm = stormRule({
          seed: 1_000 + variant,
          rate429: 0.02,
          rate500: 0,
          rate502: 0,
          rateDrop: 0.01,
          rateDelay: 0,
          maxFaultsPerMessage: 1,
        });
        const removeRule = fake.failWhen(storm.rule);
        // The same private chats, but other groups: the first burst's groups have had their
        // ten answers this minute, and the pace would rightly hold more back for a minute.
        const groups = PLAN.groups.map((g) => g - variant * 1_000);
        const asked = planBurst(fake, catalog, { ...PLAN, groups, variant });
        const started = Date.now();
        await Promise.all(asked.map((q) => bot.handle(q.update)));
        const ms = Date.now() - started;
        removeRule();
        const report = checkDeliveries(fake, catalog, asked);
        const groupMax = Math.max(...groups.map((g) => fake.maxPerWindow(g, 60_000)));
        const violations = fake.violations.length;
        const badRequests = fake.callsOf('sendMessage').filter((c) => c.errorCode === 400).length;
        // Forget what the fake recorded, so that the heap holds only what the bot keeps.
        fake.reset();
        return {
          asked: asked.length,
          report,
          faults: storm.counts,
          ms,
          groupMax,
          violations,
          badRequests,
        };
      };
      const check = (run: Awaited<ReturnType<typeof burst>>, label: string) => {
        console.log(
          `[load ${label}] questions=${run.asked} faults injected=${run.faults.total} ` +
            `(429=${run.faults.e429} drop=${run.faults.drops}) ` +
            `delivered=${run.report.delivered} answered once=${run.report.answeredOnce} ` +
            `duplicates=${run.report.duplicates} losses=${run.report.losses} ` +
            `out of order=${run.report.outOfOrder} max per group per 60 s=${run.groupMax} ` +
            `violations=${run.violations} in ${run.ms} ms`,
        );
        totals.record(run.report, run.faults.total, run.violations);
        expect(run.asked).toBe(2000);
        expect(run.faults.e429).toBeGreaterThan(0);
        expect(run.report.problems).toEqual([]);
        expect(run.report.answeredOnce).toBe(2000);
        expect(run.groupMax).toBeLessThanOrEqual(GROUP_LIMIT_PER_MINUTE);
        expect(run.violations).toBe(0);
        expect(run.badRequests).toBe(0);
      };

      const first = await burst(0);
      check(first, 'burst 1');
      const afterFirst = await settledHeapUsed(gc);
      const second = await burst(1);
      check(second, 'burst 2');
      const afterSecond = await settledHeapUsed(gc);
      const growth = afterSecond - afterFirst;
      console.log(
        `[load memory] heapUsed after burst 1=${mb(afterFirst)} after burst 2=${mb(afterSecond)} ` +
          `growth=${mb(growth)}`,
      );

      expect(bot.escaped).toEqual([]);
      expect(bot.failedUpdates).toEqual([]);
      expect(errorLogs(bot.logs)).toEqual([]);
      // The second burst, as large as the first, adds no lasting memory. Measured: 0.4 to 0.7 MB
      // (2,000 more dedupe ids, the matcher's bounded caches filling with new wordings); keeping
      // every handled context would add 4.5 MB. 2 MB is 1 KB per question.
      expect(growth).toBeLessThan(2 * 1024 * 1024);
    },
  );
});

describe('per-user flood control', () => {
  test('50 messages from one user at once: the limit is answered, one "too fast", the rest dropped; another user is answered in full', async () => {
    // The flood limiter counts in a window that a setInterval clears every second. That
    // interval is faked (nothing else here uses one), so the whole flood falls in one window
    // however slow the machine, and the next window is opened by hand.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    h = await startReliabilityBot({ settings: { userMessagesPerSecond: 3 } });
    const bot = h;
    const { fake } = bot;
    const limit = bot.deps.settings.userMessagesPerSecond;
    const catalog = questionCatalog(bot.store);
    const FLOODER = 40_001;
    const OTHER = 40_002;

    const flood = Array.from({ length: 50 }, (_, i) =>
      fake.privateText(FLOODER, catalog[i % catalog.length]!.questions[0]!),
    );
    const other = planBurst(fake, catalog, {
      privateChats: [OTHER],
      groups: [],
      perPrivateChat: limit,
      perGroup: 0,
    });
    const started = Date.now();
    const otherDone = Promise.all(other.map((q) => bot.handle(q.update))).then(
      () => Date.now() - started,
    );
    const floodDone = Promise.all(flood.map((u) => bot.handle(u))).then(() => Date.now() - started);
    const [otherMs, floodMs] = await Promise.all([otherDone, floodDone]);

    const tooFast = repliesFor('en').tooFast;
    const toFlooder = fake.sent(FLOODER).map((s) => s.message.text ?? '');
    const notices = toFlooder.filter((t) => t === tooFast).length;
    const answered = toFlooder.length - notices;
    const dropped = flood.length - answered - notices;
    const otherReport = checkDeliveries(fake, catalog, other);
    console.log(
      `[flood] limit=${limit}/s flooder: messages=${flood.length} answered=${answered} ` +
        `"too fast" notices=${notices} dropped silently=${dropped} (${floodMs} ms); ` +
        `other user: questions=${other.length} answered once=${otherReport.answeredOnce} ` +
        `losses=${otherReport.losses} in ${otherMs} ms`,
    );
    floodTotals.messages += flood.length;
    floodTotals.answered += answered;
    floodTotals.notices += notices;

    expect(answered).toBe(limit);
    expect(notices).toBe(1);
    expect(dropped).toBe(flood.length - limit - 1);
    expect(logsWith(bot.logs, 'user rate limit exceeded')).toHaveLength(1);
    expect(otherReport.problems).toEqual([]);
    expect(otherReport.answeredOnce).toBe(other.length);

    // The next window: the flooder is heard again.
    vi.advanceTimersByTime(1_000);
    await bot.handle(fake.privateText(FLOODER, catalog[0]!.questions[1]!));
    const after = fake.sent(FLOODER).map((s) => s.message.text ?? '');
    expect(after).toHaveLength(toFlooder.length + 1);
    expect(after.at(-1)).not.toBe(tooFast);
    expect(bot.escaped).toEqual([]);
    expect(errorLogs(bot.logs)).toEqual([]);
  });
});

describe('summary', () => {
  test('prints the counts of this file', () => {
    console.log(
      `[load summary] ${totals.summary()}; flood: messages=${floodTotals.messages} ` +
        `answered=${floodTotals.answered} notices=${floodTotals.notices}`,
    );
    expect(totals.questions).toBeGreaterThan(0);
  });
});
