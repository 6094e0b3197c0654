import Fuse from 'fuse.js';
import type { Knowledge, Section } from '../knowledge/types.js';
import { SECTION_LANGS } from '../knowledge/types.js';
import { normalizeText } from './normalize.js';
import { CONCEPT_PREFIX, createConceptFinder, isSingleHan, tokenize, type ConceptFinder } from './tokenize.js';

/** One alternate question or title, as the matcher compares it with a user's question. */
export interface IndexedEntry {
  /** Token ids, unique. */
  tokens: Int32Array;
  /** Euclidean norm of the entry's weighted token vector, cached for cosine similarity. */
  norm: number;
}

/** What Fuse.js ranks for one section: its normalised text by field. */
export interface FuzzyDoc {
  section: number;
  questions: string[];
  titles: string[];
  keywords: string[];
  body: string[];
}

/**
 * The searchable form of a knowledge base. Built once per knowledge version and never mutated,
 * so a reload builds a new one beside it and swaps the reference.
 */
export interface SearchIndex {
  sections: readonly Section[];
  concepts: ConceptFinder;
  tokenIds: ReadonlyMap<string, number>;
  /** Per token id: its weight (inverse section frequency, softened for single characters). */
  weights: Float64Array;
  /** The weight an unseen token counts with: as informative as the rarest known one. */
  unknownWeight: number;
  /** Per token id: the sections whose questions, titles or keywords contain it. */
  strongPostings: readonly Int32Array[];
  /** Per token id: the sections whose body alone contains it. */
  weakPostings: readonly Int32Array[];
  entries: readonly (readonly IndexedEntry[])[];
  fuzzyDocs: readonly FuzzyDoc[];
  /** Latin vocabulary, for correcting misspelt words with Fuse.js. */
  vocabulary: Fuse<string>;
}

/** Builds the {@link SearchIndex} of a knowledge base. Pure and deterministic. */
export function buildSearchIndex(knowledge: Knowledge): SearchIndex {
  const concepts = createConceptFinder(knowledge.synonyms);
  const tokenIds = new Map<string, number>();
  const idOf = (token: string): number => {
    let id = tokenIds.get(token);
    if (id === undefined) {
      id = tokenIds.size;
      tokenIds.set(token, id);
    }
    return id;
  };
  const strong: number[][] = [];
  const weak: number[][] = [];
  const entryTokens: number[][][] = [];
  const fuzzyDocs: FuzzyDoc[] = [];

  knowledge.sections.forEach((section, index) => {
    const strongSet = new Set<number>();
    const weakSet = new Set<number>();
    const entries: number[][] = [];
    const doc: FuzzyDoc = { section: index, questions: [], titles: [], keywords: [], body: [] };
    for (const lang of SECTION_LANGS) {
      const text = section.text[lang];
      for (const line of [text.title, ...text.questions]) {
        const normalized = normalizeText(line);
        const ids = [...new Set(tokenize(normalized, concepts).map(idOf))];
        ids.forEach((id) => strongSet.add(id));
        if (ids.length > 0) entries.push(ids);
        (line === text.title ? doc.titles : doc.questions).push(normalized);
      }
      for (const keyword of text.keywords) {
        const normalized = normalizeText(keyword);
        tokenize(normalized, concepts).forEach((t) => strongSet.add(idOf(t)));
        doc.keywords.push(normalized);
      }
      const body = normalizeText(stripMarkdown(text.body));
      tokenize(body, concepts).forEach((t) => weakSet.add(idOf(t)));
      doc.body.push(body);
    }
    for (const id of weakSet) {
      if (!strongSet.has(id)) (weak[id] ??= []).push(index);
    }
    for (const id of strongSet) (strong[id] ??= []).push(index);
    entryTokens.push(entries);
    fuzzyDocs.push(doc);
  });

  const sectionCount = Math.max(knowledge.sections.length, 1);
  const weights = new Float64Array(tokenIds.size);
  for (const [token, id] of tokenIds) {
    const df = (strong[id]?.length ?? 0) + (weak[id]?.length ?? 0);
    weights[id] = tokenWeight(token, Math.log(1 + sectionCount / Math.max(df, 1)), Math.log(1 + sectionCount));
  }
  const entries = entryTokens.map((list) =>
    list.map((ids) => ({
      tokens: Int32Array.from(ids),
      norm: Math.sqrt(ids.reduce((sum, id) => sum + (weights[id] ?? 0) ** 2, 0)),
    })),
  );
  const latinWords = [...tokenIds.keys()].filter((t) => /^[a-z][a-z'-]{3,}$/u.test(t));

  return {
    sections: knowledge.sections,
    concepts,
    tokenIds,
    weights,
    unknownWeight: Math.log(1 + sectionCount),
    strongPostings: Array.from({ length: tokenIds.size }, (_, id) => Int32Array.from(strong[id] ?? [])),
    weakPostings: Array.from({ length: tokenIds.size }, (_, id) => Int32Array.from(weak[id] ?? [])),
    entries,
    fuzzyDocs,
    vocabulary: new Fuse(latinWords, { includeScore: true, threshold: 0.3, ignoreLocation: true }),
  };
}

/**
 * Single Chinese characters say less than words. Synonym concepts (eSIM, physical SIM, carrier)
 * are what separates neighbouring sections, even when most sections mention them, so their
 * weight has a floor instead of falling with their frequency.
 */
export function tokenWeight(token: string, idf: number, maxIdf: number): number {
  if (token.startsWith(CONCEPT_PREFIX)) return Math.max(idf, maxIdf * 0.6);
  if (isSingleHan(token)) return idf * 0.5;
  return idf;
}

/** Reduces Markdown to its words, so that markup characters do not become tokens. */
export function stripMarkdown(markdown: string): string {
  return markdown
    .replace(/^#{1,6}\s+/gmu, '')
    .replace(/[*_`>~]+/gu, ' ')
    .replace(/^\s*[-+]\s+/gmu, '');
}
