import { normalizeText } from '../match/normalize.js';
import { tokenize } from '../match/tokenize.js';

/** Questions that ask the same thing, counted together. */
export interface QuestionGroup {
  /** How many times it was asked, all wordings together. */
  count: number;
  /**
   * The wording asked most often, as typed; on a tie the one met first in the input (the
   * newest, as the store lists them).
   */
  example: string;
  /** How many different wordings the group holds. */
  wordings: number;
}

/** Options of {@link groupQuestions}. */
export interface GroupingOptions {
  /** Token-set Jaccard similarity at which two wordings are the same question. */
  minSimilarity?: number;
  /** The most groups returned, largest first. */
  limit?: number;
}

/** Defaults of {@link groupQuestions}. */
export const groupingDefaults = Object.freeze({ minSimilarity: 0.6, limit: 20 });

// Colloquial question words the matcher keeps apart but an editor reads as one question:
// 今天吃啥 is 今天吃什么. Applied after normalisation, so Traditional text is covered too.
const COLLOQUIAL: readonly [RegExp, string][] = [
  [/啥/gu, '什么'],
  [/咋/gu, '怎么'],
  [/哪儿/gu, '哪里'],
];

/** The form two wordings share when they differ only in case, script, punctuation or filler. */
export function groupingKey(text: string): string {
  let key = normalizeText(text);
  for (const [pattern, replacement] of COLLOQUIAL) key = key.replace(pattern, replacement);
  // Text that normalises to nothing (emoji, punctuation) is grouped by what was typed.
  return key === '' ? text.trim().toLowerCase() : key;
}

/** |A ∩ B| / |A ∪ B|; 0 for two empty sets, which carry no evidence of sameness. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared++;
  return shared / (a.size + b.size - shared);
}

interface Cluster {
  tokens: ReadonlySet<string>;
  count: number;
  /** Wording as typed → times asked, in first-seen order. */
  wordings: Map<string, number>;
}

/** A {@link QuestionGroup} with every wording it holds, as typed. */
export interface QuestionGroupWithMembers extends QuestionGroup {
  members: string[];
}

/**
 * Groups questions by similarity for the knowledge editors: wordings with the same normalised
 * text (matcher normalisation, colloquial words unified) are one group; then each group joins
 * the first larger group whose tokens overlap at least `minSimilarity` (Jaccard). A group is
 * compared with the wording that started the group it joins, never with every member, so
 * similarity cannot drift along a chain of small changes. Deterministic: largest first, ties by
 * example.
 */
export function groupQuestionsWithMembers(
  texts: readonly string[],
  options: GroupingOptions = {},
): QuestionGroupWithMembers[] {
  const minSimilarity = options.minSimilarity ?? groupingDefaults.minSimilarity;
  const limit = options.limit ?? groupingDefaults.limit;

  const exact = new Map<string, Cluster>();
  for (const raw of texts) {
    const wording = raw.trim();
    if (wording === '') continue;
    const key = groupingKey(wording);
    let group = exact.get(key);
    if (!group) {
      group = { tokens: new Set(tokenize(key)), count: 0, wordings: new Map() };
      exact.set(key, group);
    }
    group.count++;
    group.wordings.set(wording, (group.wordings.get(wording) ?? 0) + 1);
  }

  const clusters: Cluster[] = [];
  const bySize = [...exact].sort(([ka, a], [kb, b]) => b.count - a.count || compare(ka, kb));
  for (const [, group] of bySize) {
    const home = clusters.find((c) => jaccard(c.tokens, group.tokens) >= minSimilarity);
    if (!home) {
      clusters.push({ ...group, wordings: new Map(group.wordings) });
      continue;
    }
    home.count += group.count;
    for (const [wording, n] of group.wordings)
      home.wordings.set(wording, (home.wordings.get(wording) ?? 0) + n);
  }

  return clusters
    .map((cluster) => ({
      count: cluster.count,
      example: mostAsked(cluster.wordings),
      wordings: cluster.wordings.size,
      members: [...cluster.wordings.keys()],
    }))
    .sort((a, b) => b.count - a.count || compare(a.example, b.example))
    .slice(0, limit);
}

/** {@link groupQuestions} without the wordings of each group. */
export function groupQuestions(
  texts: readonly string[],
  options: GroupingOptions = {},
): QuestionGroup[] {
  return groupQuestionsWithMembers(texts, options).map(({ count, example, wordings }) => ({
    count,
    example,
    wordings,
  }));
}

function mostAsked(wordings: ReadonlyMap<string, number>): string {
  let best = '';
  let bestCount = 0;
  for (const [wording, n] of wordings) {
    if (n > bestCount) {
      best = wording;
      bestCount = n;
    }
  }
  return best;
}

// Code-point order: the same on every machine, unlike localeCompare.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
