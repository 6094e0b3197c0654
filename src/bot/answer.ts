import type { Lang, Section } from '../knowledge/types.js';
import type { MatchResult } from '../match/match-question.js';
import { sectionText } from '../match/localize.js';
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
 * Callback data of a "show this section" button: `s:<lang>:<id>`. The language rides along so
 * that the section opens in the language of the question, whoever presses the button.
 */
export function showSectionData(id: string, lang: Lang): string {
  return `s:${LANG_CODES[lang]}:${id}`;
}

/** Reads {@link showSectionData}; undefined for anything else (old or forged buttons). */
export function parseShowSectionData(data: string): { id: string; lang: Lang } | undefined {
  const match = /^s:([est]):([a-z0-9-]{1,60})$/.exec(data);
  if (!match) return undefined;
  const lang = (Object.keys(LANG_CODES) as Lang[]).find((l) => LANG_CODES[l] === match[1]);
  return lang && match[2] ? { id: match[2], lang } : undefined;
}

/**
 * Renders one section as HTML messages: bold title, the body, then its sources line, split to fit
 * Telegram.
 */
export function renderSection(section: Section, lang: Lang): string[] {
  const text = sectionText(section, lang);
  const sources = sourcesLine(repliesFor(lang).sources, section.sources ?? []);
  return splitIntoMessages([
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
): string[] {
  return sections.map((s) => {
    const href = escapeHtml(shareLink(botUsername, s.id));
    return `• <a href="${href}">${escapeHtml(sectionText(s, lang).title)}</a>`;
  });
}

function sectionButton(section: Section, lang: Lang): ReplyButton[] {
  return [{ text: sectionText(section, lang).title, data: showSectionData(section.id, lang) }];
}

/** The topic list as one button per section. */
export function topicButtons(sections: readonly Section[], lang: Lang): ReplyButton[][] {
  return sections.map((s) => sectionButton(s, lang));
}

/**
 * Builds the reply to a matched question: the section with its related topics as buttons, or an
 * honest "no answer" with the topic list. In groups the topic list is left out: a wall of
 * buttons in a shared chat is noise.
 */
export function composeAnswer(
  result: MatchResult,
  sections: readonly Section[],
  options: { lang?: Lang; inGroup?: boolean } = {},
): ComposedReply {
  const lang = options.lang ?? result.lang;
  const replies = repliesFor(lang);
  if (!result.section) {
    return options.inGroup
      ? { messages: [replies.noAnswerInGroup], buttons: [], sectionId: undefined }
      : {
          messages: [replies.noAnswer],
          buttons: topicButtons(sections, lang),
          sectionId: undefined,
        };
  }
  return {
    messages: renderSection(result.section, lang),
    buttons: result.alternatives.map((alt) => sectionButton(alt.section, lang)),
    sectionId: result.section.id,
  };
}
