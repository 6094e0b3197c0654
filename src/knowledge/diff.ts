import type { Knowledge } from './types.js';

/** What a reload changed, by section id. */
export interface KnowledgeDiff {
  added: string[];
  removed: string[];
  changed: string[];
  synonymsChanged: boolean;
}

/** Compares two knowledge bases section by section, for the reload summary. */
export function diffKnowledge(before: Knowledge, after: Knowledge): KnowledgeDiff {
  const old = new Map(before.sections.map((s) => [s.id, JSON.stringify(s.text)]));
  const now = new Map(after.sections.map((s) => [s.id, JSON.stringify(s.text)]));
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed: [...now].filter(([id, text]) => old.has(id) && old.get(id) !== text).map(([id]) => id),
    synonymsChanged: JSON.stringify(before.synonyms) !== JSON.stringify(after.synonyms),
  };
}
