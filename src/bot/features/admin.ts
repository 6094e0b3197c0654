import path from 'node:path';
import { Composer } from 'grammy';
import { formatProblem, type KnowledgeProblem } from '../../knowledge/errors.js';
import { reloadKnowledge } from '../../reload-knowledge.js';
import { userLang, type BotContext } from '../context.js';
import type { BotDeps, BotSettings } from '../deps.js';
import { repliesFor } from '../replies.js';
import { sendHtmlMessages } from '../send.js';

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

/** `/reload`: admins re-read the knowledge; a broken edit is reported and the good copy kept. */
export function adminFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command('reload', async (ctx) => {
    const replies = repliesFor(userLang(ctx));
    if (!isAdmin(ctx, deps.settings)) {
      deps.logger.warn(
        { update: ctx.update.update_id, user: ctx.from?.id },
        'reload refused: not an admin',
      );
      await sendHtmlMessages(ctx, [replies.reloadRefused]);
      return;
    }
    const outcome = await reloadKnowledge(deps.store, deps.logger, { user: ctx.from?.id });
    if (outcome.ok) {
      await sendHtmlMessages(ctx, [replies.reloadOk(outcome)]);
    } else {
      const errors = problemsForChat(outcome.error.problems, deps.store.dir);
      await sendHtmlMessages(ctx, [replies.reloadFailed(errors.slice(0, 3500))]);
    }
  });

  return composer;
}

/**
 * Knowledge problems as chat text: one line each, with the server's path to the knowledge folder
 * written as KNOWLEDGE_DIR, since a chat (a group even) is no place for the server's layout.
 */
export function problemsForChat(problems: readonly KnowledgeProblem[], dir: string): string {
  const text = problems.map(formatProblem).join('\n');
  const paths = [path.resolve(dir), dir].filter((p) => p.length > 1);
  return paths.reduce((out, p) => out.split(p).join('KNOWLEDGE_DIR'), text);
}
