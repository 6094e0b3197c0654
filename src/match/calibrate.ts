/**
 * Derives the answer threshold from the knowledge itself, so that the default works for a
 * knowledge base with one wording per section as well as one with sixteen.
 *
 * In each round, a fifth of the sections is held out whole, and one wording is taken out of
 * every other section; a second index is built from what is left. The wordings taken out are
 * asked back ("should answer": right when their own section comes first), and so are the
 * held-out sections' wordings ("should decline": nothing there answers them). A section with a
 * single wording is asked back with a partial copy of it instead (some of its words dropped),
 * as a user's shorter rewording would read. The threshold is the midpoint of two estimates
 * that err on opposite sides: the one that gets most of both kinds right (weighing them as
 * `outOfScopeShare` says questions usually fall), and the score below which `declineQuantile`
 * of the should-decline probes fall.
 */
import type { Knowledge, Section, SectionLang, SectionText } from '../knowledge/types.js';
import { matchQuestion } from './match-question.js';
import { normalizeText } from './normalize.js';
import { isSingleHan } from './tokenize.js';
import type { UncalibratedIndex } from './search-index.js';
import { matchTuning } from './tuning.js';
import { chineseWordSegmenter } from './word-segmenter.js';

/** How the index's threshold was found, with the cross-validated figures behind it. */
export type Calibration = CalibratedThreshold | FallbackThreshold;

interface ProbeFigures {
  /** Wordings asked back that should be answered, and those answered with their own section. */
  answerProbes: number;
  answeredRight: number;
  /** Wordings of held-out sections, and those declined at the threshold. */
  declineProbes: number;
  rejectedRight: number;
  /** Wordings whose own section did not come first, most confident first. */
  confusable: readonly ConfusablePair[];
}

export interface CalibratedThreshold extends ProbeFigures {
  source: 'calibrated';
  threshold: number;
}

export interface FallbackThreshold extends ProbeFigures {
  source: 'fallback';
  threshold: number;
  /** Why the knowledge could not be calibrated. */
  reason: string;
}

/** A wording of one section that another section answers better. */
export interface ConfusablePair {
  question: string;
  section: string;
  /** The section that came first instead, and its score. */
  matched: string;
  score: number;
}

/** One question asked back, and what the held-out index made of it. */
export interface ProbeOutcome {
  question: string;
  /** The section that should answer; undefined for a held-out section's wording. */
  expected: string | undefined;
  best: string | undefined;
  score: number;
}

const { calibration: tuning, answer } = matchTuning;

// Sections looked at between two yields while a round's knowledge is put together.
const SECTIONS_PER_STEP = 256;

type IndexSteps = (knowledge: Knowledge) => Generator<void, UncalibratedIndex>;

/** Calibrates `index` (built from `knowledge`), yielding between units of work. */
export function* calibrationSteps(
  knowledge: Knowledge,
  build: IndexSteps,
): Generator<void, Calibration> {
  return chooseThreshold(yield* probeSteps(knowledge, build));
}

