import Fuse from 'fuse.js';
import { fuzzyReach } from './fuzzy-reach.js';
import type { IndexedEntry, SearchIndex } from './search-index.js';
import { matchTuning } from './tuning.js';

const { candidates: tuning } = matchTuning;

/** A finalist and its alternate questions nearest to the question, best first. */
export interface Finalist {
  section: number;
  nearest: readonly IndexedEntry[];
}

interface FuzzyDoc {
  section: number;
  questions: string[];
  titles: string[];
  keywords: string[];
}

const FUSE_KEYS = [
  { name: 'questions', weight: tuning.fuzzyKeys.questions },
  { name: 'titles', weight: tuning.fuzzyKeys.titles },
  { name: 'keywords', weight: tuning.fuzzyKeys.keywords },
];

let finalistFuse: Fuse<FuzzyDoc> | undefined;

/**
 * Fuse.js ranks the finalists on their nearest alternate questions, titles and keywords; the
 * result is 1 − Fuse score per section it matched. It sees only those few short fields: bitap
 * over every body of every finalist would cost more than the rest of the matcher, and the body
 * already counts in the coverage.
 */
export function fuzzyScores(
  index: SearchIndex,
  finalists: readonly Finalist[],
  normalized: string,
  query: ReadonlyMap<number, number>,
): Map<number, number> {
  const pattern = normalized.slice(0, tuning.fuzzyPatternChars);
  const canMatch = fuzzyReach(pattern, tuning.fuzzyThreshold);
  const docs = finalists.map(({ section, nearest }): FuzzyDoc => ({
    section,
    questions: nearest.filter((e) => !e.isTitle && canMatch(e.text)).map((e) => e.text),
    // Only the titles and keywords that share a word with the question (the rest cannot match
    // well) and hold enough of its characters: each text Fuse.js reads costs time.
    titles: (index.titles[section] ?? [])
      .filter((e) => e.tokens.some((id) => query.has(id)) && canMatch(e.text))
      .map((e) => e.text),
    keywords: (index.keywords[section] ?? [])
      .filter((k) => k.tokens.some((id) => query.has(id)) && canMatch(k.text))
      .map((k) => k.text),
  }));
  const scores = new Map<number, number>();
  if (docs.every((d) => d.questions.length + d.titles.length + d.keywords.length === 0))
    return scores;
  // One Fuse.js per thread, given each question's few documents: building it anew per
  // question merged its options and keys every time. The matcher is synchronous, so no two
  // questions share it at once.
  finalistFuse ??= new Fuse<FuzzyDoc>([], {
    keys: FUSE_KEYS,
    includeScore: true,
    ignoreLocation: true,
    threshold: tuning.fuzzyThreshold,
    shouldSort: false,
  });
  finalistFuse.setCollection(docs);
  for (const hit of finalistFuse.search(pattern))
    scores.set(hit.item.section, 1 - (hit.score ?? 1));
  return scores;
}
