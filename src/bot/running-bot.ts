/** A running bot, by long polling or webhook. */
export interface RunningBot {
  /**
   * Stops taking updates, lets the answers in progress finish within the shutdown bound and
   * leaves the rest in the inbox for the next start. Safe to call more than once.
   */
  stop(): Promise<void>;
  /** Settles when the bot stops by itself; rejects on a fatal error (401, 409). */
  stopped: Promise<void>;
}
