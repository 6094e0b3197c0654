import { describe, expect, test } from 'vitest';
import { hanPairs, pairDice } from '../../src/match/han-pairs.js';

const pairsOf = (text: string) =>
  [...hanPairs(text)].map((code) =>
    String.fromCodePoint(Math.floor(code / 0x110000), code % 0x110000),
  );

describe('hanPairs', () => {
  test('lists each pair of adjacent Chinese characters once, breaking at anything else', () => {
    expect(pairsOf('花呗 额度花呗').sort()).toEqual(['度花', '额度', '花呗'].sort());
    expect(pairsOf('esim是什么')).toEqual(expect.arrayContaining(['是什', '什么']));
    expect(pairsOf('esim是什么')).toHaveLength(2);
  });

  test('is empty for a text without two Chinese characters side by side', () => {
    expect(hanPairs('how do I renew a loan')).toHaveLength(0);
    expect(hanPairs('a 卡 b')).toHaveLength(0);
  });

  test('reads characters beyond the Basic Multilingual Plane as one character each', () => {
    expect(pairsOf('𠀀𠀁')).toEqual(['𠀀𠀁']);
  });
});

describe('pairDice', () => {
  test('is 1 for the same text, 0 for texts sharing no pair, and shared pairs over both sizes', () => {
    const a = hanPairs('花呗额度有多少');
    expect(pairDice(a, a)).toBe(1);
    expect(pairDice(a, hanPairs('借款日期'))).toBe(0);
    // 花呗额度有多少: 花呗 呗额 额度 度有 有多 多少; 花呗的额度: 花呗 呗的 的额 额度.
    expect(pairDice(a, hanPairs('花呗的额度'))).toBeCloseTo((2 * 2) / (6 + 4));
    expect(pairDice(a, hanPairs('english only'))).toBe(0);
  });
});
