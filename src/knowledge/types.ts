/** The languages a section is written in. Traditional Chinese is derived from `zh-Hans`. */
export const SECTION_LANGS = ['zh-Hans', 'en'] as const;
export type SectionLang = (typeof SECTION_LANGS)[number];

/** The languages an asker can write in, and so the languages an answer can be given in. */
export type Lang = SectionLang | 'zh-Hant';

/** One language's version of a section. */
export interface SectionText {
  title: string;
  /** Markdown, as written by the editor. */
  body: string;
  questions: readonly string[];
  keywords: readonly string[];
}

/** One answer of the knowledge base, addressed by a stable id (deep links use it). */
export interface Section {
  id: string;
  /** The file it came from, relative to the knowledge folder, for error messages and diffs. */
  file: string;
  text: Readonly<Record<SectionLang, SectionText>>;
  /** Where its facts were checked (web addresses or document names), when the editor lists them. */
  sources?: readonly string[];
}

/** A validated knowledge base: sections in topic-list order, plus the shared synonym groups. */
export interface Knowledge {
  sections: readonly Section[];
  /** Each group lists terms that mean the same to an asker; the first term names the group. */
  synonyms: readonly (readonly string[])[];
}
