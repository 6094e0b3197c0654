import { describe, expect, test } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import {
  chooseThreshold,
  partialWording,
  probeSteps,
  thresholdSpread,
  type ProbeOutcome,
} from '../../src/match/calibrate.js';
import { matchQuestion } from '../../src/match/match-question.js';
import { buildSearchIndex, indexSteps } from '../../src/match/search-index.js';
import { matchTuning } from '../../src/match/tuning.js';
import { runToEnd } from '../../src/time-slices.js';
import { syntheticKnowledge } from '../../bench/synthetic.js';
import { fixtureKnowledgeDir, shippedKnowledgeDir } from '../knowledge/section-files.js';

const answer = (score: number, right = true): ProbeOutcome => ({
  question: `q${score}`,
  expected: 'a',
  best: right ? 'a' : 'b',
  score,
});
const decline = (score: number): ProbeOutcome => ({
  question: `n${score}`,
  expected: undefined,
  best: 'a',
  score,
});

describe('chooseThreshold', () => {
  test('with the two kinds apart, keeps every right answer and declines the lower probes', () => {
    const outcomes = [
      ...[0.6, 0.65, 0.7, 0.72, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99].map((s) => answer(s)),
      ...[0.2, 0.25, 0.3, 0.32, 0.35, 0.38, 0.4, 0.42, 0.44, 0.5].map(decline),
    ];
    const calibration = chooseThreshold(outcomes);
    expect(calibration.source).toBe('calibrated');
    // Halfway between the gap (0.5..0.6) and the score below which 37.5% of the declines fall.
    expect(calibration.threshold).toBeGreaterThan(0.4);
    expect(calibration.threshold).toBeLessThan(0.5);
    expect(calibration.answeredRight).toBe(10);
    expect(calibration.rejectedRight).toBe(8);
  });

  test('should-decline probes that score like right answers (near-duplicate sections) raise it', () => {
    // Most probes right alone puts it at 0.45, below every twin but one.
    const answers = [0.55, 0.6, 0.62, 0.65, 0.7, 0.72, 0.75, 0.8, 0.85, 0.9].map((s) => answer(s));
    const twins = [0.5, 0.55, 0.6, 0.62, 0.65, 0.68, 0.7, 0.75, 0.8, 0.9].map(decline);
    const calibration = chooseThreshold([...answers, ...twins]);
    expect(calibration.threshold).toBeGreaterThan(0.5);
    expect(calibration.threshold).toBeLessThan(0.6);
  });

  test('follows the knowledge: lower scores everywhere give a lower threshold', () => {
    const shifted = (by: number) =>
      chooseThreshold([
        ...[0.6, 0.65, 0.7, 0.72, 0.75, 0.8, 0.85, 0.9].map((s) => answer(s - by)),
        ...[0.3, 0.32, 0.35, 0.38, 0.4, 0.42, 0.44, 0.5].map((s) => decline(s - by)),
      ]).threshold;
    expect(shifted(0.2)).toBeCloseTo(shifted(0) - 0.2, 3);
  });

  test('lists the wordings another section answers, most confident first', () => {
    const outcomes = [
      ...[0.6, 0.65, 0.7, 0.72, 0.75, 0.8, 0.85, 0.9].map((s) => answer(s)),
      answer(0.5, false),
      answer(0.7, false),
      ...[0.3, 0.32, 0.35, 0.38, 0.4, 0.42, 0.44, 0.5].map(decline),
    ];
    const { confusable } = chooseThreshold(outcomes);
    expect(confusable.map((c) => c.score)).toEqual([0.7, 0.5]);
    expect(confusable[0]).toMatchObject({ section: 'a', matched: 'b' });
  });

  test('lists a wording asked in several rounds once, at its highest score', () => {
    const twice = (score: number): ProbeOutcome => ({ ...answer(score, false), question: 'q' });
    const outcomes = [
      ...[0.6, 0.65, 0.7, 0.72, 0.75, 0.8, 0.85, 0.9].map((s) => answer(s)),
      twice(0.5),
      twice(0.55),
      { ...twice(0.52), best: 'c' },
      ...[0.3, 0.32, 0.35, 0.38, 0.4, 0.42, 0.44, 0.5].map(decline),
    ];
    const { confusable } = chooseThreshold(outcomes);
    expect(confusable.map((c) => [c.matched, c.score])).toEqual([
      ['b', 0.55],
      ['c', 0.52],
    ]);
  });

  test('falls back to the default with too few probes, and says why', () => {
    const calibration = chooseThreshold([answer(0.9), decline(0.1)]);
    expect(calibration.source).toBe('fallback');
    expect(calibration.threshold).toBe(matchTuning.answer.threshold);
    expect(calibration.source === 'fallback' && calibration.reason).toMatch(/too few wordings/);
  });
});