/** Asks the held-out wordings back, round by round; the outcomes feed {@link chooseThreshold}. */
export function* probeSteps(
  knowledge: Knowledge,
  build: IndexSteps,
): Generator<void, ProbeOutcome[]> {
  const sections = knowledge.sections;
  // Only the sections asked need their wordings: a large knowledge base asks few of them.
  const wordings: Wording[][][] = [];
  const wordingsOf = (i: number) => (wordings[i] ??= distinctWordings(sections[i] as Section));
  const folds = tuning.folds;
  if (sections.length < folds) return [];
  const rounds = Math.min(
    tuning.maxRounds,
    Math.max(
      1,
      Math.ceil(tuning.maxProbes / Math.max(1, sections.length - sections.length / folds)),
    ),
  );
  // Sections asked per round, spread evenly, so that a large knowledge base costs a bounded
  // number of questions.
  const stride = Math.max(1, Math.ceil(sections.length / tuning.maxProbes));
  const outcomes: ProbeOutcome[] = [];
  for (let round = 0; round < rounds; round++) {
    // Held out by blocks of `stride` sections, so that the sections asked fall in and out.
    const heldOut = (i: number) => (Math.floor(i / stride) + round) % folds === 0;
    // Per section asked, its probes (a held-out section has several).
    const probes: { question: string; expected: string | undefined }[][] = [];
    const kept: Section[] = [];
    for (const [i, section] of sections.entries()) {
      if (i % SECTIONS_PER_STEP === 0) yield;
      // Languages take turns; a wording is only taken out where another in its language stays.
      const picked = (i + round) % stride === 0;
      const byLang = picked ? wordingsOf(i) : [];
      const own = byLang[(i + round) % Math.max(byLang.length, 1)] ?? [];
      const nth = Math.floor(round / Math.max(byLang.length, 1));
      const asked = picked && own.length > 0;
      if (heldOut(i)) {
        // A held-out section costs no build of its own: several of its wordings are asked.
        // A wording asked to answer is partial where the section has one wording only; so
        // is the one asked to decline, so that both kinds are equally hard to match.
        if (asked && own.length === 1) {
          const partial = partialWording(own[0]?.text ?? '', nth);
          if (partial) probes.push([{ question: partial, expected: undefined }]);
        } else if (asked) {
          probes.push(
            byLang
              .flat()
              .slice(0, tuning.declinePerSection)
              .map((wording) => ({ question: wording.text, expected: undefined })),
          );
        }
        continue;
      }
      if (!asked) {
        kept.push(section);
        continue;
      }
      if (own.length === 1) {
        // Nothing to take out without leaving the language empty: the wording stays with
        // one word in three left out, and is asked with another one in three left out, as a
        // user's rewording shares some of its words and not others.
        const single = own[0] as Wording;
        const partial = partialWording(single.text, nth);
        const stays = partialWording(single.text, nth + 1);
        if (partial && stays) {
          probes.push([{ question: partial, expected: section.id }]);
          kept.push(replacing(section, single.normalized, stays));
        } else {
          kept.push(section);
        }
        continue;
      }
      const taken = own[nth % own.length] as Wording;
      probes.push([{ question: taken.text, expected: section.id }]);
      kept.push(without(section, taken.normalized));
    }
    if (probes.length === 0) continue;
    const probeIndex = yield* build({ ...knowledge, sections: kept });
    const calibrating = { ...probeIndex, calibration: UNCALIBRATED };
    // Asked section by section in an order that spreads any first stretch over the whole
    // knowledge and both kinds, so that stopping early leaves a fair sample; a section's own
    // probes stay together (they share words, which the matcher's caches reuse).
    const ordered = spreadOrder(probes.length).flatMap((at) => probes[at] ?? []);
    for (const probe of ordered) {
      yield;
      const result = matchQuestion(calibrating, probe.question, { threshold: 0 });
      outcomes.push({
        ...probe,
        best: result.best?.section.id,
        score: result.best?.score ?? 0,
      });
      // On a large knowledge base each probe searches a large index: enough of them once the
      // threshold they give would hardly move with others.
      if (
        sections.length >= tuning.earlyStopSections &&
        outcomes.length >= tuning.minProbesToStop &&
        outcomes.length % tuning.stopCheckEvery === 0 &&
        (yield* thresholdSpread(outcomes)) <= tuning.stopSpread
      )
        return outcomes;
    }
    if (outcomes.length >= tuning.maxProbes) break;
  }
  return outcomes;
}

/**
 * The threshold for the probes' outcomes: the midpoint of the threshold that gets most probes
 * right and the `declineQuantile` of the should-decline scores, within bounds.
 *
 * The first trusts both kinds of probe. Its should-answer probes read closer to their section
 * than users' rewordings do where sections have few wordings (a partial copy keeps half the
 * words of what stays), which puts it too high there; where the knowledge holds near-duplicate
 * sections its should-decline probes find their twin and score like right answers, which puts
 * it far too low. The second trusts only the should-decline probes, whose scores follow those
 * of real questions about missing topics more closely; alone it sits too low where the two
 * kinds part cleanly. Each errs on the side the other does not.
 */
