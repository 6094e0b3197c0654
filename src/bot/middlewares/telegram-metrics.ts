import { HttpError, type MiddlewareFn, type Transformer } from 'grammy';
import type { BotMetrics } from '../../metrics/bot-metrics.js';
import type { BotContext } from '../context.js';

/**
 * An API transformer that counts every failed Bot API call by method and error code, and
 * every 429 with the retry_after it asked for. Installed innermost, it sees each attempt,
 * also those auto-retry repeats.
 */
export function countTelegramErrors(metrics: BotMetrics): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const response = await prev(method, payload, signal);
      if (!response.ok) {
        metrics.telegramError(method, response.error_code);
        const wait = response.parameters?.retry_after;
        if (response.error_code === 429 && wait !== undefined) metrics.retryAfter(wait);
      }
      return response;
    } catch (error) {
      if (error instanceof HttpError) metrics.telegramError(method, 'network');
      throw error;
    }
  };
}

/** The kind of an update as Telegram names it: message, callback_query, inline_query… */
function updateKind(ctx: BotContext): string {
  return Object.keys(ctx.update).find((key) => key !== 'update_id') ?? 'unknown';
}

/** Times each update from the moment the bot receives it until its handling has finished. */
export function timeUpdates(metrics: BotMetrics): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.updateHandled(updateKind(ctx), (performance.now() - started) / 1000);
    }
  };
}

/**
 * Wraps the per-user flood limit so that every message it refuses is counted, not only the
 * first one (the one told to slow down): the limiter simply never calls `next` for the rest.
 */
export function countRefusals(
  limiter: MiddlewareFn<BotContext>,
  metrics: BotMetrics | undefined,
): MiddlewareFn<BotContext> {
  if (!metrics) return limiter;
  return async (ctx, next) => {
    let passed = false;
    await limiter(ctx, () => {
      passed = true;
      return next();
    });
    if (!passed && ctx.message) metrics.question(ctx.chat?.type ?? 'unknown', 'rate_limited');
  };
}
