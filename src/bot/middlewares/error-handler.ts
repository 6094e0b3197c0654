import type { BotError } from 'grammy';
import { GrammyError, HttpError, type ErrorHandler } from 'grammy';
import type { Logger } from '../../logger.js';
import type { BotContext } from '../context.js';

/**
 * Logs a failed update with its id and carries on: one bad update never stops the bot. A 403
 * (the user blocked the bot, or it was removed from the group) is logged once per chat, since
 * retrying cannot help and repeating it would only flood the log.
 */
export function errorHandler(logger: Logger): ErrorHandler<BotContext> {
  const forbidden = new Set<number>();
  return (error: BotError<BotContext>) => {
    const update = error.ctx.update.update_id;
    const chat = error.ctx.chat?.id;
    const cause = error.error;
    if (cause instanceof GrammyError && cause.error_code === 403) {
      if (chat !== undefined && forbidden.has(chat)) return;
      if (chat !== undefined) forbidden.add(chat);
      logger.warn(
        { update, chat, description: cause.description },
        'forbidden: the bot cannot write to this chat',
      );
      return;
    }
    if (cause instanceof GrammyError) {
      logger.error(
        {
          update,
          chat,
          method: cause.method,
          code: cause.error_code,
          description: cause.description,
        },
        'Telegram rejected a call',
      );
    } else if (cause instanceof HttpError) {
      logger.error(
        { update, chat, error: String(cause.error) },
        'network error talking to Telegram',
      );
    } else {
      logger.error({ update, chat, err: cause }, 'update failed');
    }
  };
}