describe('partialWording', () => {
  test('leaves one word in three out, keeping the others in order', () => {
    expect(partialWording('how do I renew a loan', 0)).toBe('do I a loan');
    expect(partialWording('how do I renew a loan', 1)).toBe('how do renew a');
    expect(partialWording('why', 0)).toBeUndefined();
  });

  test('leaves out Chinese characters the segmenter split two at a time, as one word', () => {
    // 借|呗|还|款|日|是|哪天: the pairs 借呗 and 还款 are dropped or kept whole.
    expect(partialWording('借呗还款日是哪天', 0)).toBe('还款 日是');
    expect(partialWording('借呗还款日是哪天', 1)).toBe('借呗 还款 哪天');
  });
});

describe('the calibrated index', () => {
  test('a three-section knowledge base keeps the default threshold, and an override wins', async () => {
    // The fixture's first three sections: too few to hold any out.
    const fixture = await loadKnowledge(fixtureKnowledgeDir);
    const index = buildSearchIndex({ ...fixture, sections: fixture.sections.slice(0, 3) });
    expect(index.calibration.source).toBe('fallback');
    expect(index.calibration.threshold).toBe(matchTuning.answer.threshold);
    const question = 'how do I brew green tea';
    const { score } = matchQuestion(index, question);
    expect(matchQuestion(index, question, { threshold: score + 0.01 }).section).toBeUndefined();
    expect(matchQuestion(index, question, { threshold: score }).section?.id).toBe('green-tea');
  });
});

describe('thresholdSpread', () => {
  const spreadOf = (outcomes: ProbeOutcome[]) => runToEnd(thresholdSpread(outcomes));
  // Scores spread evenly without a period: 0.6..0.9 to answer, 0.25..0.55 to decline.
  const spread = (i: number) => (i * 0.618034) % 1;
  const kinds = (copies: number) =>
    Array.from({ length: copies }, (_, i) => [
      answer(0.6 + 0.3 * spread(i)),
      decline(0.25 + 0.3 * spread(i + 0.5)),
    ]).flat();

  test('narrows as probes of the same two kinds add up', () => {
    const few = spreadOf(kinds(12));
    const many = spreadOf(kinds(120));
    expect(many).toBeLessThan(few);
    expect(many).toBeLessThanOrEqual(matchTuning.calibration.stopSpread);
  });

  test('is infinite while a kind is too thin to calibrate on', () => {
    expect(spreadOf([...kinds(3), answer(0.9), answer(0.8)])).toBe(Infinity);
  });
});

describe('probes on a large knowledge base', () => {
  test('stop once the threshold hardly moves, before every section asked has been', async () => {
    const { knowledge } = syntheticKnowledge(
      await loadKnowledge(shippedKnowledgeDir),
      matchTuning.calibration.earlyStopSections,
    );
    const outcomes = runToEnd(probeSteps(knowledge, (k) => indexSteps(k)));
    // Every section asked would give 200 to answer and 50 held out, three wordings each.
    expect(outcomes.length).toBeGreaterThanOrEqual(matchTuning.calibration.minProbesToStop);
    expect(outcomes.length).toBeLessThan(350);
    expect(runToEnd(thresholdSpread(outcomes))).toBeLessThanOrEqual(
      matchTuning.calibration.stopSpread,
    );
    // Both kinds are in the sample, as in the whole.
    expect(outcomes.filter((o) => o.expected === undefined).length).toBeGreaterThan(40);
  });
});
