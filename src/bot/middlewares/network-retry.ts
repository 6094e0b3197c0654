import { HttpError, type Transformer } from 'grammy';

export interface NetworkRetryOptions {
  /** Attempts after the first. */
  retries: number;
  /** The first wait; each further wait doubles. */
  initialDelayMs: number;
}

/**
 * Retries a call that failed on the network (connection reset, timeout, DNS) a bounded number of
 * times with doubling waits, then gives up with the error. The auto-retry plugin, which handles
 * 429 and 5xx answers, would retry network errors without end, leaving an answer hanging for
 * up to an hour; a bounded retry fails the one update instead and the bot carries on.
 */
export function networkRetry(
  options: NetworkRetryOptions = { retries: 4, initialDelayMs: 500 },
): Transformer {
  return async (prev, method, payload, signal) => {
    let delay = options.initialDelayMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        if (!(error instanceof HttpError) || attempt >= options.retries || signal?.aborted)
          throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= 2;
      }
    }
  };
}
