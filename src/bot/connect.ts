import { Api, GrammyError, HttpError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from '../logger.js';

/** A clear reason for a start-up failure, for the one line printed before exiting. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** The two answers no retry can fix, each with what to do about it. */
export const fatalHints = {
  401: 'Telegram rejected BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather',
  409: 'Another instance is receiving updates for this bot (409 Conflict): stop it, or use one instance only',
} as const;

/** A 401 or 409: the bot cannot run until a person acts. */
export class FatalApiError extends StartupError {}

/** The {@link FatalApiError} for a 401 or 409, or undefined for any other error. */
export function fatalApiError(error: unknown): FatalApiError | undefined {
  if (!(error instanceof GrammyError)) return undefined;
  if (error.error_code === 401) return new FatalApiError(fatalHints[401]);
  if (error.error_code === 409) return new FatalApiError(fatalHints[409]);
  return undefined;
}

/** A failure that may pass: the network, a 5xx, or a 429 with its wait. */
export function isTransient(error: unknown): boolean {
  if (error instanceof HttpError) return true;
  return error instanceof GrammyError && (error.error_code >= 500 || error.error_code === 429);
}

/** One line about a Bot API failure, without the request (its URL carries the token). */
export function describeApiError(error: unknown): string {
  if (error instanceof GrammyError) return `${error.error_code} ${error.description}`;
  if (error instanceof HttpError) return `network error: ${String(error.error)}`;
  return error instanceof Error ? error.message : String(error);
}

export interface RetryOptions {
  logger: Logger;
  /** How long to keep retrying before giving up; 0 tries once. */
  budgetMs: number;
  /** The first wait; each further one doubles, up to {@link MAX_RETRY_DELAY_MS}. */
  initialDelayMs?: number;
  signal?: AbortSignal;
}

const MAX_RETRY_DELAY_MS = 15_000;

/**
 * Calls `call` until it succeeds, retrying transient failures with doubling waits (a 429's
 * retry_after when given) for up to `budgetMs`. A 401 or 409 ends it at once as a
 * {@link StartupError}; any other answer from Telegram is the caller's to judge.
 */
export async function retryTransient<T>(
  what: string,
  call: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const deadline = Date.now() + options.budgetMs;
  let delay = options.initialDelayMs ?? 500;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const fatal = fatalApiError(error);
      if (fatal) throw fatal;
      if (!isTransient(error)) throw error;
      const retryAfter =
        error instanceof GrammyError ? (error.parameters.retry_after ?? 0) * 1000 : 0;
      const wait = Math.max(delay, retryAfter);
      if (Date.now() + wait > deadline || options.signal?.aborted) {
        throw new StartupError(
          error instanceof HttpError
            ? `Cannot reach the Bot API (${what}): ${String(error.error)}`
            : `The Bot API keeps failing ${what}: ${describeApiError(error)}`,
        );
      }
      options.logger.warn(
        { call: what, error: describeApiError(error), retryInMs: wait },
        'Bot API call failed at start-up; retrying',
      );
      await sleep(wait, options.signal);
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
  }
}

/**
 * Calls an optional start-up method (menus, webhook clean-up): retried like the rest, but a
 * failure is logged as a warning and start-up carries on. Only 401 and 409 still stop it.
 */
export async function optionalCall(
  what: string,
  call: () => Promise<unknown>,
  options: RetryOptions,
): Promise<void> {
  try {
    await retryTransient(what, call, options);
  } catch (error) {
    if (error instanceof FatalApiError) throw error;
    options.logger.warn(
      {
        call: what,
        error: error instanceof StartupError ? error.message : describeApiError(error),
      },
      'optional start-up call failed; skipped',
    );
  }
}

/**
 * Asks the Bot API who the bot is, with a client of its own: the bot's client retries network
 * errors without end, which would leave a bot that cannot reach the Bot API hanging silently.
 */
export function probeBotApi(
  token: string,
  apiRoot: string | undefined,
  options: RetryOptions,
): Promise<UserFromGetMe> {
  const probe = new Api(token, { ...(apiRoot ? { apiRoot } : {}), timeoutSeconds: 30 });
  return retryTransient('getMe', () => probe.getMe(), options);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
