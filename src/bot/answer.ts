import type { Lang, Section } from '../knowledge/types.js';
import type { MatchResult } from '../match/match-question.js';
import { localizeSection, sectionText } from '../match/localize.js';
import { matchTuning } from '../match/tuning.js';
import { escapeHtml, markdownToHtmlBlocks, sourcesLine, splitIntoMessages } from './render.js';
import { repliesFor } from './replies.js';

/** A button under a reply; `data` is callback data (at most 64 bytes). */
export interface ReplyButton {
  text: string;
  data: string;
}

/** A button that opens a link instead of calling the bot back. */
export interface UrlButton {
  text: string;
  url: string;
}

/** A reply before it meets Telegram: HTML messages, with the buttons for the last one. */
export interface ComposedReply {
  messages: string[];
  buttons: ReplyButton[][];
  /** The section answered with, if any, for logs and feedback. */
  sectionId: string | undefined;
}

const LANG_CODES: Readonly<Record<Lang, string>> = { en: 'e', 'zh-Hans': 's', 'zh-Hant': 't' };

/**
 * Why a section button is there: one of the matcher's alternatives or a topic of a list (`s:`),
 * or a follow-up the section lists as related (`r:`). Both open the section; only a pressed
 * alternative tells that the answer given was not the one wanted.
 */
export type SectionButtonKind = 'alternative' | 'related';

const KIND_PREFIX: Readonly<Record<SectionButtonKind, string>> = { alternative: 's', related: 'r' };

/**
 * Callback data of a "show this section" button: `s:<lang>:<id>` (or `r:` for a follow-up). The
 * language rides along so that the section opens in the language of the question, whoever
 * presses the button.
 */
export function showSectionData(
  id: string,
  lang: Lang,
  kind: SectionButtonKind = 'alternative',
): string {
  return `${KIND_PREFIX[kind]}:${LANG_CODES[lang]}:${id}`;
}

/** Reads {@link showSectionData}; undefined for anything else (old or forged buttons). */
export function parseShowSectionData(
  data: string,
): { id: string; lang: Lang; kind: SectionButtonKind } | undefined {
  const match = /^([sr]):([est]):([a-z0-9-]{1,60})$/.exec(data);
  if (!match) return undefined;
  const lang = (Object.keys(LANG_CODES) as Lang[]).find((l) => LANG_CODES[l] === match[2]);
  const kind: SectionButtonKind = match[1] === 'r' ? 'related' : 'alternative';
  return lang && match[3] ? { id: match[3], lang, kind } : undefined;
}

/**
 * Renders one section as HTML messages: bold title, the body, then its sources line, split to
 * fit Telegram. A section not written in the asker's language is shown in `fallback` (the
 * knowledge's default language), after one line saying so.
 */
export function renderSection(section: Section, lang: Lang, fallback?: string): string[] {
  return [...renderedFor(section, lang, fallback).messages];
}

/** What a section looks like to an asker of one language: computed once per snapshot. */
interface RenderedSection {
  messages: readonly string[];
  /** The related buttons, against the section list they were looked up in. */
  related?: { sections: readonly Section[]; rows: readonly ReplyButton[][] };
}

// A section of a loaded snapshot never changes (a reload makes new ones, and the old are then
// collected with their entries), and every answer with it renders the same messages: the
// Markdown lexing, link checks and splitting are done once per section and language.
const rendered = new WeakMap<Section, Map<string, RenderedSection>>();

function renderedFor(section: Section, lang: Lang, fallback: string | undefined): RenderedSection {
  let byLang = rendered.get(section);
  if (!byLang) {
    byLang = new Map();
    rendered.set(section, byLang);
  }
  const key = fallback === undefined ? lang : `${lang} ${fallback}`;
  let entry = byLang.get(key);
  if (!entry) {
    entry = { messages: Object.freeze(renderFresh(section, lang, fallback)) };
    byLang.set(key, entry);
  }
  return entry;
}

