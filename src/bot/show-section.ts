import { GrammyError } from 'grammy';
import type { Lang, Section } from '../knowledge/types.js';
import {
  relatedButtons,
  renderSection,
  shareLink,
  topicButtons,
  topicLinkLines,
  topicPageCount,
} from './answer.js';
import type { BotContext } from './context.js';
import type { BotDeps } from './deps.js';
import { MESSAGE_LIMIT } from './render.js';
import { repliesFor } from './replies.js';
import { sendHtmlMessages, toKeyboard } from './send.js';

/**
 * Sends one section by id (deep links, topic buttons), with its share link. An id that no
 * longer exists, after a reload removed it, gets the current topic list instead of an error.
 */
export async function showSection(
  ctx: BotContext,
  deps: BotDeps,
  id: string,
  lang: Lang,
): Promise<boolean> {
  const { knowledge } = deps.store.current;
  const fallback = knowledge.languages.fallback;
  const section = knowledge.sections.find((s) => s.id === id);
  if (!section) {
    await sendHtmlMessages(ctx, [repliesFor(lang).unknownSection], {
      buttons: topicButtons(knowledge.sections, lang, fallback),
    });
    return false;
  }
  // A section opened from a button or a link offers its own follow-ups too.
  await sendHtmlMessages(ctx, renderSection(section, lang, fallback), {
    buttons: [
      ...relatedButtons(section, knowledge.sections, lang, fallback),
      [{ text: repliesFor(lang).shareButton, url: shareLink(ctx.me.username, id) }],
    ],
  });
  deps.logger.info(
    { update: ctx.update.update_id, chat: ctx.chat?.type, section: id, lang },
    'section shown',
  );
  return true;
}

/**
 * Sends the topic list: each section as a line linked to its deep link (to copy and share),
 * and one button per section (to open it here).
 */
export async function showTopics(ctx: BotContext, deps: BotDeps, lang: Lang): Promise<void> {
  const { knowledge } = deps.store.current;
  const fallback = knowledge.languages.fallback;
  if (topicPageCount(knowledge.sections) > 1) {
    // Listed whole, a large knowledge base would take dozens of messages: a page at a time.
    await sendHtmlMessages(ctx, [topicsPageText(knowledge.sections, lang, 0)], {
      buttons: topicButtons(knowledge.sections, lang, fallback, 0),
    });
    return;
  }
  const text = repliesFor(lang).topicsWithLinks(
    topicLinkLines(knowledge.sections, lang, ctx.me.username, fallback),
  );
  await sendHtmlMessages(ctx, packLines(text, MESSAGE_LIMIT), {
    buttons: topicButtons(knowledge.sections, lang, fallback),
  });
}

/**
 * Turns the topic list the pressed button is under to `page` (of the current knowledge, which
 * a reload may have shortened: the page is kept within it).
 */
export async function turnTopicsPage(
  ctx: BotContext,
  deps: BotDeps,
  lang: Lang,
  page: number,
): Promise<void> {
  const { knowledge } = deps.store.current;
  const fallback = knowledge.languages.fallback;
  const pages = topicPageCount(knowledge.sections);
  const at = Math.min(page, pages - 1);
  const buttons = topicButtons(knowledge.sections, lang, fallback, at);
  const text = pages > 1 ? topicsPageText(knowledge.sections, lang, at) : repliesFor(lang).topics;
  try {
    await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: toKeyboard(buttons) });
  } catch (error) {
    // Pressed twice, the page is already shown; anything else (a message too old to edit)
    // gets the page as a new message.
    if (error instanceof GrammyError && /not modified/i.test(error.description)) return;
    await sendHtmlMessages(ctx, [text], { buttons });
  }
}

function topicsPageText(sections: readonly Section[], lang: Lang, page: number): string {
  return repliesFor(lang).topicsPage(page + 1, topicPageCount(sections), sections.length);
}

// A long topic list is cut between lines (each line is whole HTML), never inside a link.
function packLines(text: string, limit: number): string[] {
  const messages: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const joined = current === '' ? line : `${current}\n${line}`;
    if (joined.length <= limit || current === '') current = joined;
    else {
      messages.push(current);
      current = line;
    }
  }
  if (current.trim() !== '') messages.push(current);
  return messages;
}