export function chooseThreshold(outcomes: readonly ProbeOutcome[]): Calibration {
  const positives = outcomes.filter((o) => o.expected !== undefined);
  const negatives = outcomes.filter((o) => o.expected === undefined);
  // A small knowledge base is asked the same wording in several rounds: each pair is listed
  // once, at its highest score, so that the list shows as many different pairs as it can.
  const listed = new Set<string>();
  const confusable = positives
    .filter((o) => o.best !== undefined && o.best !== o.expected)
    .sort((a, b) => b.score - a.score)
    .filter((o) => {
      const pair = JSON.stringify([o.question, o.expected, o.best]);
      if (listed.has(pair)) return false;
      listed.add(pair);
      return true;
    })
    .slice(0, tuning.maxConfusable)
    .map((o) => ({
      question: o.question,
      section: o.expected as string,
      matched: o.best as string,
      score: o.score,
    }));
  const figuresAt = (threshold: number): ProbeFigures => ({
    answerProbes: positives.length,
    answeredRight: positives.filter((o) => o.best === o.expected && o.score >= threshold).length,
    declineProbes: negatives.length,
    rejectedRight: negatives.filter((o) => o.score < threshold).length,
    confusable,
  });
  const threshold = thresholdOf(positives, negatives);
  if (threshold === undefined) {
    return {
      source: 'fallback',
      threshold: answer.threshold,
      reason: `too few wordings to calibrate on (${positives.length} to answer, ${negatives.length} to decline; ${tuning.minProbes} each needed)`,
      ...figuresAt(answer.threshold),
    };
  }
  return { source: 'calibrated', threshold, ...figuresAt(threshold) };
}

// The threshold of {@link chooseThreshold}; undefined with too few probes of either kind.
function thresholdOf(
  positives: readonly ProbeOutcome[],
  negatives: readonly ProbeOutcome[],
): number | undefined {
  if (positives.length < tuning.minProbes || negatives.length < tuning.minProbes) return undefined;
  const share = tuning.outOfScopeShare;
  // Each probe counts by how far its score lies from the threshold (a logistic of width
  // `smoothing`) rather than by which side it falls on: the best threshold then sits where
  // the two kinds part, not at the edge of a flat stretch a probe or two decide.
  const width = tuning.smoothing;
  const side = (x: number) => 1 / (1 + Math.exp(-x / width));
  const rightScores = positives.filter((o) => o.best === o.expected).map((o) => o.score);
  const declineScores = negatives.map((o) => o.score);
  const valueAt = (t: number) =>
    ((1 - share) * rightScores.reduce((sum, s) => sum + side(s - t), 0)) / positives.length +
    (share * declineScores.reduce((sum, s) => sum + side(t - s), 0)) / negatives.length;
  let raw = answer.threshold;
  let best = -Infinity;
  for (let t = tuning.lowest; t <= tuning.highest + 1e-9; t += 0.005) {
    const v = valueAt(t);
    if (v > best) {
      best = v;
      raw = t;
    }
  }
  const mixed =
    tuning.objectiveWeight * raw +
    (1 - tuning.objectiveWeight) * quantile(declineScores, tuning.declineQuantile);
  return Math.round(Math.min(Math.max(mixed, tuning.lowest), tuning.highest) * 1000) / 1000;
}

/**
 * How far the threshold of `outcomes` would move with other probes of the same kinds: the
 * grouped jackknife's standard error (the threshold again without each of `spreadGroups`
 * stretches of them in turn; they were asked in an order spread over the knowledge). Infinite
 * while either kind is too thin to calibrate on.
 */
export function* thresholdSpread(outcomes: readonly ProbeOutcome[]): Generator<void, number> {
  const groups = tuning.spreadGroups;
  const estimates: number[] = [];
  for (let g = 0; g < groups; g++) {
    yield;
    const rest = outcomes.filter((_, i) => Math.floor((i * groups) / outcomes.length) !== g);
    const t = thresholdOf(
      rest.filter((o) => o.expected !== undefined),
      rest.filter((o) => o.expected === undefined),
    );
    if (t === undefined) return Infinity;
    estimates.push(t);
  }
  const mean = estimates.reduce((sum, t) => sum + t, 0) / groups;
  const squares = estimates.reduce((sum, t) => sum + (t - mean) ** 2, 0);
  return Math.sqrt(((groups - 1) / groups) * squares);
}