function renderFresh(section: Section, lang: Lang, fallback?: string): string[] {
  const localized = localizeSection(section, lang, fallback);
  const { text } = localized;
  const sources = sourcesLine(repliesFor(lang).sources, section.sources ?? []);
  return splitIntoMessages([
    ...(localized.substituted ? [repliesFor(lang).otherLanguage(localized.lang)] : []),
    `<b>${escapeHtml(text.title)}</b>`,
    ...markdownToHtmlBlocks(text.body),
    ...(sources === undefined ? [] : [sources]),
  ]);
}

/**
 * The deep link that opens a section in a private chat with the bot: `/start <id>` then shows
 * it (welcome.ts). Section ids are valid start payloads (the knowledge schema sees to it).
 */
export function shareLink(botUsername: string, sectionId: string): string {
  return `https://t.me/${botUsername}?start=${sectionId}`;
}

/** Callback data of a vote button: `v:<question id>:u` (👍) or `:d` (👎), far below 64 bytes. */
export function voteData(questionId: number, value: 1 | -1): string {
  return `v:${questionId}:${value === 1 ? 'u' : 'd'}`;
}

/** Reads {@link voteData}; undefined for anything else. */
export function parseVoteData(data: string): { questionId: number; value: 1 | -1 } | undefined {
  const match = /^v:([1-9][0-9]{0,15}):([ud])$/.exec(data);
  if (!match) return undefined;
  const questionId = Number(match[1]);
  if (!Number.isSafeInteger(questionId)) return undefined;
  return { questionId, value: match[2] === 'u' ? 1 : -1 };
}

/**
 * The row under an answer: 👍 and 👎 when the question was recorded (the buttons need its id),
 * and the share link to the section.
 */
export function answerActions(
  sectionId: string,
  lang: Lang,
  botUsername: string,
  questionId: number | undefined,
): (ReplyButton | UrlButton)[] {
  const replies = repliesFor(lang);
  const votes =
    questionId === undefined
      ? []
      : [
          { text: replies.voteUpButton, data: voteData(questionId, 1) },
          { text: replies.voteDownButton, data: voteData(questionId, -1) },
        ];
  return [...votes, { text: replies.shareButton, url: shareLink(botUsername, sectionId) }];
}

/** One line per section: its title, linked to its deep link, for the /topics message. */
export function topicLinkLines(
  sections: readonly Section[],
  lang: Lang,
  botUsername: string,
  fallback?: string,
): string[] {
  return sections.map((s) => {
    const href = escapeHtml(shareLink(botUsername, s.id));
    return `• <a href="${href}">${escapeHtml(sectionText(s, lang, fallback).title)}</a>`;
  });
}

function sectionButton(section: Section, lang: Lang, fallback?: string): ReplyButton[] {
  return [
    { text: sectionText(section, lang, fallback).title, data: showSectionData(section.id, lang) },
  ];
}

/**
 * A knowledge base of up to this many sections lists them all at once; a larger one a page of
 * `TOPICS_PER_PAGE` at a time. Telegram takes at most 100 buttons under a message (more and
 * the message is refused), and a wall of them is no list to choose from.
 */
export const TOPIC_LIST_MAX = 50;
export const TOPICS_PER_PAGE = 20;

/** How many pages the topic list of `sections` has (1 when it is shown whole). */
export function topicPageCount(sections: readonly Section[]): number {
  return sections.length <= TOPIC_LIST_MAX ? 1 : Math.ceil(sections.length / TOPICS_PER_PAGE);
}

/**
 * The topic list as one button per section: all of them, or for a large knowledge base the
 * sections of one page (counted from 0, kept within the pages there are) and a row to turn it.
 */
export function topicButtons(
  sections: readonly Section[],
  lang: Lang,
  fallback?: string,
  page = 0,
): ReplyButton[][] {
  const pages = topicPageCount(sections);
  if (pages === 1) return sections.map((s) => sectionButton(s, lang, fallback));
  const at = Math.min(Math.max(page, 0), pages - 1);
  const replies = repliesFor(lang);
  const turn: ReplyButton[] = [];
  if (at > 0) turn.push({ text: replies.topicsPrevious, data: topicPageData(lang, at - 1) });
  if (at < pages - 1) turn.push({ text: replies.topicsNext, data: topicPageData(lang, at + 1) });
  return [
    ...sections
      .slice(at * TOPICS_PER_PAGE, (at + 1) * TOPICS_PER_PAGE)
      .map((s) => sectionButton(s, lang, fallback)),
    turn,
  ];
}

