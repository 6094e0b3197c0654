/**
 * Where a group's send times are booked. In one process a sliding window in memory (the bot's
 * `localSendSlots`); replicas share one in their database, so that together they stay under
 * the limit.
 */
export interface SendSlots {
  /** Books the earliest time a message to `chat` may go out and returns it (ms since epoch). */
  reserve(chat: string | number, now: number): Promise<number> | number;
}