// 0..n-1 by a step near n/φ that shares no factor with n: every stretch of the order is spread
// evenly over the list.
function spreadOrder(n: number): number[] {
  let step = Math.max(1, Math.round(n * 0.618));
  while (gcd(step, n) !== 1) step++;
  return Array.from({ length: n }, (_, k) => (k * step) % n);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

// The score below which `share` of `scores` fall, read between the two nearest (linearly).
function quantile(scores: readonly number[], share: number): number {
  const sorted = [...scores].sort((a, b) => a - b);
  const at = share * (sorted.length - 1);
  const low = sorted[Math.floor(at)] ?? 0;
  const high = sorted[Math.ceil(at)] ?? low;
  return low + (high - low) * (at - Math.floor(at));
}

const UNCALIBRATED: Calibration = {
  source: 'fallback',
  threshold: answer.threshold,
  reason: 'calibrating',
  answerProbes: 0,
  answeredRight: 0,
  declineProbes: 0,
  rejectedRight: 0,
  confusable: [],
};

interface Wording {
  text: string;
  normalized: string;
}

// Per language, the section's alternate questions and title, each distinct normalised text
// once. A language whose wordings all stand in another too (a block copied from the other
// language) is left out: taking a wording out of one would take it out of both.
function distinctWordings(section: Section): Wording[][] {
  const lists = section.langs.map((lang) => {
    const text = section.text[lang];
    if (!text) return [];
    const seen = new Set<string>();
    const list: Wording[] = [];
    for (const raw of [...text.questions, text.title]) {
      const normalized = normalizeText(raw);
      if (normalized === '' || seen.has(normalized)) continue;
      seen.add(normalized);
      list.push({ text: raw, normalized });
    }
    return list;
  });
  return lists.filter(
    (list, i) =>
      list.length > 0 &&
      !lists.some(
        (other, j) =>
          j !== i &&
          (other.length > list.length || (other.length === list.length && j < i)) &&
          list.every((w) => other.some((o) => o.normalized === w.normalized)),
      ),
  );
}

// The section with every title and question that reads as `normalized` left out.
function without(section: Section, normalized: string): Section {
  return replacing(section, normalized, undefined);
}

// The section with every title and question that reads as `normalized` replaced by `text`
// (left out when undefined).
function replacing(section: Section, normalized: string, text: string | undefined): Section {
  const swap = (lines: readonly string[]) =>
    lines.flatMap((line) => (normalizeText(line) !== normalized ? [line] : text ? [text] : []));
  const strip = (block: SectionText): SectionText => ({
    ...block,
    title: normalizeText(block.title) === normalized ? (text ?? '') : block.title,
    questions: swap(block.questions),
  });
  const blocks: Partial<Record<SectionLang, SectionText>> = {};
  for (const lang of section.langs) {
    const own = section.text[lang];
    if (own) blocks[lang] = strip(own);
  }
  return { ...section, text: blocks };
}

/**
 * A shorter rewording of `text`: one word in three left out (which ones depends on `shift`),
 * the rest in order. Undefined when the text has too few words to lose one.
 */
export function partialWording(text: string, shift: number): string | undefined {
  const words = pairSingleHan(
    [...chineseWordSegmenter().segment(text)].filter((s) => s.isWordLike).map((s) => s.segment),
  );
  if (words.length < 3) return undefined;
  return words.filter((_, i) => (i + shift) % 3 !== 0).join(' ');
}

// The segmenter's dictionary cuts words it does not know into characters (花呗 → 花|呗); a
// user's rewording keeps such a word whole, so runs of single characters count as words of
// two characters each.
function pairSingleHan(words: readonly string[]): string[] {
  const out: string[] = [];
  let pending: string | undefined;
  for (const word of words) {
    if (isSingleHan(word)) {
      if (pending === undefined) pending = word;
      else {
        out.push(pending + word);
        pending = undefined;
      }
      continue;
    }
    if (pending !== undefined) out.push(pending);
    pending = undefined;
    out.push(word);
  }
  if (pending !== undefined) out.push(pending);
  return out;
}
