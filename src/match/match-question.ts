import Fuse from 'fuse.js';
import type { Lang, Section } from '../knowledge/types.js';
import { detectLanguage } from './language.js';
import { normalizeText } from './normalize.js';
import type { FuzzyDoc, SearchIndex } from './search-index.js';
import { isSingleHan, tokenize } from './tokenize.js';

/** A section with the confidence that it answers the question, from 0 (no) to 1 (certainly). */
export interface ScoredSection {
  section: Section;
  score: number;
}

/** The matcher's verdict on one question. */
export interface MatchResult {
  /** The section to answer with, or undefined when none clears the threshold. */
  section: Section | undefined;
  /** The best section's score, also when it did not clear the threshold (0 with no candidate). */
  score: number;
  /** The best candidate whatever its score, for logging what an unanswered question was near. */
  best: ScoredSection | undefined;
  /** Up to `maxAlternatives` other sections that also answer well, best first. */
  alternatives: ScoredSection[];
  lang: Lang;
}

/** Tuning of the matcher; the threshold is overridden from configuration. */
export const matchDefaults = Object.freeze({
  /** Tuned on the question sets: a score at or above it is an answer. */
  threshold: 0.42,
  maxAlternatives: 3,
  /** An alternative must reach this share of the threshold and be this close to the best. */
  alternativeFloor: 0.85,
  alternativeGap: 0.2,
  /** Sections scored exactly after the inverted index has pruned the rest. */
  candidateLimit: 40,
  /** Sections Fuse.js ranks in the last step. */
  fuzzyLimit: 8,
  /** Fuse.js scores a misspelt word up to this distance as the vocabulary word it resembles. */
  typoTolerance: 0.3,
});

export interface MatchOptions {
  threshold?: number;
  /** The language to assume when the text has no letters (emoji, digits). */
  fallbackLang?: Lang;
}

interface QueryTerm {
  id: number | undefined;
  weight: number;
}

const FUZZY_WEIGHTS = { coverage: 0.4, similarity: 0.4, fuzzy: 0.2 } as const;

/**
 * Finds the section that answers `question`. The score blends three views, each 0..1: how much
 * of the question the section's vocabulary covers (weighted by rarity), how close the question is
 * to the section's nearest alternate question, and Fuse.js's fuzzy ranking of the finalists.
 */
export function matchQuestion(index: SearchIndex, question: string, options: MatchOptions = {}): MatchResult {
  const threshold = options.threshold ?? matchDefaults.threshold;
  const lang = detectLanguage(question, options.fallbackLang);
  const normalized = normalizeText(question);
  const terms = queryTerms(index, normalized);
  const none: MatchResult = { section: undefined, score: 0, best: undefined, alternatives: [], lang };
  const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0);
  if (totalWeight === 0) return none;

  const coverage = new Map<number, number>();
  for (const { id, weight } of terms) {
    if (id === undefined) continue;
    for (const s of index.strongPostings[id] ?? []) coverage.set(s, (coverage.get(s) ?? 0) + weight);
    for (const s of index.weakPostings[id] ?? []) coverage.set(s, (coverage.get(s) ?? 0) + weight * 0.5);
  }
  if (coverage.size === 0) return none;

  const queryWeights = new Map<number, number>();
  for (const { id, weight } of terms) if (id !== undefined) queryWeights.set(id, weight);
  const queryNorm = Math.sqrt(terms.reduce((sum, t) => sum + t.weight ** 2, 0));

  const candidates = topBy([...coverage], ([, c]) => c, matchDefaults.candidateLimit).map(([s, c]) => {
    const lexical = { section: s, coverage: c / totalWeight, similarity: bestSimilarity(index, s, queryWeights, queryNorm) };
    return { ...lexical, prelim: (lexical.coverage + lexical.similarity) / 2 };
  });
  const finalists = topBy(candidates, (c) => c.prelim, matchDefaults.fuzzyLimit);
  const fuzzy = fuzzyScores(index, finalists.map((f) => f.section), normalized);

  if (process.env.MATCH_DEBUG) {
    for (const f of finalists) console.error(index.sections[f.section]?.id, f.coverage.toFixed(3), f.similarity.toFixed(3), (fuzzy.get(f.section) ?? 0).toFixed(3));
  }
  const ranked = finalists
    .map((f) => ({
      section: index.sections[f.section] as Section,
      score: round(
        FUZZY_WEIGHTS.coverage * f.coverage +
          FUZZY_WEIGHTS.similarity * f.similarity +
          FUZZY_WEIGHTS.fuzzy * (fuzzy.get(f.section) ?? 0),
      ),
    }))
    .sort((a, b) => b.score - a.score);

  const best = ranked[0];
  if (!best) return none;
  const floor = Math.max(threshold * matchDefaults.alternativeFloor, best.score - matchDefaults.alternativeGap);
  return {
    section: best.score >= threshold ? best.section : undefined,
    score: best.score,
    best,
    alternatives: ranked.slice(1).filter((r) => r.score >= floor).slice(0, matchDefaults.maxAlternatives),
    lang,
  };
}

