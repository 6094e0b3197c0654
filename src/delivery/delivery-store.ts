/**
 * The durable side of update delivery: an inbox of updates accepted from Telegram and not yet
 * answered, and the ids of updates already answered.
 *
 * The contract that makes answering at-least-once, with duplicates only where a crash forces
 * them:
 *
 * 1. An update is confirmed to Telegram (the next `getUpdates` offset; the webhook's 200) only
 *    after {@link DeliveryStore.accept} has resolved for it, so a crash after the confirmation
 *    finds it in the inbox.
 * 2. After it has been answered the bot calls {@link DeliveryStore.markAnswered}: the update
 *    leaves the inbox and its id is remembered, so a redelivery (the webhook after a lost 200,
 *    an unconfirmed poll after a restart) is recognised and not answered again.
 * 3. At start the bot answers {@link DeliveryStore.pending} before anything new.
 *
 * The one window left is between sending an answer and `markAnswered`: an update answered but
 * not yet marked when the process dies is answered again at the next start. The bot bounds that
 * window by the number of updates it handles at once.
 *
 * Implementations must make `accept` and `markAnswered` durable before they resolve (a commit,
 * not a buffer), keep no user data beyond the update itself, and be safe for one process at a
 * time per bot. Everything is asynchronous so that a server database can implement it; the
 * embedded one is {@link SqliteDeliveryStore}.
 */
export interface DeliveryStore {
  /**
   * Stores updates in the inbox, in one commit. Returns, per update and in the same order,
   * whether it is new (`stored`), already in the inbox (`pending`: fetched again before its
   * confirmation, or redelivered while being answered) or already answered (`answered`).
   * Only `stored` updates are for the caller to handle.
   */
  accept(updates: readonly InboxUpdate[], at: Date): Promise<AcceptOutcome[]>;
  /** The updates in the inbox, lowest update id first. */
  pending(): Promise<InboxUpdate[]>;
  /** Takes the update out of the inbox and remembers its id as answered, in one commit. */
  markAnswered(updateId: number, at: Date): Promise<void>;
  /**
   * Forgets answered ids remembered before `cutoff` and returns how many. Telegram redelivers an
   * update for a day at most and reuses ids after a week of silence, so ids older than
   * {@link ANSWERED_IDS_KEPT_MS} only risk skipping a new update.
   */
  forgetAnsweredBefore(cutoff: Date): Promise<number>;
  /** Counts for logs and health checks. */
  counts(): Promise<{ pending: number; answered: number }>;
  close(): Promise<void>;
}

/** An update as Telegram sent it. The store reads only its id and keeps the rest as it came. */
export interface InboxUpdate {
  update_id: number;
  [field: string]: unknown;
}

/** What {@link DeliveryStore.accept} found for one update. */
export type AcceptOutcome = 'stored' | 'pending' | 'answered';

/** How long answered ids are remembered: twice the day Telegram keeps an update. */
export const ANSWERED_IDS_KEPT_MS = 48 * 60 * 60 * 1000;

/** A storage failure with the reason a person can act on (a path, a locked file). */
export class DeliveryStoreError extends Error {
  override readonly name = 'DeliveryStoreError';
}
