import Fuse from 'fuse.js';
import type { Lang, Section } from '../knowledge/types.js';
import { fuzzyReach } from './fuzzy-reach.js';
import { detectLanguage } from './language.js';
import { normalizeText } from './normalize.js';
import type { IndexedEntry, SearchIndex } from './search-index.js';
import { dropEnglishStopWords, isSingleHan, tokenize } from './tokenize.js';

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

/** How the evidence is weighed; exported so the tuning and the benchmark use the same numbers. */
export interface ScoreWeights {
  /** Share of the question's weight the section's vocabulary covers. */
  coverage: number;
  /** Cosine similarity with the section's nearest alternate question or title. */
  similarity: number;
  /** Fuse.js's fuzzy score of the section's fields. */
  fuzzy: number;
  /** Absolute evidence: the matched weight, saturating, so that long chatty questions count. */
  evidence: number;
  /** The matched weight at which evidence reaches 63%. */
  evidenceScale: number;
  /** A word the knowledge never uses counts as this share of the rarest known word. */
  unknownShare: number;
  /** A word found only in a section's body counts this much of one found in its questions. */
  bodyShare: number;
}

/** Tuning of the matcher; the threshold is overridden from configuration. */
export const matchDefaults = Object.freeze({
  /** A score at or above it is an answer. */
  threshold: 0.47,
  maxAlternatives: 3,
  /** An alternative must reach this share of the threshold and be this close to the best. */
  alternativeFloor: 0.85,
  alternativeGap: 0.2,
  /** Sections scored exactly after the inverted index has pruned the rest. */
  candidateLimit: 40,
  /** Sections Fuse.js ranks in the last step, and how many questions of each it reads. */
  fuzzyLimit: 3,
  fuzzyEntries: 2,
  /** Fuse.js scores a misspelt word up to this distance as the vocabulary word it resembles. */
  typoTolerance: 0.3,
  weights: Object.freeze<ScoreWeights>({
    coverage: 0.1,
    similarity: 0.3,
    fuzzy: 0.2,
    evidence: 0.4,
    evidenceScale: 4,
    unknownShare: 0.4,
    bodyShare: 0.3,
  }),
});

export interface MatchOptions {
  threshold?: number;
  /** The language to assume when the text has no letters (emoji, digits). */
  fallbackLang?: Lang;
  weights?: ScoreWeights;
  /** How many alternatives to return (inline mode lists more than a chat answer shows). */
  maxAlternatives?: number;
}

interface QueryTerm {
  id: number | undefined;
  weight: number;
}

/**
 * Finds the section that answers `question`. The score blends views that are each 0..1: how
 * much of the question the section's vocabulary covers (weighted by rarity), how much matched
 * evidence there is at all, how close the question is to the section's nearest alternate
 * question, and Fuse.js's fuzzy ranking of the finalists.
 */