function queryTerms(index: SearchIndex, normalized: string): QueryTerm[] {
  const seen = new Set<string>();
  const terms: QueryTerm[] = [];
  for (const token of tokenize(normalized, index.concepts)) {
    if (seen.has(token)) continue;
    seen.add(token);
    const id = index.tokenIds.get(token);
    if (id !== undefined) {
      terms.push({ id, weight: index.weights[id] ?? 0 });
      continue;
    }
    const corrected = correctTypo(index, token);
    const unknown = isSingleHan(token) ? index.unknownWeight * 0.5 : index.unknownWeight;
    terms.push(corrected ?? { id: undefined, weight: unknown });
  }
  return terms;
}

function correctTypo(index: SearchIndex, token: string): QueryTerm | undefined {
  if (!/^[a-z][a-z'-]{3,}$/u.test(token)) return undefined;
  const [hit] = index.vocabulary.search(token, { limit: 1 });
  if (!hit || hit.score === undefined || hit.score > matchDefaults.typoTolerance) return undefined;
  // A length difference of more than two letters is another word, not a typo of this one.
  if (Math.abs(hit.item.length - token.length) > 2) return undefined;
  const id = index.tokenIds.get(hit.item);
  if (id === undefined) return undefined;
  return { id, weight: (index.weights[id] ?? 0) * (1 - hit.score) };
}

function bestSimilarity(index: SearchIndex, section: number, query: Map<number, number>, queryNorm: number): number {
  let best = 0;
  for (const entry of index.entries[section] ?? []) {
    let dot = 0;
    for (const id of entry.tokens) {
      const weight = query.get(id);
      if (weight !== undefined) dot += weight * (index.weights[id] ?? 0);
    }
    if (dot > 0 && entry.norm > 0) best = Math.max(best, dot / (queryNorm * entry.norm));
  }
  return Math.min(best, 1);
}

const FUSE_KEYS = [
  { name: 'questions', weight: 3 },
  { name: 'titles', weight: 2 },
  { name: 'keywords', weight: 2 },
  { name: 'body', weight: 0.5 },
];

function fuzzyScores(index: SearchIndex, sections: number[], normalized: string): Map<number, number> {
  const docs = sections.map((s) => index.fuzzyDocs[s]).filter((d): d is FuzzyDoc => d !== undefined);
  const fuse = new Fuse(docs, { keys: FUSE_KEYS, includeScore: true, ignoreLocation: true, threshold: 0.6 });
  const scores = new Map<number, number>();
  for (const hit of fuse.search(normalized)) scores.set(hit.item.section, 1 - (hit.score ?? 1));
  return scores;
}

function topBy<T>(items: T[], key: (item: T) => number, limit: number): T[] {
  return items.sort((a, b) => key(b) - key(a)).slice(0, limit);
}

function round(score: number): number {
  return Math.round(Math.min(Math.max(score, 0), 1) * 1000) / 1000;
}
