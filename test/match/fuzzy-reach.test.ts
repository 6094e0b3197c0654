import fc from 'fast-check';
import Fuse from 'fuse.js';
import { describe, expect, test } from 'vitest';
import { fuzzyReach } from '../../src/match/fuzzy-reach.js';

const THRESHOLD = 0.6;

// A small alphabet, so that random patterns and texts often match and often nearly match.
const unit = fc.constantFrom(...'abcdeAB 数据流量-'.split(''));
// Fuse.js returns every document, unscored, for a blank query; the matcher never sends one.
const pattern = fc.string({ unit, minLength: 1, maxLength: 32 }).filter((p) => p.trim() !== '');
const text = fc.string({ unit, maxLength: 60 });

function fuseMatches(query: string, value: string): boolean {
  const fuse = new Fuse([value], { threshold: THRESHOLD, ignoreLocation: true });
  return fuse.search(query).length > 0;
}

function fuseScore(query: string, values: string[]): number | undefined {
  const fuse = new Fuse([{ values }], {
    keys: ['values'],
    threshold: THRESHOLD,
    ignoreLocation: true,
    includeScore: true,
  });
  return fuse.search(query)[0]?.score;
}

// The textbook dynamic programme, to check the bit-parallel one against.
function longestCommonSubsequence(a: string, b: string): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = [0];
    for (let j = 1; j <= b.length; j++)
      row[j] =
        a[i - 1] === b[j - 1]
          ? (previous[j - 1] ?? 0) + 1
          : Math.max(previous[j] ?? 0, row[j - 1] ?? 0);
    previous = row;
  }
  return previous[b.length] ?? 0;
}

describe('fuzzyReach', () => {
  test('keeps exactly the texts whose common subsequence with the pattern is long enough', () => {
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        const lcs = longestCommonSubsequence(p.toLowerCase(), t.toLowerCase());
        expect(fuzzyReach(p, THRESHOLD)(t)).toBe(lcs >= p.length * (1 - THRESHOLD));
      }),
      { numRuns: 3000 },
    );
  });

  test('never leaves out a text that Fuse.js matches', () => {
    let leftOut = 0;
    let matched = 0;
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        const reachable = fuzzyReach(p, THRESHOLD)(t);
        const matches = fuseMatches(p, t);
        if (!reachable) leftOut++;
        if (matches) matched++;
        return reachable || !matches;
      }),
      { numRuns: 5000 },
    );
    // Both sides were exercised: the property is not true for want of examples.
    expect(leftOut).toBeGreaterThan(100);
    expect(matched).toBeGreaterThan(100);
  });

  test('a left-out text does not change the score of the values that match', () => {
    fc.assert(
      fc.property(
        pattern,
        fc.array(text, { minLength: 1, maxLength: 4 }),
        text,
        (p, kept, extra) => {
          fc.pre(!fuzzyReach(p, THRESHOLD)(extra));
          expect(fuseScore(p, [...kept, extra])).toBe(fuseScore(p, kept));
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('leaves out texts in another script and keeps those that share the words', () => {
    const reach = fuzzyReach('android data limit auto turn off', THRESHOLD);
    expect(reach('流量上限')).toBe(false);
    expect(reach('esim')).toBe(false);
    expect(reach('data limit')).toBe(false);
    expect(reach('set a data limit on android')).toBe(true);
    // The same letters in another order: what a count of shared characters would let through.
    expect(fuzzyReach('abcd', THRESHOLD)('dcba')).toBe(false);
    expect(fuseMatches('abcd', 'dcba')).toBe(false);
    expect(fuzzyReach('ESIM', THRESHOLD)('esim')).toBe(true);
  });
});
