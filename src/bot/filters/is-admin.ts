import type { BotContext } from '../context.js';
import type { BotSettings } from '../deps.js';

/** Telegram's account that stands for an anonymous group administrator. */
export const GROUP_ANONYMOUS_BOT_ID = 1087968824;

/**
 * Whether this message comes from a configured admin. Only a fresh message counts: not a
 * forward (which quotes someone else), and not an edit. An anonymous group admin counts only in
 * groups listed in ANONYMOUS_ADMIN_CHAT_IDS, since anyone with admin rights there can post as one.
 */
export function isAdmin(ctx: BotContext, settings: BotSettings): boolean {
  const msg = ctx.message;
  if (!msg || msg.forward_origin !== undefined || ctx.from === undefined) return false;
  if (ctx.from.id === GROUP_ANONYMOUS_BOT_ID) {
    return (
      msg.sender_chat?.id === msg.chat.id && settings.anonymousAdminChatIds.includes(msg.chat.id)
    );
  }
  return settings.adminIds.includes(ctx.from.id);
}

/** {@link isAdmin} as a predicate for `composer.filter`. */
export function adminsOnly(settings: BotSettings): (ctx: BotContext) => boolean {
  return (ctx) => isAdmin(ctx, settings);
}
