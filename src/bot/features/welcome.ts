import { Composer } from 'grammy';
import { userLang, type BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { greetingText } from '../greeting.js';
import { repliesFor } from '../replies.js';
import { sendHtmlMessages } from '../send.js';
import { showSection } from '../show-section.js';

/**
 * The deep-link payload that only greets (`t.me/<bot>?start=welcome`), for links that do not
 * point at a section, such as the inline "no answer" button.
 */
export const WELCOME_PAYLOAD = 'welcome';

/** `/start` (with a section id as deep-link payload: `t.me/<bot>?start=esim`) and `/help`. */
export function welcomeFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command('start', async (ctx) => {
    const lang = userLang(ctx);
    const payload = ctx.match.trim();
    const known = deps.store.current.knowledge.sections.some((s) => s.id === payload);
    // Any other payload is a section that a reload removed: showSection says so and lists the
    // topics, which is reply enough.
    const greetOnly = payload === '' || (payload === WELCOME_PAYLOAD && !known);
    if (!greetOnly) {
      await showSection(ctx, deps, payload, lang);
      return;
    }
    await sendHtmlMessages(ctx, [
      greetingText(ctx, deps.store.current.knowledge, lang),
      repliesFor(lang).help(ctx.me.username),
    ]);
  });

  composer.command('help', async (ctx) => {
    await sendHtmlMessages(ctx, [repliesFor(userLang(ctx)).help(ctx.me.username)]);
  });

  return composer;
}
