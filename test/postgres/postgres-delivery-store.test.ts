import { afterEach, describe, expect, test } from 'vitest';
import type { DeliveryStore, InboxUpdate } from '../../src/delivery/delivery-store.js';
import { PostgresDeliveryStore } from '../../src/postgres/postgres-delivery-store.js';
import { openSharedDatabase, type SharedDatabase } from '../../src/postgres/database.js';
import { ReplicaLink } from '../../src/postgres/replica-link.js';
import { captureLogs } from '../support/bot-harness.js';
import { freshDatabaseUrl } from '../support/postgres-database.js';
import { describeDeliveryStore } from '../delivery/delivery-store-contract.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<{ url: string; db: SharedDatabase }> {
  const url = await freshDatabaseUrl('delivery');
  const db = await openSharedDatabase(url, captureLogs().logger);
  cleanups.push(db.close);
  return { url, db };
}

/** A replica: its own link (its liveness) and a store on the shared pool. */
async function replica(url: string, db: SharedDatabase) {
  const link = await ReplicaLink.open(url, captureLogs().logger);
  cleanups.push(() => link.close());
  const store = new PostgresDeliveryStore(db.pool, link.replicaId);
  // Closing the store is the process ending: its link goes, and its updates with it.
  const asProcess: DeliveryStore = Object.assign(Object.create(store) as PostgresDeliveryStore, {
    close: () => link.close(),
  });
  return { link, store: asProcess, orphans: () => store.orphans() };
}

describeDeliveryStore('PostgresDeliveryStore', {
  fresh: async () => {
    const { url, db } = await database();
    const first = await replica(url, db);
    return { store: first.store, reopen: async () => (await replica(url, db)).store };
  },
});

const update = (id: number): InboxUpdate => ({
  update_id: id,
  message: { message_id: id, date: 0, chat: { id: 1, type: 'private' }, text: `q${id}` },
});
const at = new Date('2026-03-01T10:00:00Z');

describe('PostgresDeliveryStore across replicas', () => {
  test('an update delivered to two live replicas is answered by the first only', async () => {
    const { url, db } = await database();
    const [a, b] = [await replica(url, db), await replica(url, db)];
    expect(await a.store.accept([update(1)], at)).toEqual(['stored']);
    expect(await b.store.accept([update(1)], at)).toEqual(['pending']);
    expect(await b.store.pending()).toEqual([]);
    await a.store.markAnswered(1, at);
    expect(await b.store.accept([update(1)], at)).toEqual(['answered']);
  });

  test('the updates of a replica that died are taken over once, by delivery or by a sweep', async () => {
    const { url, db } = await database();
    const [a, b, c] = [await replica(url, db), await replica(url, db), await replica(url, db)];
    await a.store.accept([update(1), update(2), update(3)], at);
    expect(await b.orphans()).toEqual([]);
    await a.link.close(); // the process is gone: its lock with it
    // Redelivered to b: b takes it.
    expect(await b.store.accept([update(1)], at)).toEqual(['stored']);
    expect(await c.store.accept([update(1)], at)).toEqual(['pending']);
    // b and c sweep at the same moment: each orphan goes to exactly one of them.
    const [fromB, fromC] = await Promise.all([b.orphans(), c.orphans()]);
    expect(fromB.map((u) => u.update_id)).toEqual([2, 3]);
    const [takenB, takenC] = await Promise.all([
      b.store.accept(fromB, at),
      c.store.accept(fromC, at),
    ]);
    const taken = [...takenB, ...takenC].filter((o) => o === 'stored');
    expect(taken).toHaveLength(2);
    expect(await b.orphans()).toEqual([]);
    expect(await c.orphans()).toEqual([]);
  });

  test('two replicas accepting the same burst at once store each update once', async () => {
    const { url, db } = await database();
    const [a, b] = [await replica(url, db), await replica(url, db)];
    const burst = Array.from({ length: 200 }, (_, i) => update(i + 1));
    const results = await Promise.all(
      burst.map((u, i) => (i % 2 ? a : b).store.accept([u], at).then((r) => r[0])),
    );
    const again = await Promise.all(
      burst.map((u, i) => (i % 2 ? b : a).store.accept([u], at).then((r) => r[0])),
    );
    expect(results.every((r) => r === 'stored')).toBe(true);
    expect(again.every((r) => r === 'pending')).toBe(true);
    expect(await a.store.counts()).toEqual({ pending: 200, answered: 0 });
  });
});