/**
 * Callback data of a topic-list button: `p:<lang>:<page>` turns the list it is under to that
 * page, `l:<lang>` sends the list anew (under a no-answer, whose nearest topics stay).
 */
export function topicPageData(lang: Lang, page: number): string {
  return `p:${LANG_CODES[lang]}:${page}`;
}

export function topicListData(lang: Lang): string {
  return `l:${LANG_CODES[lang]}`;
}

/** Reads {@link topicPageData} and {@link topicListData} (page 0); undefined for anything else. */
export function parseTopicListData(
  data: string,
): { lang: Lang; page: number; turn: boolean } | undefined {
  const match = /^(?:p:([est]):([0-9]{1,6})|l:([est]))$/.exec(data);
  if (!match) return undefined;
  const code = match[1] ?? match[3];
  const lang = (Object.keys(LANG_CODES) as Lang[]).find((l) => LANG_CODES[l] === code);
  if (!lang) return undefined;
  return { lang, page: Number(match[2] ?? 0), turn: match[1] !== undefined };
}

/** A "see also" button per section `section` lists as related, titled in the asker's language. */
export function relatedButtons(
  section: Section,
  sections: readonly Section[],
  lang: Lang,
  fallback?: string,
): ReplyButton[][] {
  const entry = renderedFor(section, lang, fallback);
  if (entry.related?.sections !== sections)
    entry.related = { sections, rows: relatedFresh(section, sections, lang, fallback) };
  return [...entry.related.rows];
}

function relatedFresh(
  section: Section,
  sections: readonly Section[],
  lang: Lang,
  fallback?: string,
): ReplyButton[][] {
  const replies = repliesFor(lang);
  return section.related.flatMap((id) => {
    const target = sections.find((s) => s.id === id);
    if (!target) return [];
    const title = sectionText(target, lang, fallback).title;
    return [[{ text: replies.seeAlsoButton(title), data: showSectionData(id, lang, 'related') }]];
  });
}

/**
 * The score from which an unanswered question's best sections are offered first: that of the
 * matcher's alternatives, `alternativeFloor` of the threshold.
 */
export function nearFloor(threshold: number): number {
  return threshold * matchTuning.answer.alternativeFloor;
}

/**
 * Builds the reply to a matched question: the section with its related topics as buttons, or an
 * honest "no answer" with the topic list, the sections that scored at least `nearFloor` first.
 * In groups the topic list is left out: a wall of buttons in a shared chat is noise.
 */
export function composeAnswer(
  result: MatchResult,
  sections: readonly Section[],
  options: { lang?: Lang; inGroup?: boolean; fallback?: string; nearFloor?: number } = {},
): ComposedReply {
  const lang = options.lang ?? result.lang;
  const { fallback } = options;
  const replies = repliesFor(lang);
  if (!result.section) {
    if (options.inGroup)
      return { messages: [replies.noAnswerInGroup], buttons: [], sectionId: undefined };
    // The sections that came near the threshold, which the asker most likely wanted.
    const floor = options.nearFloor ?? Infinity;
    const nearest = [result.best, ...result.alternatives].flatMap((s) =>
      s && s.score >= floor ? [s.section] : [],
    );
    if (topicPageCount(sections) === 1) {
      const rest = sections.filter((s) => !nearest.includes(s));
      return {
        messages: [replies.noAnswer],
        buttons: topicButtons([...nearest, ...rest], lang, fallback),
        sectionId: undefined,
      };
    }
    // Too many topics to list: the nearest ones the matcher found, and the list a page at a time.
    return {
      messages: [nearest.length > 0 ? replies.noAnswerNearest : replies.noAnswerAsk],
      buttons: [
        ...nearest.map((s) => sectionButton(s, lang, fallback)),
        [{ text: replies.topicsButton, data: topicListData(lang) }],
      ],
      sectionId: undefined,
    };
  }
  return {
    messages: renderSection(result.section, lang, fallback),
    buttons: [
      ...result.alternatives.map((alt) => sectionButton(alt.section, lang, fallback)),
      ...relatedButtons(result.section, sections, lang, fallback),
    ],
    sectionId: result.section.id,
  };
}
