import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import {
  FeedbackStoreError,
  type FeedbackStore,
  type QuestionRecord,
} from '../../src/feedback/feedback-store.js';
import { DAY_MS } from '../../src/feedback/insights.js';
import { MemoryFeedbackStore } from '../../src/feedback/memory-feedback-store.js';
import { pruneFeedback } from '../../src/feedback/retention.js';
import { PostgresFeedbackStore } from '../../src/feedback/postgres-feedback-store.js';
import { FEEDBACK_FILE, SqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store.js';
import { openSharedDatabase } from '../../src/postgres/database.js';
import { captureLogs } from '../support/bot-harness.js';
import { freshDatabaseUrl } from '../support/postgres-database.js';
import { questionRecord } from '../support/question-records.js';
import { removeTempDirs, tempDir } from '../support/temp-dirs.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY_MS);

const question = (fields: Partial<QuestionRecord> = {}) => questionRecord({ at: NOW, ...fields });

const stores: FeedbackStore[] = [];
const dataDir = () => tempDir('esim-faq-store-');
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  await removeTempDirs();
});

const closeAfter: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closeAfter.splice(0)) await close();
});

/** A PostgreSQL store on a new database, migrated as at start-up. */
async function postgresStore(): Promise<FeedbackStore> {
  const db = await openSharedDatabase(await freshDatabaseUrl('feedback'), captureLogs().logger);
  closeAfter.push(db.close);
  return PostgresFeedbackStore.open(db.pool);
}

// The contract every store keeps: the same tests, run on each.
const implementations: [string, () => Promise<FeedbackStore>][] = [
  ['SQLite', async () => SqliteFeedbackStore.open(path.join(await dataDir(), 'nested'))],
  ['PostgreSQL', postgresStore],
  ['memory', () => Promise.resolve(new MemoryFeedbackStore())],
];

