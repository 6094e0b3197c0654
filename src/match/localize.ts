import type { Section, SectionText } from '../knowledge/types.js';
import { toSimplified, toTraditional } from './chinese.js';

// Converted texts, once per section and direction.
const converted = new WeakMap<Section, Map<string, SectionText>>();

/** A section's text for one asker, and the language it is actually in. */
export interface LocalizedText {
  text: SectionText;
  /** The language the text is in: the asker's, or the fallback when the section lacks it. */
  lang: string;
  /** True when the section has no version in the asker's language. */
  substituted: boolean;
}

/**
 * The section's text in `lang` when it has one: its own block, or the other Chinese script
 * converted with opencc (a written `zh-Hant` block wins over the conversion from `zh-Hans`).
 */
export function ownText(section: Section, lang: string): SectionText | undefined {
  const own = section.text[lang];
  if (own) return own;
  const source = lang === 'zh-Hant' ? 'zh-Hans' : lang === 'zh-Hans' ? 'zh-Hant' : undefined;
  const from = source === undefined ? undefined : section.text[source];
  if (!from) return undefined;
  let cache = converted.get(section);
  if (!cache) converted.set(section, (cache = new Map()));
  let text = cache.get(lang);
  if (!text) {
    const convert = lang === 'zh-Hant' ? toTraditional : toSimplified;
    text = {
      title: convert(from.title),
      body: convert(from.body),
      questions: from.questions.map(convert),
      keywords: from.keywords,
    };
    cache.set(lang, text);
  }
  return text;
}

/**
 * The text to answer an asker of `lang` with: the section's own (or converted) version, else
 * the knowledge's `fallback` language, else the section's first language.
 */
export function localizeSection(section: Section, lang: string, fallback?: string): LocalizedText {
  const own = ownText(section, lang);
  if (own) return { text: own, lang, substituted: false };
  for (const other of [...(fallback === undefined ? [] : [fallback]), ...section.langs]) {
    const text = ownText(section, other);
    if (text) return { text, lang: other, substituted: true };
  }
  throw new Error(`section "${section.id}" has no text`);
}

/** The section's text for an asker of `lang` (see {@link localizeSection}). */
export function sectionText(section: Section, lang: string, fallback?: string): SectionText {
  return localizeSection(section, lang, fallback).text;
}
