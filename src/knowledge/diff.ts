import type { Knowledge, Section, SectionText } from './types.js';

/** What a reload changed, by section id. */
export interface KnowledgeDiff {
  added: string[];
  removed: string[];
  changed: string[];
  synonymsChanged: boolean;
}

/** Compares two knowledge bases section by section, for the reload summary. */
export function diffKnowledge(before: Knowledge, after: Knowledge): KnowledgeDiff {
  const old = new Map(before.sections.map((s) => [s.id, s]));
  const now = new Map(after.sections.map((s) => [s.id, s]));
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed: after.sections
      .filter((s) => {
        const previous = old.get(s.id);
        return previous !== undefined && !sameSection(previous, s);
      })
      .map((s) => s.id),
    synonymsChanged: !sameLists(before.synonyms, after.synonyms),
  };
}

// Field by field, without serialising: a reload of thousands of sections compares them all.
function sameSection(a: Section, b: Section): boolean {
  return (
    sameStrings(a.langs, b.langs) &&
    sameStrings(a.related, b.related) &&
    sameStrings(a.sources ?? [], b.sources ?? []) &&
    a.langs.every((lang) => sameText(a.text[lang], b.text[lang]))
  );
}

function sameText(a: SectionText | undefined, b: SectionText | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.title === b.title &&
    a.body === b.body &&
    sameStrings(a.questions, b.questions) &&
    sameStrings(a.keywords, b.keywords)
  );
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function sameLists(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  return a.length === b.length && a.every((group, i) => sameStrings(group, b[i] ?? []));
}