describe.each(implementations)('the %s feedback store', (_name, open) => {
  async function fresh(): Promise<FeedbackStore> {
    const store = await open();
    stores.push(store);
    return store;
  }

  test('one vote per user per answer: a second press changes it, the same press keeps it', async () => {
    const store = await fresh();
    const id = await store.recordQuestion(question());
    const vote = (userId: number, value: 1 | -1) =>
      store.recordVote({ questionId: id, userId, value, at: NOW });
    expect(await vote(7, 1)).toEqual({ status: 'recorded', sectionId: 'esim' });
    expect(await vote(7, -1)).toEqual({ status: 'changed', sectionId: 'esim' });
    expect(await vote(7, -1)).toEqual({ status: 'unchanged', sectionId: 'esim' });
    expect((await store.summary(daysAgo(1))).votes).toEqual([
      { sectionId: 'esim', up: 0, down: 1 },
    ]);
    expect(await vote(8, 1)).toEqual({ status: 'recorded', sectionId: 'esim' });
    expect((await store.summary(daysAgo(1))).votes).toEqual([
      { sectionId: 'esim', up: 1, down: 1 },
    ]);
  });

  test('two presses of the same button at once count once', async () => {
    const store = await fresh();
    const id = await store.recordQuestion(question());
    const press = () => store.recordVote({ questionId: id, userId: 7, value: 1, at: NOW });
    const outcomes = await Promise.all([press(), press(), press()]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['recorded', 'unchanged', 'unchanged']);
    expect((await store.summary(daysAgo(1))).votes).toEqual([
      { sectionId: 'esim', up: 1, down: 0 },
    ]);
  });

  test('a question whose answer Telegram refused leaves the figures and the lists', async () => {
    const store = await fresh();
    const answered = await store.recordQuestion(question());
    const unanswered = await store.recordQuestion(question({ text: 'x', answered: false }));
    await store.recordQuestion(question({ bestSection: 'smart-card' }));
    await store.markNotDelivered(answered);
    await store.markNotDelivered(unanswered);
    const summary = await store.summary(daysAgo(1));
    expect(summary).toMatchObject({ questions: 1, answered: 1 });
    expect(summary.answeredBySection).toEqual([{ sectionId: 'smart-card', count: 1 }]);
    expect(await store.unansweredSince(daysAgo(1), 10)).toEqual([]);
  });

  test('a vote on an unknown or unanswered question is refused', async () => {
    const store = await fresh();
    const unanswered = await store.recordQuestion(
      question({ text: '今天吃什么', answered: false, score: 0.1 }),
    );
    for (const questionId of [unanswered, 9999]) {
      expect(await store.recordVote({ questionId, userId: 7, value: -1, at: NOW })).toEqual({
        status: 'unknown',
      });
    }
  });

  test('summarises questions, answers per section and votes over a period', async () => {
    const store = await fresh();
    await store.recordQuestion(question());
    await store.recordQuestion(question({ at: daysAgo(3) }));
    await store.recordQuestion(question({ bestSection: 'smart-card' }));
    await store.recordQuestion(question({ answered: false, bestSection: 'esim', score: 0.2 }));
    await store.recordQuestion(question({ answered: false, bestSection: undefined, score: 0 }));
    expect(await store.summary(daysAgo(1))).toEqual({
      questions: 4,
      answered: 2,
      answeredBySection: [
        { sectionId: 'esim', count: 1 },
        { sectionId: 'smart-card', count: 1 },
      ],
      votes: [],
    });
    expect((await store.summary(daysAgo(7))).answeredBySection[0]).toEqual({
      sectionId: 'esim',
      count: 2,
    });
  });

  test('lists unanswered questions of a period, newest first, capped to 500 characters', async () => {
    const store = await fresh();
    await store.recordQuestion(question({ text: 'old', answered: false, at: daysAgo(9) }));
    await store.recordQuestion(question({ text: 'a', answered: false, at: daysAgo(2) }));
    await store.recordQuestion(question({ text: 'x'.repeat(800), answered: false }));
    await store.recordQuestion(question({ text: 'answered' }));
    const rows = await store.unansweredSince(daysAgo(7), 10);
    expect(rows.map((r) => r.text.length)).toEqual([500, 1]);
    expect(rows[1]).toEqual({ text: 'a', at: daysAgo(2), lang: 'en', bestSection: 'esim' });
  });

  test('retention deletes what is older than RETENTION_DAYS, votes included', async () => {
    const store = await fresh();
    const old = await store.recordQuestion(question({ at: daysAgo(100) }));
    const recent = await store.recordQuestion(question({ at: daysAgo(10) }));
    await store.recordQuestion(question({ text: 'gone', answered: false, at: daysAgo(91) }));
    await store.recordVote({ questionId: old, userId: 1, value: -1, at: daysAgo(95) });
    await store.recordVote({ questionId: recent, userId: 1, value: 1, at: daysAgo(10) });
    await store.recordVote({ questionId: recent, userId: 2, value: 1, at: daysAgo(92) });

    const pruned = await pruneFeedback(store, 90, NOW);
    expect(pruned).toMatchObject({ questions: 2, votes: 2, cutoff: daysAgo(90) });
    const all = await store.summary(daysAgo(3650));
    expect(all.questions).toBe(1);
    expect(all.votes).toEqual([{ sectionId: 'esim', up: 1, down: 0 }]);
    expect(await store.unansweredSince(daysAgo(3650), 10)).toEqual([]);
    // A vote on a deleted answer is refused, not resurrected.
    expect(await store.recordVote({ questionId: old, userId: 3, value: 1, at: NOW })).toEqual({
      status: 'unknown',
    });
  });
});

