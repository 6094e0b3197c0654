/**
 * The behaviour every DeliveryStore implementation owes the bot, as a suite any implementation
 * runs: give it a way to open a fresh store and to reopen the same one (a restart).
 */
import { describe, expect, test } from 'vitest';
import type { DeliveryStore, InboxUpdate } from '../../src/delivery/delivery-store.js';

export interface StoreFactory {
  /** A new, empty store, and a function that reopens the same storage as after a restart. */
  fresh(): Promise<{ store: DeliveryStore; reopen: () => Promise<DeliveryStore> }>;
}

const at = new Date('2026-03-01T10:00:00Z');
const update = (id: number, text = `question ${id}`): InboxUpdate => ({
  update_id: id,
  message: { message_id: id, date: 0, chat: { id: 1, type: 'private' }, text },
});

export function describeDeliveryStore(name: string, factory: StoreFactory): void {
  describe(`${name}: the DeliveryStore contract`, () => {
    test('accepted updates are pending, lowest id first, exactly as they came', async () => {
      const { store } = await factory.fresh();
      expect(await store.accept([update(7), update(3, '你好 🙂')], at)).toEqual([
        'stored',
        'stored',
      ]);
      expect(await store.pending()).toEqual([update(3, '你好 🙂'), update(7)]);
      expect(await store.counts()).toEqual({ pending: 2, answered: 0 });
      await store.close();
    });

    test('an update fetched again is pending, an answered one is answered, never stored twice', async () => {
      const { store } = await factory.fresh();
      await store.accept([update(1), update(2)], at);
      await store.markAnswered(1, at);
      expect(await store.accept([update(1), update(2), update(3)], at)).toEqual([
        'answered',
        'pending',
        'stored',
      ]);
      expect((await store.pending()).map((u) => u.update_id)).toEqual([2, 3]);
      expect(await store.counts()).toEqual({ pending: 2, answered: 1 });
      await store.close();
    });

    test('the same id twice in one batch is stored once', async () => {
      const { store } = await factory.fresh();
      expect(await store.accept([update(5), update(5)], at)).toEqual(['stored', 'pending']);
      expect(await store.pending()).toHaveLength(1);
      await store.close();
    });

    test('pending updates and answered ids survive a reopen', async () => {
      const { store, reopen } = await factory.fresh();
      await store.accept([update(10), update(11)], at);
      await store.markAnswered(10, at);
      await store.close();
      const again = await reopen();
      expect((await again.pending()).map((u) => u.update_id)).toEqual([11]);
      expect(await again.accept([update(10)], at)).toEqual(['answered']);
      await again.close();
    });

    test('answered ids older than the cutoff are forgotten, newer ones kept', async () => {
      const { store } = await factory.fresh();
      await store.markAnswered(1, new Date('2026-03-01T00:00:00Z'));
      await store.markAnswered(2, new Date('2026-03-03T00:00:00Z'));
      expect(await store.forgetAnsweredBefore(new Date('2026-03-02T00:00:00Z'))).toBe(1);
      expect(await store.accept([update(1), update(2)], at)).toEqual(['stored', 'answered']);
      await store.close();
    });
  });
}
