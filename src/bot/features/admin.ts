import path from 'node:path';
import { Composer } from 'grammy';
import { formatProblem, type KnowledgeProblem } from '../../knowledge/errors.js';
import { reloadKnowledge } from '../../reload-knowledge.js';
import { userLang, type BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { adminsOnly, isAdmin } from '../filters/is-admin.js';
import { repliesFor } from '../replies.js';
import { sendHtmlMessages } from '../send.js';

export { GROUP_ANONYMOUS_BOT_ID, isAdmin } from '../filters/is-admin.js';

/** The commands only admins may use; their features take them through `adminsOnly`. */
export const ADMIN_COMMANDS = ['reload', 'unanswered', 'stats', 'confirm', 'cancel'];

/**
 * The admin gate and `/reload`. Anyone but an admin who sends an admin command gets the one
 * refusal, here, before any feature sees it; `/reload` re-reads the knowledge, reports a broken
 * edit and keeps the good copy.
 */
export function adminFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command(ADMIN_COMMANDS, async (ctx, next) => {
    if (isAdmin(ctx, deps.settings)) return next();
    deps.logger.warn(
      { update: ctx.update.update_id, user: ctx.from?.id, command: commandOf(ctx) },
      'admin command refused: not an admin',
    );
    await sendHtmlMessages(ctx, [repliesFor(userLang(ctx)).adminOnly]);
  });

  composer.filter(adminsOnly(deps.settings)).command('reload', async (ctx) => {
    const replies = repliesFor(userLang(ctx));
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

function commandOf(ctx: BotContext): string {
  return /^\/(\w+)/.exec(ctx.msg?.text ?? '')?.[1] ?? '';
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