export function matchQuestion(
  index: SearchIndex,
  question: string,
  options: MatchOptions = {},
): MatchResult {
  const threshold = options.threshold ?? matchDefaults.threshold;
  const w = options.weights ?? matchDefaults.weights;
  const lang = detectLanguage(question, options.fallbackLang);
  const normalized = normalizeText(question);
  const terms = queryTerms(index, normalized, w.unknownShare);
  const none: MatchResult = {
    section: undefined,
    score: 0,
    best: undefined,
    alternatives: [],
    lang,
  };
  const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0);
  if (totalWeight === 0) return none;

  // Accumulated in flat arrays, one slot per section: with thousands of sections sharing a
  // common word, maps would spend most of the time on hashing.
  const sectionCount = index.sections.length;
  const strong = new Float64Array(sectionCount);
  const matched = new Float64Array(sectionCount);
  const touched: number[] = [];
  const touch = (s: number) => {
    if (matched[s] === 0 && strong[s] === 0) touched.push(s);
  };
  for (const { id, weight } of terms) {
    if (id === undefined) continue;
    const sections = index.strongPostings[id] ?? [];
    const strength = index.strongStrength[id];
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i] as number;
      const x = weight * (strength?.[i] ?? 1);
      touch(s);
      strong[s] = (strong[s] ?? 0) + x;
      matched[s] = (matched[s] ?? 0) + x;
    }
    for (const s of index.weakPostings[id] ?? []) {
      touch(s);
      matched[s] = (matched[s] ?? 0) + weight * w.bodyShare;
    }
  }
  if (touched.length === 0) return none;

  const queryWeights = new Map<number, number>();
  for (const { id, weight } of terms) if (id !== undefined) queryWeights.set(id, weight);
  const dense = queryVector(index);
  for (const [id, weight] of queryWeights) dense[id] = weight;
  const queryNorm = Math.sqrt(terms.reduce((sum, t) => sum + t.weight ** 2, 0));

  // Similarity is the costly part of the lexical score and is at most 1, so sections are
  // scored in order of their upper bound, and scoring stops once no remaining section could be
  // the answer or an alternative even with a perfect similarity and the full Fuse.js bonus.
  const bounded = topBy(touched, (s) => matched[s] ?? 0, matchDefaults.candidateLimit)
    .map((s) => {
      const evidence = 1 - Math.exp(-(strong[s] ?? 0) / w.evidenceScale);
      const partial = w.coverage * ((matched[s] ?? 0) / totalWeight) + w.evidence * evidence;
      return { section: s, partial, bound: partial + w.similarity };
    })
    .sort((a, b) => b.bound - a.bound);
  const candidates: { section: number; nearest: IndexedEntry[]; lexical: number }[] = [];
  let bestLexical = 0;
  for (const { section, partial, bound } of bounded) {
    if (bound + w.fuzzy < bestLexical - matchDefaults.alternativeGap) break;
    const near = similarity(index, section, dense, queryNorm);
    const lexical = partial + w.similarity * near.best;
    bestLexical = Math.max(bestLexical, lexical);
    candidates.push({ section, nearest: near.nearest, lexical });
  }
  for (const id of queryWeights.keys()) dense[id] = 0;
  // Fuse.js is the costliest step, so it ranks only the sections its bonus (at most
  // w.fuzzy) could still lift to the top; the winner and its score are the same as if it ranked
  // all of them. The others keep their lexical score, a lower bound, for the alternatives.
  const leader = Math.max(...candidates.map((c) => c.lexical));
  const finalists = topBy(
    candidates.filter((c) => c.lexical >= leader - w.fuzzy),
    (c) => c.lexical,
    matchDefaults.fuzzyLimit,
  );
  const fuzzy = fuzzyScores(index, finalists, dropEnglishStopWords(normalized), queryWeights);
  const ranked = candidates
    .map((c) => ({
      section: index.sections[c.section] as Section,
      score: round(c.lexical + w.fuzzy * (fuzzy.get(c.section) ?? 0)),
    }))
    .sort((a, b) => b.score - a.score);

  const best = ranked[0];
  if (!best) return none;
  const floor = Math.max(
    threshold * matchDefaults.alternativeFloor,
    best.score - matchDefaults.alternativeGap,
  );
  return {
    section: best.score >= threshold ? best.section : undefined,
    score: best.score,
    best,
    alternatives: ranked
      .slice(1)
      .filter((r) => r.score >= floor)
      .slice(0, options.maxAlternatives ?? matchDefaults.maxAlternatives),
    lang,
  };
}

function queryTerms(index: SearchIndex, normalized: string, unknownShare: number): QueryTerm[] {
  const seen = new Set<string>();
  const terms: QueryTerm[] = [];
  for (const token of tokenize(correctTypos(index, normalized), index.concepts)) {
    if (seen.has(token)) continue;
    seen.add(token);
    const id = index.tokenIds.get(token);
    const unknown = index.unknownWeight * unknownShare * (isSingleHan(token) ? 0.5 : 1);
    terms.push(
      id === undefined
        ? { id: undefined, weight: unknown }
        : { id, weight: index.weights[id] ?? 0 },
    );
  }
  return terms;
}

