import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { DELIVERY_FILE, SqliteDeliveryStore } from '../../src/delivery/sqlite-delivery-store.js';
import { FEEDBACK_FILE, SqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store.js';
import { SqliteFileError } from '../../src/sqlite-file.js';
import { describeDeliveryStore } from './delivery-store-contract.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'esim-delivery-'));
  dirs.push(dir);
  return dir;
}

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
  await feedback.recordQuestion({
    text: 'what is an esim',
    lang: 'en',
    bestSection: 'esim',
    score: 0.9,
    answered: true,
    chatType: 'private',
    at,
  });
  await rm(path.join(dir, FEEDBACK_FILE));
  expect(feedback.ensureFile()).toBe('recreated');
  await feedback.recordQuestion({
    text: 'eSIM能自动断网吗',
    lang: 'zh-Hans',
    bestSection: 'esim-auto-disconnect',
    score: 0.8,
    answered: true,
    chatType: 'private',
    at,
  });
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
