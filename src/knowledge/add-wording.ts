import type { YAMLSeq } from 'yaml';
import { yaml } from './yaml-library.js';
import type { Section } from './types.js';

/** The outcome of adding a wording to a section file's text. */
export type AddWordingResult =
  | { ok: true; text: string; lang: string; questions: number }
  | { ok: false; reason: 'present' | 'unreadable'; lang: string };

/**
 * The list a wording in `askedIn` joins: that language's when the section is written in it,
 * the other Chinese script's (the matcher reads both as one), else the section's first.
 */
export function wordingLanguage(section: Section, askedIn: string): string {
  if (section.text[askedIn]) return askedIn;
  const other = askedIn === 'zh-Hant' ? 'zh-Hans' : askedIn === 'zh-Hans' ? 'zh-Hant' : undefined;
  if (other !== undefined && section.text[other]) return other;
  return section.langs[0] ?? askedIn;
}

/**
 * Adds `wording` to `questions.<lang>` in the front matter of a section file, leaving the rest
 * of the file (the body, comments, the other keys) as written. Pure: the caller writes it.
 */
export function addWording(source: string, lang: string, wording: string): AddWordingResult {
  const bom = source.startsWith('\uFEFF') ? '\uFEFF' : '';
  const text = source.slice(bom.length);
  const match = /^---\r?\n([\s\S]*?\r?\n)?---[ \t]*(\r?\n|$)/.exec(text);
  if (!match) return { ok: false, reason: 'unreadable', lang };
  const doc = yaml().parseDocument(match[1] ?? '');
  if (doc.errors.length > 0 || !yaml().isMap(doc.contents))
    return { ok: false, reason: 'unreadable', lang };
  const questions = doc.get('questions', true);
  if (!yaml().isMap(questions)) return { ok: false, reason: 'unreadable', lang };
  const existing = questions.get(lang, true);
  const line = wording.replace(/\s+/g, ' ').trim();
  let count: number;
  if (yaml().isSeq(existing)) {
    const items = (existing as YAMLSeq<unknown>).toJSON() as unknown[];
    if (items.some((q) => typeof q === 'string' && q.trim().toLowerCase() === line.toLowerCase()))
      return { ok: false, reason: 'present', lang };
    existing.add(doc.createNode(line));
    count = items.length + 1;
  } else {
    questions.set(lang, doc.createNode([line]));
    count = 1;
  }
  const front = doc.toString({ lineWidth: 0 });
  return {
    ok: true,
    text: `${bom}---\n${front}---${match[2] ?? '\n'}${text.slice(match[0].length)}`,
    lang,
    questions: count,
  };
}
