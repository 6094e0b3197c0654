import type { Lang, Section } from '../knowledge/types.js';
import { fuzzyScores } from './fuzzy-rank.js';
import { detectLanguage } from './language.js';
import { normalizeText } from './normalize.js';
import { hanPairs, pairDice } from './han-pairs.js';
import {
  finalScore,
  lexicalBound,
  lexicalScore,
  partialScore,
  rankingSimilarity,
  type Blend,
} from './score.js';
import type { IndexedEntry, SearchIndex } from './search-index.js';
import { dropEnglishStopWords, isFrameWord, isSingleHan, tokenize } from './tokenize.js';
import { isAboutTheBot } from './question-shape.js';
import { matchTuning } from './tuning.js';
import { correctTypos } from './typo.js';
import { soundsLike } from './homophones.js';

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

export interface MatchOptions {
  /** Overrides the threshold calibrated for the index's knowledge. */
  threshold?: number;
  /** The language to assume when the text has no letters (emoji, digits). */
  fallbackLang?: Lang;
  /** Overrides the score formula's weights, for tuning. */
  blend?: Blend;
  /** How many alternatives to return (inline mode lists more than a chat answer shows). */
  maxAlternatives?: number;
}

interface QueryTerm {
  id: number | undefined;
  weight: number;
  /** A question word (what, 怎么), which says nothing of the topic: `isFrameWord`. */
  frame: boolean;
}

const { candidates: candidateTuning, answer: answerTuning } = matchTuning;

/**
 * Finds the section that answers `question`: gathers the candidate sections from the index,
 * scores them with the formula of `score.ts` (pruning those that cannot win), lets Fuse.js rank
 * the finalists, and answers with the best one when it clears the threshold calibrated for the
 * knowledge (or the one given).
 */
export function matchQuestion(
  index: SearchIndex,
  question: string,
  options: MatchOptions = {},
): MatchResult {
  const threshold = options.threshold ?? index.calibration.threshold;
  const w = options.blend ?? matchTuning.blend;
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
  // The knowledge knows none of the question's words but its question words ("what is love"):
  // a section can share only those, and "What is COVID-19?" would answer by "what" alone.
  const share =
    terms.some((t) => t.id === undefined && !t.frame) &&
    terms.every((t) => t.id === undefined || t.frame)
      ? answerTuning.frameOnlyShare
      : 1;

  // Accumulated in flat arrays, one slot per section: with thousands of sections sharing a
  // common word, maps would spend most of the time on hashing.
  // They are kept per index and cleared after each question (the matcher is synchronous).
  const { matched, seen } = scratchOf(index);
  const touched: number[] = [];
  const touch = (s: number) => {
    if (seen[s] === 0) {
      seen[s] = 1;
      touched.push(s);
    }
  };
  for (const { id, weight } of terms) {
    if (id === undefined) continue;
    const sections = index.strongPostings[id] ?? [];
    const strength = index.strongStrength[id];
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i] as number;
      const x = weight * (strength?.[i] ?? 1);
      touch(s);
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
  const queryPairs = hanPairs(normalized);

  // Similarity is the costly part of the lexical score and is at most 1, so sections are
  // scored in order of their upper bound, and scoring stops once no remaining section could be
  // the answer or an alternative even with a perfect similarity and the full Fuse.js bonus.
  const bounded = topBy(touched, (s) => matched[s] ?? 0, candidateTuning.limit)
    .map((s) => {
      const partial = partialScore(matched[s] ?? 0, totalWeight, w);
      return { section: s, partial, bound: lexicalBound(partial, w) };
    })
    .sort((a, b) => b.bound - a.bound);
  for (const s of touched) {
    matched[s] = 0;
    seen[s] = 0;
  }
  // Each candidate has two lexical scores: `ranking`, which orders the sections and weighs the
  // character pairs of a Chinese question, and `lexical`, the score on the one scale that the
  // threshold is calibrated in for every language (score.ts says why).
  const candidates: {
    section: number;
    nearest: IndexedEntry[];
    lexical: number;
    ranking: number;
    cosine: number;
  }[] = [];
  let bestLexical = 0;
  for (const { section, partial, bound } of bounded) {
    if (bound + w.fuzzy < bestLexical - answerTuning.alternativeGap) break;
    const near = similarity(index, section, dense, queryNorm);
    const lexical = lexicalScore(partial, near.best, w);
    bestLexical = Math.max(bestLexical, lexical);
    candidates.push({
      section,
      nearest: near.nearest,
      lexical,
      ranking: lexical,
      cosine: near.best,
    });
  }
  // The pairs move a section's ranking from its word score by at most similarity·hanPairShare
  // either way, so only the sections within twice that of the best by words can come first;
  // the others are not compared by characters (that comparison costs as much as the rest).
  if (queryPairs.length > 0) {
    const reach = 2 * w.similarity * w.hanPairShare;
    for (const c of candidates) {
      const dice =
        c.lexical >= bestLexical - reach ? bestPairDice(index, c.section, queryPairs) : 0;
      c.ranking =
        c.lexical + w.similarity * (rankingSimilarity(c.cosine, dice, true, w) - c.cosine);
    }
  }
  for (const id of queryWeights.keys()) dense[id] = 0;
  // Fuse.js is the costliest step, so it ranks only the sections its bonus (at most
  // w.fuzzy) could still lift to the top; the winner and its score are the same as if it ranked
  // all of them. The others keep their lexical score, a lower bound, for the alternatives.
  const leader = Math.max(...candidates.map((c) => c.ranking));
  const finalists = topBy(
    candidates.filter((c) => c.ranking >= leader - w.fuzzy),
    (c) => c.ranking,
    candidateTuning.fuzzyLimit,
  );
  const fuzzy = fuzzyScores(index, finalists, dropEnglishStopWords(normalized), queryWeights);
  const ranked = candidates
    .map((c) => {
      const bonus = fuzzy.get(c.section) ?? 0;
      return {
        at: c.section,
        section: index.sections[c.section] as Section,
        score: finalScore(c.lexical * share, bonus * share, w),
        ranking: finalScore(c.ranking * share, bonus * share, w),
      };
    })
    .sort((a, b) => b.ranking - a.ranking || b.score - a.score);

  const leading = ranked[0];
  if (!leading) return none;
  // "who are you" is asked of the bot, not of the knowledge, unless a section has it as one of
  // its own wordings (an operator's "about us").
  if (isAboutTheBot(normalized) && !hasWording(index, leading.at, normalized)) return none;
  const best: ScoredSection = { section: leading.section, score: leading.score };
  const floor = Math.max(
    threshold * answerTuning.alternativeFloor,
    best.score - answerTuning.alternativeGap,
  );
  return {
    section: best.score >= threshold ? best.section : undefined,
    score: best.score,
    best,
    // Ranked after the best, an alternative may still score above it on words alone: it is
    // shown no surer than the answer.
    alternatives: ranked
      .slice(1)
      .filter((r) => r.score >= floor)
      .slice(0, options.maxAlternatives ?? answerTuning.maxAlternatives)
      .map((r) => ({ section: r.section, score: Math.min(r.score, best.score) }))
      .sort((a, b) => b.score - a.score),
    lang,
  };
}

