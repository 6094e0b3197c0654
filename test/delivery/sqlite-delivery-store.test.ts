import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { DELIVERY_FILE, SqliteDeliveryStore } from '../../src/delivery/sqlite-delivery-store.js';
import { FEEDBACK_FILE, SqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store.js';
import { SqliteFileError } from '../../src/sqlite-file.js';
import { questionRecord } from '../support/question-records.js';
import { removeTempDirs, tempDir } from '../support/temp-dirs.js';
import { describeDeliveryStore } from './delivery-store-contract.js';

afterAll(removeTempDirs);
const dataDir = () => tempDir('esim-delivery-');

describeDeliveryStore('SqliteDeliveryStore', {
  fresh: async () => {
    const dir = await dataDir();
    return {
      store: SqliteDeliveryStore.open(dir),
      reopen: () => Promise.resolve(SqliteDeliveryStore.open(dir)),
    };
  },
});

test('a deleted database file is written back from the open copy, with everything in it', async () => {
  const dir = await dataDir();
  const store = SqliteDeliveryStore.open(dir);
  const file = path.join(dir, DELIVERY_FILE);
  const at = new Date();
  await store.accept([{ update_id: 1 }, { update_id: 2 }], at);
  await store.markAnswered(1, at);
  expect(store.ensureFile()).toBe('intact');

  await rm(dir, { recursive: true, force: true });
  expect(existsSync(file)).toBe(false);
  expect(store.ensureFile()).toBe('recreated');
  expect(existsSync(file)).toBe(true);
  await store.accept([{ update_id: 3 }], at);
  await store.close();

  const reopened = SqliteDeliveryStore.open(dir);
  expect((await reopened.pending()).map((u) => u.update_id)).toEqual([2, 3]);
  expect(await reopened.accept([{ update_id: 1 }], at)).toEqual(['answered']);
  await reopened.close();
});

test('a DATA_DIR that is a file is one error naming the database', async () => {
  const dir = await dataDir();
  const notAFolder = path.join(dir, 'plain-file');
  await writeFile(notAFolder, 'x');
  expect(() => SqliteDeliveryStore.open(notAFolder)).toThrow(
    `Cannot open the delivery database ${path.join(notAFolder, DELIVERY_FILE)}`,
  );
});

test('a feedback database deleted while open is written back with its records', async () => {
  const dir = await dataDir();
  const feedback = SqliteFeedbackStore.open(dir);
  const at = new Date();
  await feedback.recordQuestion(questionRecord({ at }));
  await rm(path.join(dir, FEEDBACK_FILE));
  expect(feedback.ensureFile()).toBe('recreated');
  await feedback.recordQuestion(
    questionRecord({
      text: 'eSIM能自动断网吗',
      lang: 'zh-Hans',
      bestSection: 'esim-auto-disconnect',
      score: 0.8,
      at,
    }),
  );
  await feedback.close();
  const reopened = SqliteFeedbackStore.open(dir);
  expect((await reopened.summary(new Date(0))).questions).toBe(2);
  await reopened.close();
});

test('a database file replaced by another file is reported, not overwritten', async () => {
  const dir = await dataDir();
  const store = SqliteDeliveryStore.open(dir);
  const file = path.join(dir, DELIVERY_FILE);
  await rm(file);
  await writeFile(file, 'someone else');
  expect(() => store.ensureFile()).toThrow(SqliteFileError);
  await store.close();
});

test('a feedback database of schema 1 gains the delivered column and keeps its questions', async () => {
  const dir = await dataDir();
  const Database = (await import('better-sqlite3')).default;
  const old = new Database(path.join(dir, FEEDBACK_FILE));
  old.exec(`CREATE TABLE questions (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, text TEXT NOT NULL,
    lang TEXT NOT NULL, best_section TEXT, score REAL NOT NULL,
    answered INTEGER NOT NULL CHECK (answered IN (0, 1)), chat_type TEXT NOT NULL);
    INSERT INTO questions (at, text, lang, best_section, score, answered, chat_type)
    VALUES (${Date.now()}, 'what is an esim', 'en', 'esim', 0.9, 1, 'private');
    PRAGMA user_version = 1;`);
  old.close();
  const feedback = SqliteFeedbackStore.open(dir);
  expect((await feedback.summary(new Date(0))).answered).toBe(1);
  await feedback.markNotDelivered(1);
  expect((await feedback.summary(new Date(0))).answered).toBe(0);
  await feedback.close();
});
