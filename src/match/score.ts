/**
 * The match score of one section for one question, from 0 (no) to 1 (certainly):
 *
 *   score = coverage·C + evidence·(1 − e^(−M / evidenceScale)) + similarity·N + fuzzy·F
 *
 *   M  the question's token weight the section's vocabulary holds: words of its questions,
 *      title and keywords fully (less for a word of one alternate question among many), words
 *      of its body alone at `bodyShare`
 *   C  M as a share of the question's whole token weight
 *   (M is absolute and saturating, so a long question with one strong topic word still counts;
 *   C is relative, so a question the section covers whole counts more.)
 *   N  cosine similarity with the section's nearest alternate question or title
 *   F  Fuse.js's fuzzy score (1 − Fuse score) of the section's nearest fields, finalists only
 *
 * The weights (coverage, evidence, similarity, fuzzy) sum to 1 and live in `matchTuning.blend`.
 * N and F are each at most 1, which gives the bounds the matcher prunes with.
 *
 * Sections are ranked by the same formula with N replaced, for a question with Chinese in it,
 * by (1 − hanPairShare)·N + hanPairShare·D, where D is the highest Dice coefficient of the
 * question's adjacent character pairs with those of one of the section's entries
 * (`han-pairs.ts`): words depend on how the segmenter cut each text (花|呗|额|度 beside
 * 花|呗|的|额度), characters do not, so D tells near neighbours apart. The score the threshold
 * is compared with keeps N alone: pairs exist only in Chinese, and a score that counted them
 * would sit on another scale for Chinese questions than for English ones, while one calibrated
 * threshold serves both.
 */
import type { MatchTuning } from './tuning.js';

export type Blend = MatchTuning['blend'];

/** The part of the score known before similarity and fuzzy ranking: coverage and evidence. */
export function partialScore(matchedWeight: number, questionWeight: number, blend: Blend): number {
  const coverage = questionWeight > 0 ? matchedWeight / questionWeight : 0;
  const evidence = 1 - Math.exp(-matchedWeight / blend.evidenceScale);
  return blend.coverage * coverage + blend.evidence * evidence;
}

/** The similarity a section is ranked by: N, blended with D when the question has pairs. */
export function rankingSimilarity(
  cosine: number,
  pairDice: number,
  questionHasPairs: boolean,
  blend: Blend,
): number {
  if (!questionHasPairs) return cosine;
  return (1 - blend.hanPairShare) * cosine + blend.hanPairShare * pairDice;
}

/** The score without Fuse.js: the partial score plus the similarity term. */
export function lexicalScore(partial: number, similarity: number, blend: Blend): number {
  return partial + blend.similarity * similarity;
}

/** The highest lexical score a section with this partial score can reach. */
export function lexicalBound(partial: number, blend: Blend): number {
  return partial + blend.similarity;
}

/** The final score, clamped to 0..1 and rounded to three decimals. */
export function finalScore(lexical: number, fuzzy: number, blend: Blend): number {
  const score = lexical + blend.fuzzy * fuzzy;
  return Math.round(Math.min(Math.max(score, 0), 1) * 1000) / 1000;
}
