import type { KnowledgeLanguages } from './languages.js';

/**
 * A language a section is written in: a canonical BCP-47 tag the knowledge declares
 * (`knowledge.yaml`), such as `en`, `zh-Hans`, `zh-Hant` or `de`.
 */
export type SectionLang = string;

/**
 * The languages the bot recognises in a question and speaks itself. An answer is given in the
 * asker's language when the section has it (Traditional Chinese also by conversion from
 * Simplified), otherwise in the knowledge's default language.
 */
export type Lang = 'zh-Hans' | 'zh-Hant' | 'en';

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
  /** The languages it is written in, in the order of its blocks; never empty. */
  langs: readonly SectionLang[];
  /** Per language of {@link langs}. */
  text: Readonly<Partial<Record<SectionLang, SectionText>>>;
  /** Ids of the sections offered as "see also" under its answer; all exist. */
  related: readonly string[];
  /** Where its facts were checked (web addresses or document names), when the editor lists them. */
  sources?: readonly string[];
}

/** A validated knowledge base: sections in topic-list order, plus the shared synonym groups. */
export interface Knowledge {
  sections: readonly Section[];
  /** Each group lists terms that mean the same to an asker; the first term names the group. */
  synonyms: readonly (readonly string[])[];
  languages: KnowledgeLanguages;
}
