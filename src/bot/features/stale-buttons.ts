import { Composer } from 'grammy';
import { userLang, type BotContext } from '../context.js';
import { repliesFor } from '../replies.js';

/**
 * Answers any button press no other feature took (a button from an older version of the bot,
 * or forged data): without an answer the button's spinner runs until Telegram gives up.
 */
export function staleButtonsFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('callback_query', (ctx) =>
    ctx.answerCallbackQuery({ text: repliesFor(userLang(ctx)).unknownSection }),
  );
  return composer;
}
