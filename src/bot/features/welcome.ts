import { Composer } from 'grammy';
import { userLang, type BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { repliesFor } from '../replies.js';
import { sendHtmlMessages } from '../send.js';
import { showSection } from '../show-section.js';

/** `/start` (with a section id as deep-link payload: `t.me/<bot>?start=esim`) and `/help`. */
export function welcomeFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command('start', async (ctx) => {
    const lang = userLang(ctx);
    const payload = ctx.match.trim();
    if (payload !== '' && (await showSection(ctx, deps, payload, lang))) return;
    const replies = repliesFor(lang);
    await sendHtmlMessages(ctx, [
      replies.welcome(ctx.from?.first_name ?? ''),
      replies.help(ctx.me.username),
    ]);
  });

  composer.command('help', async (ctx) => {
    await sendHtmlMessages(ctx, [repliesFor(userLang(ctx)).help(ctx.me.username)]);
  });

  return composer;
}
