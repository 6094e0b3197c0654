import { describe, expect, test } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { chooseThreshold, partialWording, type ProbeOutcome } from '../../src/match/calibrate.js';
import { matchQuestion } from '../../src/match/match-question.js';
import { buildSearchIndex } from '../../src/match/search-index.js';
import { matchTuning } from '../../src/match/tuning.js';
import { fixtureKnowledgeDir } from '../knowledge/section-files.js';

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
