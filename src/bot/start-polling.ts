import { Api, GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import type { UpdateDispatcher } from '../delivery/update-dispatcher.js';
import type { Logger } from '../logger.js';
import {
  describeApiError,
  fatalApiError,
  isTransient,
  optionalCall,
  sleep,
  type RetryOptions,
} from './connect.js';
import type { RunningBot } from './running-bot.js';

export interface PollingOptions {
  token: string;
  apiRoot: string | undefined;
  allowedUpdates: readonly string[];
  dispatcher: UpdateDispatcher;
  logger: Logger;
  /** Start-up retries (deleteWebhook). */
  retry: RetryOptions;
  /** How long a stop waits for the answers in progress. */
  shutdownTimeoutMs: number;
}

// grammY types its signals with a polyfill's AbortSignal; Node's own is what it receives.
type GrammySignal = Parameters<Api['getUpdates']>[1];

/** Seconds a long poll waits for updates. */
const LONG_POLL_SECONDS = 30;
/** Updates a poll may return, Telegram's maximum. */
const BATCH_LIMIT = 100;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/**
 * Long polling that confirms an update to Telegram only once it is stored. The loop stores each
 * batch in the inbox before asking for the next one, whose offset is the confirmation; the
 * dispatcher answers from there. (The grammY runner passes the offset on as soon as a batch is
 * fetched, so updates being answered at a crash were gone for good.) Failures are retried with
 * doubling waits; 401 and 409 stop the bot.
 */
export async function startPolling(options: PollingOptions): Promise<RunningBot> {
  const { dispatcher, logger } = options;
  // A client of its own: the loop does its own retrying, and a stop aborts its long poll.
  const api = new Api(options.token, {
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
    timeoutSeconds: LONG_POLL_SECONDS + 15,
  });
  await optionalCall('deleteWebhook', () => api.deleteWebhook(), options.retry);
  const recovered = await dispatcher.recover();
  if (recovered > 0) logger.info({ updates: recovered }, 'answering the updates left from before');

  const stopping = new AbortController();
  let offset: number | undefined;

  const loop = async (): Promise<void> => {
    let delay = FIRST_RETRY_MS;
    while (!stopping.signal.aborted) {
      await dispatcher.whenRoom();
      if (stopping.signal.aborted) break;
      let batch: Update[];
      try {
        batch = await api.getUpdates(
          {
            ...(offset === undefined ? {} : { offset }),
            limit: BATCH_LIMIT,
            timeout: LONG_POLL_SECONDS,
            allowed_updates: options.allowedUpdates as never,
          },
          stopping.signal as GrammySignal,
        );
      } catch (error) {
        if (stopping.signal.aborted) break;
        const fatal = fatalApiError(error);
        if (fatal) throw fatal;
        const retryAfter =
          error instanceof GrammyError ? (error.parameters.retry_after ?? 0) * 1000 : 0;
        const wait = Math.max(delay, retryAfter);
        logger.warn(
          { error: describeApiError(error), transient: isTransient(error), retryInMs: wait },
          'getUpdates failed; retrying',
        );
        await sleep(wait, stopping.signal);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
        continue;
      }
      delay = FIRST_RETRY_MS;
      if (batch.length === 0) continue;
      // Stored before the next poll confirms it: a crash from here on finds it in the inbox.
      await dispatcher.accept(batch as unknown as { update_id: number }[]);
      offset = (batch[batch.length - 1] as Update).update_id + 1;
    }
  };

  const stopped = loop();
  logger.info('polling for updates');
  let stopping$: Promise<void> | undefined;
  return {
    stopped,
    stop: () =>
      (stopping$ ??= (async () => {
        stopping.abort();
        await stopped.catch(() => undefined);
        const report = await dispatcher.stop(options.shutdownTimeoutMs);
        if (!report.finished)
          logger.warn(
            { leftInInbox: report.leftInInbox },
            'stopped before every answer was sent; the rest is answered at the next start',
          );
        // Everything fetched is stored: confirm it, so Telegram does not offer it again.
        if (offset !== undefined) {
          await api
            .getUpdates({ offset, limit: 1, timeout: 0 }, AbortSignal.timeout(2000) as GrammySignal)
            .catch(() => undefined);
        }
      })()),
  };
}
