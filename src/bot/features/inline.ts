import { Composer, InlineKeyboard } from 'grammy';
import type { InlineQueryResult, InlineQueryResultsButton } from 'grammy/types';
import type { Lang, Section } from '../../knowledge/types.js';
import { detectLanguage } from '../../match/language.js';
import { sectionText } from '../../match/localize.js';
import { matchQuestion } from '../../match/match-question.js';
import { normalizeText } from '../../match/normalize.js';
import { renderSection, shareLink } from '../answer.js';
import { userLang, type BotContext } from '../context.js';
import { nowOf, type BotDeps } from '../deps.js';
import { htmlToPlain, markdownToHtmlBlocks } from '../render.js';
import { repliesFor } from '../replies.js';
import { WELCOME_PAYLOAD } from './welcome.js';

/** How long Telegram, and this process, may reuse the results of one query. */
export const INLINE_CACHE_SECONDS = 30;
/** The most results a question gets: the answer and up to four alternatives. */
export const INLINE_MAX_RESULTS = 5;
// Telegram accepts up to 50 results; the topic list stays below it.
const MAX_TOPIC_RESULTS = 50;
const DESCRIPTION_CHARS = 100;
const CACHE_CAPACITY = 1000;
const LANGS: readonly Lang[] = ['zh-Hans', 'zh-Hant', 'en'];

interface InlineAnswer {
  results: InlineQueryResult[];
  /** The answer depends on the asker's interface language, not only on the query. */
  personal: boolean;
  button: InlineQueryResultsButton | undefined;
}

/**
 * Inline mode: `@bot <question>` in any chat lists the matching sections (best first, each the
 * whole section as the message, in the language of the question); an empty query lists every
 * topic. Inline mode must be switched on in @BotFather (`/setinline`).
 */
export function inlineFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  // Typing sends a query per keystroke, often the same one from many people: the answers are
  // kept briefly, per knowledge version, so a reload is seen at once.
  const cache = new Map<string, { expires: number; answer: InlineAnswer }>();

  composer.on('inline_query', async (ctx) => {
    const query = ctx.inlineQuery.query.trim();
    const { version } = deps.store.current;
    const fallback = userLang(ctx);
    const lang = query === '' ? fallback : detectLanguage(query, fallback);
    // The empty query (the topic list) has a key no question can have: a query of emoji only
    // normalises to nothing, and must not be given the topic list.
    const key = `${version}\u0000${lang}\u0000${query === '' ? '' : `q:${normalizeText(query)}`}`;
    const now = nowOf(deps).getTime();
    const cached = cache.get(key);
    const hit = cached !== undefined && cached.expires > now;
    let answer = hit ? cached.answer : undefined;
    if (!answer) {
      answer = buildAnswer(deps, query, lang, ctx.me.username);
      if (cache.size >= CACHE_CAPACITY) {
        for (const [k, v] of cache) if (v.expires <= now) cache.delete(k);
        if (cache.size >= CACHE_CAPACITY) cache.clear();
      }
      cache.set(key, { expires: now + INLINE_CACHE_SECONDS * 1000, answer });
    }
    await ctx.answerInlineQuery(answer.results, {
      cache_time: INLINE_CACHE_SECONDS,
      is_personal: answer.personal,
      ...(answer.button ? { button: answer.button } : {}),
    });
    deps.logger.info(
      {
        update: ctx.update.update_id,
        lang,
        results: answer.results.length,
        first: answer.results[0]?.id ?? null,
        cached: hit,
      },
      'inline query',
    );
  });

  return composer;
}

function buildAnswer(deps: BotDeps, query: string, lang: Lang, botUsername: string): InlineAnswer {
  const { index, knowledge } = deps.store.current;
  if (query === '') {
    return {
      results: knowledge.sections
        .slice(0, MAX_TOPIC_RESULTS)
        .map((s) => sectionResult(s, lang, botUsername)),
      personal: true,
      button: undefined,
    };
  }
  const threshold = deps.settings.threshold;
  const result = matchQuestion(index, query, {
    fallbackLang: lang,
    maxAlternatives: INLINE_MAX_RESULTS - 1,
    ...(threshold === undefined ? {} : { threshold }),
  });
  const sections = result.section
    ? [result.section, ...result.alternatives.map((a) => a.section)]
    : [];
  return {
    results: sections
      .slice(0, INLINE_MAX_RESULTS)
      .map((s) => sectionResult(s, result.lang, botUsername)),
    // Text without letters takes the asker's language; anything else answers alike for all.
    personal: LANGS.some((l) => detectLanguage(query, l) !== lang),
    button:
      sections.length === 0
        ? { text: repliesFor(lang).inlineNoAnswer, start_parameter: WELCOME_PAYLOAD }
        : undefined,
  };
}

/** One section as an article: its title, a line of its text, the section as the message. */
function sectionResult(section: Section, lang: Lang, botUsername: string): InlineQueryResult {
  const text = sectionText(section, lang);
  // A section longer than one message is sent in its first part; the share link opens it all.
  const [message = ''] = renderSection(section, lang);
  return {
    type: 'article',
    id: section.id,
    title: text.title,
    description: oneLine(text.body),
    input_message_content: {
      message_text: message,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    },
    reply_markup: new InlineKeyboard().url(
      repliesFor(lang).shareButton,
      shareLink(botUsername, section.id),
    ),
  };
}

// The first paragraph of the body as plain text, on one line, cut with an ellipsis.
function oneLine(markdown: string): string {
  const first = markdownToHtmlBlocks(markdown)[0] ?? '';
  const plain = htmlToPlain(first).replace(/\s+/gu, ' ').trim();
  const chars = Array.from(plain);
  return chars.length > DESCRIPTION_CHARS
    ? `${chars.slice(0, DESCRIPTION_CHARS - 1).join('')}…`
    : plain;
}
