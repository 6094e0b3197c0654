/**
 * A {@link SearchIndex} as plain data, for keeping a built index between two runs of the bot.
 * Everything in an index is data (maps, typed arrays, plain objects) except two parts made of
 * code: the concept finder (a closure over a trie) and the typo vocabulary's Fuse.js searchers.
 * Both are rebuilt from data the stored form keeps, in a few milliseconds, while the parts that
 * take the time of a build (tokenising every line, the postings, the homophone table) are not.
 *
 * An index holds one small typed array per token and per wording: hundreds of thousands for a
 * large knowledge base, and reading each back through `v8.deserialize` costs microseconds. So
 * each kind is stored as one array with the ends of its parts, and restored as views into it.
 */
import type { Knowledge } from '../knowledge/types.js';
import type { IndexedEntry, KeywordEntry, SearchIndex } from './search-index.js';
import { createConceptFinder } from './tokenize.js';
import { typoVocabulary } from './typo.js';

type NumberArray = Int32Array | Float32Array | Float64Array;

/** Many typed arrays of one kind as one: part `i` is `data[ends[i - 1] ?? 0 .. ends[i]]`. */
interface PackedArrays<T extends NumberArray> {
  data: T;
  ends: Uint32Array;
}

/** The index without its code-made parts, its many small arrays packed into few. */
export interface StoredIndex {
  data: Omit<
    SearchIndex,
    | 'concepts'
    | 'typos'
    | 'sections'
    | 'strongPostings'
    | 'strongStrength'
    | 'weakPostings'
    | 'entries'
    | 'titles'
    | 'keywords'
  >;
  knownWords: ReadonlySet<string>;
  strongPostings: PackedArrays<Int32Array>;
  strongStrength: PackedArrays<Float32Array>;
  weakPostings: PackedArrays<Int32Array>;
  /** Every section's entries one after the other; `perSection` holds where each list ends. */
  entries: {
    perSection: Uint32Array;
    text: string[];
    isTitle: boolean[];
    norm: Float64Array;
    tokens: PackedArrays<Int32Array>;
    hanPairs: PackedArrays<Float64Array>;
  };
  keywords: { perSection: Uint32Array; text: string[]; tokens: PackedArrays<Int32Array> };
}

/** The stored form of `index`, for `v8.serialize` or a structured clone. */
export function storedIndex(index: SearchIndex): StoredIndex {
  const {
    concepts,
    sections,
    typos,
    strongPostings,
    strongStrength,
    weakPostings,
    entries,
    titles,
    keywords,
    ...data
  } = index;
  const allEntries = entries.flat();
  const allKeywords = keywords.flat();
  return {
    data,
    knownWords: typos.knownWords,
    strongPostings: pack(strongPostings, Int32Array),
    strongStrength: pack(strongStrength, Float32Array),
    weakPostings: pack(weakPostings, Int32Array),
    entries: {
      perSection: ends(entries),
      text: allEntries.map((e) => e.text),
      isTitle: allEntries.map((e) => e.isTitle),
      norm: Float64Array.from(allEntries, (e) => e.norm),
      tokens: pack(
        allEntries.map((e) => e.tokens),
        Int32Array,
      ),
      hanPairs: pack(
        allEntries.map((e) => e.hanPairs),
        Float64Array,
      ),
    },
    keywords: {
      perSection: ends(keywords),
      text: allKeywords.map((k) => k.text),
      tokens: pack(
        allKeywords.map((k) => k.tokens),
        Int32Array,
      ),
    },
  };
}

/**
 * The index of `knowledge` again, from the stored form of an index built from that same
 * knowledge by this same build of the matcher (the caller checks both).
 */
export function restoredIndex(stored: StoredIndex, knowledge: Knowledge): SearchIndex {
  const tokens = unpack(stored.entries.tokens);
  const hanPairs = unpack(stored.entries.hanPairs);
  const allEntries = stored.entries.text.map((text, i): IndexedEntry => ({
    text,
    isTitle: stored.entries.isTitle[i] ?? false,
    tokens: tokens[i] ?? new Int32Array(0),
    norm: stored.entries.norm[i] ?? 0,
    hanPairs: hanPairs[i] ?? new Float64Array(0),
  }));
  const keywordTokens = unpack(stored.keywords.tokens);
  const allKeywords = stored.keywords.text.map((text, i): KeywordEntry => ({
    text,
    tokens: keywordTokens[i] ?? new Int32Array(0),
  }));
  const entries = split(allEntries, stored.entries.perSection);
  return {
    ...stored.data,
    sections: knowledge.sections,
    concepts: createConceptFinder(knowledge.synonyms),
    typos: typoVocabulary(stored.knownWords, stored.data.tokenIds, knowledge.synonyms),
    strongPostings: unpack(stored.strongPostings),
    strongStrength: unpack(stored.strongStrength),
    weakPostings: unpack(stored.weakPostings),
    entries,
    titles: entries.map((list) => list.filter((entry) => entry.isTitle)),
    keywords: split(allKeywords, stored.keywords.perSection),
  };
}

/** Whether `value` looks like a {@link StoredIndex} for `sections` sections. */
export function isStoredIndex(value: unknown, sections: number): value is StoredIndex {
  if (typeof value !== 'object' || value === null) return false;
  const stored = value as Partial<StoredIndex>;
  return (
    stored.knownWords instanceof Set &&
    stored.entries?.perSection instanceof Uint32Array &&
    stored.entries.perSection.length === sections &&
    stored.keywords?.perSection instanceof Uint32Array &&
    stored.keywords.perSection.length === sections &&
    stored.strongPostings?.ends instanceof Uint32Array
  );
}

function pack<T extends NumberArray>(
  arrays: readonly T[],
  Kind: { new (length: number): T },
): PackedArrays<T> {
  const data = new Kind(arrays.reduce((sum, a) => sum + a.length, 0));
  let at = 0;
  for (const array of arrays) {
    data.set(array as never, at);
    at += array.length;
  }
  return { data, ends: ends(arrays) };
}

function unpack<T extends NumberArray>({ data, ends: partEnds }: PackedArrays<T>): T[] {
  const parts: T[] = new Array(partEnds.length);
  let start = 0;
  for (let i = 0; i < partEnds.length; i++) {
    const end = partEnds[i] ?? start;
    parts[i] = data.subarray(start, end) as T;
    start = end;
  }
  return parts;
}

// The running totals of the lengths: where each part ends in the whole.
function ends(parts: readonly { length: number }[]): Uint32Array {
  const out = new Uint32Array(parts.length);
  let total = 0;
  parts.forEach((part, i) => (out[i] = total += part.length));
  return out;
}

function split<T>(all: readonly T[], partEnds: Uint32Array): T[][] {
  const parts: T[][] = [];
  let start = 0;
  for (const end of partEnds) {
    parts.push(all.slice(start, end));
    start = end;
  }
  return parts;
}
