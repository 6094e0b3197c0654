import type { Logger } from '../logger.js';
import type { DeliveryStore, InboxUpdate } from './delivery-store.js';

/** Thrown into work that a stopping bot abandons (a wait for a group's pace); not a failure. */
export class StoppingError extends Error {
  override readonly name = 'StoppingError';
  constructor() {
    super('the bot is stopping');
  }
}

export interface DispatcherOptions {
  store: DeliveryStore;
  /** Answers one update. A rejection goes to `onError`, except while stopping. */
  handle: (update: InboxUpdate) => Promise<void>;
  /** Reports an update that failed; it counts as answered (retrying it would fail again). */
  onError: (error: unknown, update: InboxUpdate) => Promise<void>;
  logger: Logger;
  /** Updates handled at once; also the most that can be answered twice after a crash. */
  maxConcurrent: number;
  now?: () => Date;
}

/** What a stop left: updates answered meanwhile, and updates left in the inbox. */
export interface StopReport {
  finished: boolean;
  leftInInbox: number;
}

/**
 * Hands updates to the bot at-least-once: every update is stored in the {@link DeliveryStore}
 * before it is confirmed to Telegram, handled at most `maxConcurrent` at a time in arrival order,
 * and marked answered once handled. A stop lets the running updates finish within a bound and
 * leaves everything else in the inbox for the next start, which answers it first.
 */
export class UpdateDispatcher {
  private readonly queue: InboxUpdate[] = [];
  /** Updates queued or running, by id, resolved once answered (or left for the next start). */
  private readonly tracked = new Map<number, { done: Promise<void>; settle: () => void }>();
  private running = 0;
  private readonly stopping = new AbortController();
  private readonly cutoff = new AbortController();
  private readonly roomWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly now: () => Date;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Aborted when a stop begins: long waits (a group's pace) listen to it. */
  get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Aborted when the stop's bound is reached: from then on no update may begin. */
  get cutoffSignal(): AbortSignal {
    return this.cutoff.signal;
  }

  /** Updates queued or being handled. */
  get size(): number {
    return this.tracked.size;
  }

  /** Queues what the inbox holds from before the last stop or crash; call before new updates. */
  async recover(): Promise<number> {
    const leftovers = await this.options.store.pending();
    for (const update of leftovers) this.enqueue(update);
    return leftovers.length;
  }

  /**
   * Stores `updates` durably and queues the new ones. Resolves once they are stored, which is
   * when they may be confirmed to Telegram; `answered` resolves per update once it is answered,
   * already was, or was left in the inbox by a stop.
   */
  async accept(updates: readonly InboxUpdate[]): Promise<{ answered: Promise<void>[] }> {
    if (updates.length === 0) return { answered: [] };
    const outcomes = await this.options.store.accept(updates, this.now());
    const answered = updates.map((update, i) => {
      const outcome = outcomes[i];
      const known = this.tracked.get(update.update_id);
      if (known) return known.done;
      if (outcome === 'stored') return this.enqueue(update);
      this.options.logger.debug(
        { update: update.update_id, outcome },
        'update delivered again; not answered twice',
      );
      return Promise.resolve();
    });
    return { answered };
  }

  /** Resolves once fewer than `maxConcurrent` updates are queued or running (back-pressure). */
  whenRoom(): Promise<void> {
    if (this.tracked.size < this.options.maxConcurrent || this.stopping.signal.aborted)
      return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * Stops handling within `timeoutMs`: `stopSignal` cuts the long waits short at once (their
   * updates stay in the inbox), the queue keeps being answered until the bound, and then
   * `cutoffSignal` lets nothing more begin and the updates still running are abandoned.
   * Whatever was not answered stays in the inbox.
   */
  async stop(timeoutMs: number): Promise<StopReport> {
    this.stopping.abort();
    for (const wake of this.roomWaiters.splice(0)) wake();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.idle().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    this.cutoff.abort();
    const notStarted = this.queue.splice(0);
    for (const update of notStarted) this.release(update.update_id);
    const leftInInbox = (await this.options.store.counts().catch(() => undefined))?.pending ?? -1;
    return { finished, leftInInbox };
  }

  private enqueue(update: InboxUpdate): Promise<void> {
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.tracked.set(update.update_id, { done, settle });
    this.queue.push(update);
    this.pump();
    return done;
  }

  private pump(): void {
    while (
      this.running < this.options.maxConcurrent &&
      this.queue.length > 0 &&
      !this.cutoff.signal.aborted
    ) {
      const update = this.queue.shift() as InboxUpdate;
      this.running++;
      void this.run(update).finally(() => {
        this.running--;
        this.release(update.update_id);
        this.pump();
      });
    }
  }

  private async run(update: InboxUpdate): Promise<void> {
    const { store, logger } = this.options;
    try {
      await this.options.handle(update);
    } catch (error) {
      // Work cut short by the stop is not a failure of the update: it stays in the inbox.
      if (this.stopping.signal.aborted) {
        logger.debug({ update: update.update_id }, 'left in the inbox for the next start');
        return;
      }
      await this.options
        .onError(error, update)
        .catch((reportError: unknown) =>
          logger.error({ update: update.update_id, err: reportError }, 'error handler failed'),
        );
    }
    try {
      await store.markAnswered(update.update_id, this.now());
    } catch (error) {
      // The answer went out; without the mark it goes out again after a restart.
      logger.error({ update: update.update_id, err: error }, 'answered update not recorded');
    }
  }

  private release(updateId: number): void {
    this.tracked.get(updateId)?.settle();
    this.tracked.delete(updateId);
    if (this.tracked.size < this.options.maxConcurrent) {
      for (const wake of this.roomWaiters.splice(0)) wake();
    }
    if (this.running === 0 && (this.queue.length === 0 || this.cutoff.signal.aborted)) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