function queryTerms(index: SearchIndex, normalized: string, unknownShare: number): QueryTerm[] {
  const corrected = correctTypos(index.typos, normalized);
  const tokens = tokenize(corrected, index.concepts);
  // The tokens as typed, to tell the corrections from them (only when something was corrected).
  const typed =
    corrected === normalized ? undefined : new Set(tokenize(normalized, index.concepts));
  const ids = tokens.map((token) => index.tokenIds.get(token));
  // A Chinese word read by its sound stands for its characters too: they are not unknown
  // words of their own (段网 read as 断网 leaves no unknown 段).
  const heard = new Set<string>();
  tokens.forEach((token, i) => {
    if (ids[i] !== undefined) return;
    const id = homophoneId(index, token);
    if (id === undefined) return;
    ids[i] = id;
    for (const char of token) heard.add(char);
  });
  const seen = new Set<string>();
  const seenIds = new Set<number>();
  const terms: QueryTerm[] = [];
  tokens.forEach((token, i) => {
    const id = ids[i];
    if (id !== undefined ? seenIds.has(id) : seen.has(token) || heard.has(token)) return;
    seen.add(token);
    if (id !== undefined) {
      seenIds.add(id);
      const share = typed && !typed.has(token) ? matchTuning.typo.correctedShare : 1;
      terms.push({ id, weight: (index.weights[id] ?? 0) * share, frame: isFrameWord(token) });
      return;
    }
    const share = isSingleHan(token) ? matchTuning.index.singleHanShare : 1;
    terms.push({
      id: undefined,
      weight: index.unknownWeight * unknownShare * share,
      frame: isFrameWord(token),
    });
  });
  return terms;
}

// Whether one of the section's entries (title or alternate question) reads as `normalized`.
function hasWording(index: SearchIndex, section: number, normalized: string): boolean {
  return (index.entries[section] ?? []).some((entry) => normalizeText(entry.text) === normalized);
}

// A Chinese word the knowledge never uses, read as the knowledge word that sounds the same.
function homophoneId(index: SearchIndex, token: string): number | undefined {
  const word = soundsLike(index.homophones, token);
  return word === undefined ? undefined : index.tokenIds.get(word);
}

interface Similarity {
  /** The highest cosine over the section's entries. */
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
  return {
    best: Math.min(best, 1),
    nearest: nearest.slice(0, candidateTuning.fuzzyEntries),
  };
}

// The highest Dice coefficient of the question's character pairs with one of the section's entries.
function bestPairDice(index: SearchIndex, section: number, queryPairs: Float64Array): number {
  let best = 0;
  for (const entry of index.entries[section] ?? [])
    best = Math.max(best, pairDice(queryPairs, entry.hanPairs));
  return best;
}

// Per index, the matched weight of each section and whether the question touched it.
const scratches = new WeakMap<object, { matched: Float64Array; seen: Uint8Array }>();

function scratchOf(index: SearchIndex): { matched: Float64Array; seen: Uint8Array } {
  // Keyed by the sections, which a calibrating copy of an index shares with nothing else.
  let scratch = scratches.get(index.sections);
  if (!scratch) {
    scratch = {
      matched: new Float64Array(index.sections.length),
      seen: new Uint8Array(index.sections.length),
    };
    scratches.set(index.sections, scratch);
  }
  return scratch;
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
