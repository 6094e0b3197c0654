/**
 * A {@link SearchIndex} as plain data, for keeping a built index between two runs of the bot.
 * Everything in an index is data (maps, typed arrays, plain objects) except two parts made of
 * code: the concept finder (a closure over a trie) and the typo vocabulary's Fuse.js searchers.
 * Both are rebuilt from data the stored form keeps, in a few milliseconds, while the parts that
 * take the time of a build (tokenising every line, the postings, the homophone table) are not.
 */
import type { Knowledge } from '../knowledge/types.js';
import type { SearchIndex } from './search-index.js';
import { createConceptFinder } from './tokenize.js';
import { typoVocabulary } from './typo.js';

/** The index without its code-made parts: what `v8.serialize` or a structured clone accepts. */
export type StoredIndex = Omit<SearchIndex, 'concepts' | 'typos' | 'sections'> & {
  knownWords: ReadonlySet<string>;
};

/** The stored form of `index`; it shares its data with `index` and copies nothing. */
export function storedIndex(index: SearchIndex): StoredIndex {
  // The finder and the sections are left out; the rest is data.
  const { concepts, sections, typos, ...data } = index;
  return { ...data, knownWords: typos.knownWords };
}

/**
 * The index of `knowledge` again, from the stored form of an index built from that same
 * knowledge by this same build of the matcher (the caller checks both).
 */
export function restoredIndex(stored: StoredIndex, knowledge: Knowledge): SearchIndex {
  const { knownWords, ...data } = stored;
  return {
    ...data,
    sections: knowledge.sections,
    concepts: createConceptFinder(knowledge.synonyms),
    typos: typoVocabulary(knownWords),
  };
}