describe.each(implementations)('suggested wordings in the %s store', (_name, open) => {
  async function fresh(): Promise<FeedbackStore> {
    const store = await open();
    stores.push(store);
    return store;
  }

  test('are counted per wording and section, once per question, newest period only', async () => {
    const store = await fresh();
    const a = await store.recordQuestion(question({ text: 'esim on a watch' }));
    const b = await store.recordQuestion(question({ text: 'esim on a watch' }));
    const c = await store.recordQuestion(question({ text: 'old one', at: daysAgo(10) }));
    const suggest = (questionId: number, sectionId: string, at = NOW) =>
      store.recordSuggestion({ questionId, sectionId, source: 'alternative', at });
    expect(await suggest(a, 'kids-watch')).toEqual({ status: 'recorded' });
    expect(await suggest(a, 'kids-watch')).toEqual({ status: 'unchanged' });
    expect(await suggest(b, 'kids-watch')).toEqual({ status: 'recorded' });
    expect(await suggest(b, 'esim')).toEqual({ status: 'recorded' });
    expect(await suggest(c, 'esim', daysAgo(10))).toEqual({ status: 'recorded' });
    expect(await suggest(999, 'esim')).toEqual({ status: 'unknown' });
    expect(await store.suggestionsSince(daysAgo(7), 10)).toEqual([
      { text: 'esim on a watch', lang: 'en', sectionId: 'kids-watch', count: 2, lastAt: NOW },
      { text: 'esim on a watch', lang: 'en', sectionId: 'esim', count: 1, lastAt: NOW },
    ]);
    // They go with their question when retention deletes it.
    await store.deleteOlderThan(daysAgo(7));
    expect(await store.suggestionsSince(new Date(0), 10)).toHaveLength(2);
  });

  test('a question is looked up by id; decisions are remembered and replaced', async () => {
    const store = await fresh();
    const id = await store.recordQuestion(question({ answered: false, bestSection: 'esim' }));
    expect(await store.question(id)).toEqual({
      text: 'what is an esim',
      lang: 'en',
      bestSection: 'esim',
      answered: false,
    });
    expect(await store.question(id + 1)).toBeUndefined();
    await store.recordDecision({ key: 'k', decision: 'dismissed', at: daysAgo(1) });
    await store.recordDecision({ key: 'k', decision: 'added', sectionId: 'esim', at: NOW });
    expect(await store.decisions()).toEqual(
      new Map([['k', { key: 'k', decision: 'added', sectionId: 'esim', at: NOW }]]),
    );
  });
});

describe('the SQLite file', () => {
  test('is created in DATA_DIR, in WAL mode, and never holds a user id', async () => {
    const dir = path.join(await dataDir(), 'data');
    const store = SqliteFeedbackStore.open(dir);
    const id = await store.recordQuestion(question());
    await store.recordVote({ questionId: id, userId: 123456789, value: 1, at: NOW });
    await store.close();

    const file = path.join(dir, FEEDBACK_FILE);
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const vote = db.prepare('SELECT * FROM votes').get() as Record<string, unknown>;
      expect(Object.keys(vote).sort()).toEqual([
        'at',
        'question_id',
        'section_id',
        'value',
        'voter',
      ]);
      expect(vote.voter).not.toContain('123456789');
      expect(String(vote.voter)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      db.close();
    }
    expect((await readFile(file)).includes(Buffer.from('123456789'))).toBe(false);
  });

  test('commits questions recorded together, each with its own id, and a close keeps them', async () => {
    const dir = await dataDir();
    const store = SqliteFeedbackStore.open(dir);
    const recorded = Array.from({ length: 50 }, (_, i) =>
      store.recordQuestion(question({ text: `question ${i}` })),
    );
    // Closed before any of them has resolved: the pending commit goes first.
    await store.close();
    const ids = await Promise.all(recorded);
    expect(new Set(ids).size).toBe(50);
    const db = new Database(path.join(dir, FEEDBACK_FILE), { readonly: true });
    try {
      const rows = db.prepare('SELECT id, text FROM questions ORDER BY id').all() as {
        id: number;
        text: string;
      }[];
      expect(rows.map((r) => r.text)).toEqual(ids.map((_, i) => `question ${i}`));
      expect(rows.map((r) => r.id)).toEqual(ids);
    } finally {
      db.close();
    }
  });

  test('keeps questions, votes and one-vote-per-user across a restart', async () => {
    const dir = await dataDir();
    const first = SqliteFeedbackStore.open(dir);
    const id = await first.recordQuestion(question());
    await first.recordVote({ questionId: id, userId: 5, value: 1, at: NOW });
    await first.close();

    const second = SqliteFeedbackStore.open(dir);
    stores.push(second);
    expect((await second.summary(daysAgo(1))).questions).toBe(1);
    // The salt survived: the same user is recognised and changes the vote.
    expect(await second.recordVote({ questionId: id, userId: 5, value: -1, at: NOW })).toEqual({
      status: 'changed',
      sectionId: 'esim',
    });
  });

  test('the report never creates a database: a missing one is a clear error', async () => {
    const dir = path.join(await dataDir(), 'none');
    expect(() => SqliteFeedbackStore.open(dir, { mustExist: true })).toThrow(FeedbackStoreError);
    expect(() => SqliteFeedbackStore.open(dir, { mustExist: true })).toThrow(
      /No feedback database/,
    );
    expect(existsSync(dir)).toBe(false);
  });
});
