import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { KnowledgeStore } from '../../src/knowledge-store.js';
import { openSharedDatabase } from '../../src/postgres/database.js';
import { ReplicaLink } from '../../src/postgres/replica-link.js';
import {
  KNOWLEDGE_CHANNEL,
  restoreKnowledgeFiles,
  SharedKnowledge,
} from '../../src/postgres/shared-knowledge.js';
import { captureLogs, copyKnowledge, waitUntil, writeSection } from '../support/bot-harness.js';
import { freshDatabaseUrl } from '../support/postgres-database.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const NEW_SECTION = {
  id: 'roaming-fees',
  title: { 'zh-Hans': '漫游费用', en: 'Roaming fees' },
  body: { 'zh-Hans': '漫游按天计费。', en: 'Roaming is charged per day.' },
  questions: { 'zh-Hans': ['漫游怎么收费'], en: ['how much does roaming cost'] },
};

async function sectionText(): Promise<string> {
  const dir = await copyKnowledge();
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeSection(dir, '90-roaming.md', NEW_SECTION);
  return readFile(path.join(dir, '90-roaming.md'), 'utf8');
}

/** A replica's knowledge on a copy of the test knowledge, shared through the database at `url`. */
async function startReplica(url: string, pool: pg.Pool) {
  const dir = await copyKnowledge();
  const { logger, lines } = captureLogs();
  const link = await ReplicaLink.open(url, logger);
  const store = await KnowledgeStore.open(dir);
  const shared = await SharedKnowledge.start(pool, link, store, logger);
  cleanups.push(async () => {
    shared.stop();
    await link.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, store, lines, shared };
}

describe('knowledge shared between replicas', () => {
  test('an upload on one replica reaches the other within seconds, and a later replica at start', async () => {
    const url = await freshDatabaseUrl('knowledge');
    const db = await openSharedDatabase(url, captureLogs().logger);
    cleanups.push(db.close);
    const a = await startReplica(url, db.pool);
    const b = await startReplica(url, db.pool);
    const sections = a.store.current.knowledge.sections.length;

    const text = await sectionText();
    const started = Date.now();
    expect((await a.store.install('90-roaming.md', text)).ok).toBe(true);
    await waitUntil(() => b.store.current.version === 2, 'the upload on the other replica', 5000);
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(5);
    expect(b.store.current.knowledge.sections.map((s) => s.id)).toContain('roaming-fees');
    expect(b.store.current.knowledge.sections).toHaveLength(sections + 1);
    expect(await readFile(path.join(b.dir, '90-roaming.md'), 'utf8')).toBe(text);
    // Applied quietly: b did not send it back, so a is still at its own version.
    await b.shared.settled();
    expect(a.store.current.version).toBe(2);
    expect(b.lines.filter((l) => l.msg === 'knowledge change sent to the other replicas')).toEqual(
      [],
    );

    // A reload on b reaches a.
    await b.store.reload();
    await waitUntil(() => a.store.current.version === 3, 'the reload on the other replica', 5000);

    // A replica started later finds the upload in the database, not on anyone's disk.
    const late = await copyKnowledge();
    cleanups.push(() => rm(late, { recursive: true, force: true }));
    expect(await restoreKnowledgeFiles(db.pool, late, captureLogs().logger)).toEqual([
      '90-roaming.md',
    ]);
    const lateStore = await KnowledgeStore.open(late);
    expect(lateStore.current.knowledge.sections.map((s) => s.id)).toContain('roaming-fees');
    expect(await restoreKnowledgeFiles(db.pool, late, captureLogs().logger)).toEqual([]);
  });

  test('a malformed notification is logged and ignored', async () => {
    const url = await freshDatabaseUrl('knowledge');
    const db = await openSharedDatabase(url, captureLogs().logger);
    cleanups.push(db.close);
    const { store, lines } = await startReplica(url, db.pool);
    const other = await ReplicaLink.open(url, captureLogs().logger);
    cleanups.push(() => other.close());
    await other.notify(KNOWLEDGE_CHANNEL, '{"kind":"drop tables"}');
    await waitUntil(
      () => lines.some((l) => l.msg === 'ignored a malformed knowledge notification'),
      'the malformed notification',
      5000,
    );
    expect(store.current.version).toBe(1);
  });
});
