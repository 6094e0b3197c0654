import { describe, expect, test } from 'vitest';
import { DAY_MS } from '../../src/feedback/insights.js';
import { MemoryFeedbackStore } from '../../src/feedback/memory-feedback-store.js';
import { scheduleRetention } from '../../src/feedback/retention.js';
import { captureLogs, waitUntil } from '../support/bot-harness.js';
import { questionRecord } from '../support/question-records.js';

const START = new Date('2026-03-01T00:00:00Z');

const asked = (at: Date) => questionRecord({ at });

describe('scheduled retention', () => {
  test('deletes what is older than RETENTION_DAYS at start-up, then again on every run', async () => {
    const store = new MemoryFeedbackStore();
    const { logger, lines } = captureLogs();
    const clock = { now: START };
    await store.recordQuestion(asked(new Date(START.getTime() - 31 * DAY_MS)));
    await store.recordQuestion(asked(new Date(START.getTime() - 29 * DAY_MS)));
    await store.recordQuestion(asked(START));

    const retention = scheduleRetention(store, {
      retentionDays: 30,
      logger,
      now: () => clock.now,
      intervalMs: 20,
    });
    try {
      await retention.firstRun;
      expect((await store.summary(new Date(0))).questions).toBe(2);
      expect(lines.find((l) => l.msg === 'feedback retention applied')).toMatchObject({
        questions: 1,
        cutoff: new Date(START.getTime() - 30 * DAY_MS).toISOString(),
      });

      // Two days later the question of 29 days ago is over the limit: the next run takes it.
      clock.now = new Date(START.getTime() + 2 * DAY_MS);
      await waitUntil(
        () =>
          lines.filter((l) => l.msg === 'feedback retention applied' && l.questions === 1).length >=
          2,
        'the second retention run',
      );
      expect((await store.summary(new Date(0))).questions).toBe(1);
    } finally {
      retention.stop();
    }
  });

  test('a failing run is logged and does not throw', async () => {
    const store = new MemoryFeedbackStore();
    store.deleteOlderThan = () => Promise.reject(new Error('database is locked'));
    const { logger, lines } = captureLogs();
    const retention = scheduleRetention(store, { retentionDays: 90, logger });
    await retention.firstRun;
    retention.stop();
    expect(lines.map((l) => l.msg)).toEqual(['feedback retention failed']);
  });
});
