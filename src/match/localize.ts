import type { Lang, Section, SectionLang, SectionText } from '../knowledge/types.js';
import { toTraditional } from './chinese.js';

const cache = new WeakMap<Section, SectionText>();

/**
 * The section's text in the asker's language. Traditional Chinese is converted from the
 * Simplified text (once per section, then cached), so editors maintain two languages, not three.
 */
export function sectionText(section: Section, lang: Lang): SectionText {
  if (lang !== 'zh-Hant') return section.text[lang];
  let text = cache.get(section);
  if (!text) {
    const zh = section.text['zh-Hans'];
    text = {
      title: toTraditional(zh.title),
      body: toTraditional(zh.body),
      questions: zh.questions.map(toTraditional),
      keywords: zh.keywords,
    };
    cache.set(section, text);
  }
  return text;
}

/** The language a section is stored in that serves an asker of `lang`. */
export function storedLang(lang: Lang): SectionLang {
  return lang === 'en' ? 'en' : 'zh-Hans';
}
