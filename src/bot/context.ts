import type { Context } from 'grammy';
import type { Lang } from '../knowledge/types.js';

/** The bot's context type. Features take it, so a later flavour is added in one place. */
export type BotContext = Context;

/**
 * The language to reply in when the text itself does not tell: the user's Telegram interface
 * language, mapped to the three the bot speaks.
 */
export function userLang(ctx: BotContext): Lang {
  const code = ctx.from?.language_code?.toLowerCase() ?? '';
  if (/^zh[-_](hant|tw|hk|mo)/.test(code)) return 'zh-Hant';
  if (code.startsWith('zh')) return 'zh-Hans';
  return 'en';
}
