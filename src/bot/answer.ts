import type { Lang, Section } from '../knowledge/types.js';
import type { MatchResult } from '../match/match-question.js';
import { sectionText } from '../match/localize.js';
import { escapeHtml, markdownToHtmlBlocks, splitIntoMessages } from './render.js';
import { repliesFor } from './replies.js';

/** A button under a reply; `data` is callback data (at most 64 bytes). */
export interface ReplyButton {
  text: string;
  data: string;
}

/** A reply before it meets Telegram: HTML messages, with the buttons for the last one. */
export interface ComposedReply {
  messages: string[];
  buttons: ReplyButton[][];
  /** The section answered with, if any, for logs and feedback. */
  sectionId: string | undefined;
}

/** Callback data prefixes; the bot's callback handler dispatches on them. */
export const CALLBACK = Object.freeze({ show: 's:', topics: 't:' });

/** Renders one section as HTML messages: bold title, then the body, split to fit Telegram. */
export function renderSection(section: Section, lang: Lang): string[] {
  const text = sectionText(section, lang);
  return splitIntoMessages([
    `<b>${escapeHtml(text.title)}</b>`,
    ...markdownToHtmlBlocks(text.body),
  ]);
}

function sectionButton(section: Section, lang: Lang): ReplyButton[] {
  return [{ text: sectionText(section, lang).title, data: CALLBACK.show + section.id }];
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