const LATIN_WORD = /[a-z][a-z']{3,}/gu;
// Enough for the odd slip; a question full of unknown English words is off-topic, not misspelt.
const MAX_CORRECTIONS = 3;

/**
 * Replaces misspelt English words by the knowledge word Fuse.js finds closest ("esmi" → "esim",
 * "disconect" → "disconnect") before tokenising, so that a corrected word also meets its
 * synonyms.
 */
function correctTypos(index: SearchIndex, normalized: string): string {
  let corrections = 0;
  return normalized.replace(LATIN_WORD, (word) => {
    if (index.knownWords.has(word) || corrections >= MAX_CORRECTIONS) return word;
    // Among equally close words, the one nearest in length; more than two letters longer or
    // shorter is another word, not a typo of this one.
    const lengthGap = (candidate: string) => Math.abs(candidate.length - word.length);
    const hit = (index.vocabulary.get(word[0] ?? '')?.search(word, { limit: 5 }) ?? [])
      .filter(
        (h) =>
          (h.score ?? 1) <= matchDefaults.typoTolerance &&
          lengthGap(h.item) <= 2 &&
          plausibleTypo(word, h.item),
      )
      .sort((a, b) => (a.score ?? 1) - (b.score ?? 1) || lengthGap(a.item) - lengthGap(b.item))[0];
    if (!hit) return word;
    corrections++;
    return hit.item;
  });
}

/**
 * In a short word one changed letter usually makes another real word (game/same, match/watch),
 * so for words of five letters or fewer only a missing, extra or swapped letter counts as a
 * typo. Longer words are left to Fuse.js's distance.
 */
export function plausibleTypo(word: string, candidate: string): boolean {
  if (word.length > 5) return true;
  if (Math.abs(word.length - candidate.length) === 1) {
    const [short, long] = word.length < candidate.length ? [word, candidate] : [candidate, word];
    for (let i = 0; i < long.length; i++)
      if (long.slice(0, i) + long.slice(i + 1) === short) return true;
    return false;
  }
  if (word.length !== candidate.length) return false;
  const diff = [...word].flatMap((char, i) => (char === candidate[i] ? [] : [i]));
  const [a, b] = diff;
  return (
    diff.length === 2 &&
    a !== undefined &&
    b === a + 1 &&
    word[a] === candidate[b] &&
    word[b] === candidate[a]
  );
}

interface Similarity {
  best: number;
  /** The section's entries closest to the question, best first, for Fuse.js to rank. */
  nearest: IndexedEntry[];
}

function similarity(
  index: SearchIndex,
  section: number,
  query: Float64Array,
  queryNorm: number,
): Similarity {
  // The two best entries, kept by hand: sorting every entry of every candidate showed up in
  // profiles.
  let best = 0;
  let first: IndexedEntry | undefined;
  let second: IndexedEntry | undefined;
  let secondScore = 0;
  for (const entry of index.entries[section] ?? []) {
    let dot = 0;
    const tokens = entry.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const id = tokens[i] as number;
      const weight = query[id] ?? 0;
      if (weight !== 0) dot += weight * (index.weights[id] ?? 0);
    }
    if (dot <= 0 || entry.norm <= 0) continue;
    const cosine = dot / (queryNorm * entry.norm);
    if (cosine > best) {
      second = first;
      secondScore = best;
      first = entry;
      best = cosine;
    } else if (cosine > secondScore) {
      second = entry;
      secondScore = cosine;
    }
  }
  const nearest = [first, second].filter((e): e is IndexedEntry => e !== undefined);
  return { best: Math.min(best, 1), nearest: nearest.slice(0, matchDefaults.fuzzyEntries) };
}

// One dense vector of query weights per index, reused across questions (the matcher is
// synchronous, so no two questions share it at once) and cleared after each.
const queryVectors = new WeakMap<SearchIndex, Float64Array>();

function queryVector(index: SearchIndex): Float64Array {
  let vector = queryVectors.get(index);
  if (!vector) {
    vector = new Float64Array(index.tokenIds.size);
    queryVectors.set(index, vector);
  }
  return vector;
}

const FUSE_KEYS = [
  { name: 'questions', weight: 3 },
  { name: 'titles', weight: 2 },
  { name: 'keywords', weight: 2 },
];

/**
 * Fuse.js ranks the finalists on their nearest alternate questions, titles and keywords. It
 * sees only those few short fields: bitap over every body of every finalist would cost more
 * than the rest of the matcher, and the body already counts in the coverage.
 */
function fuzzyScores(
  index: SearchIndex,
  finalists: readonly { section: number; nearest: IndexedEntry[] }[],
  normalized: string,
  query: ReadonlyMap<number, number>,
): Map<number, number> {
  const pattern = normalized.slice(0, FUZZY_PATTERN_CHARS);
  const canMatch = fuzzyReach(pattern, FUZZY_THRESHOLD);
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
  // One Fuse.js per process, given each question's few documents: building it anew per
  // question merged its options and keys every time. The matcher is synchronous, so no two
  // questions share it at once.
  finalistFuse ??= new Fuse<FuzzyDoc>([], {
    keys: FUSE_KEYS,
    includeScore: true,
    ignoreLocation: true,
    threshold: FUZZY_THRESHOLD,
    shouldSort: false,
  });
  finalistFuse.setCollection(docs);
  for (const hit of finalistFuse.search(pattern))
    scores.set(hit.item.section, 1 - (hit.score ?? 1));
  return scores;
}

interface FuzzyDoc {
  section: number;
  questions: string[];
  titles: string[];
  keywords: string[];
}

let finalistFuse: Fuse<FuzzyDoc> | undefined;

// Fuse.js's default: a text matches with up to 60% of the pattern's characters wrong.
const FUZZY_THRESHOLD = 0.6;

// One bitap word: Fuse.js splits longer patterns into 32-character chunks and pays for each.
const FUZZY_PATTERN_CHARS = 32;

// The `limit` items with the highest keys, best first, without sorting all of them: most items
// fall below the current k-th best and cost one comparison.
function topBy<T>(items: readonly T[], key: (item: T) => number, limit: number): T[] {
  const top: { item: T; key: number }[] = [];
  for (const item of items) {
    const k = key(item);
    if (top.length === limit && k <= (top[top.length - 1]?.key ?? -Infinity)) continue;
    let at = top.length;
    while (at > 0 && (top[at - 1]?.key ?? -Infinity) < k) at--;
    top.splice(at, 0, { item, key: k });
    if (top.length > limit) top.pop();
  }
  return top.map((t) => t.item);
}

function round(score: number): number {
  return Math.round(Math.min(Math.max(score, 0), 1) * 1000) / 1000;
}
