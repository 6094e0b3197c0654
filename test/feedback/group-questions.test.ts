import { describe, expect, test } from 'vitest';
import { groupingKey, groupQuestions, jaccard } from '../../src/feedback/group-questions.js';

describe('groupingKey', () => {
  test.each([
    ['今天吃什么', '今天吃什么？'],
    ['今天吃什么', '今天吃啥'],
    ['今天吃什么', '今天吃什麼'],
    ['Who won the game last night?', 'who won the game last night'],
  ])('%s and %s share a key', (a, b) => {
    expect(groupingKey(a)).toBe(groupingKey(b));
  });

  test('text without letters is grouped by what was typed', () => {
    expect(groupingKey('👍👍')).toBe('👍👍');
  });
});

describe('jaccard', () => {
  test('is the shared share of the union', () => {
    expect(jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd']))).toBe(0.5);
    expect(jaccard(new Set(), new Set())).toBe(0);
  });
});

describe('groupQuestions', () => {
  test('merges near-duplicates, counts every asking and keeps the most asked wording', () => {
    const groups = groupQuestions([
      '今天吃什么',
      '今天吃啥',
      '今天吃什么？',
      '今天吃什么',
      'who won the game last night',
      'Who won the game last night?',
      'best pizza recipe',
    ]);
    expect(groups).toEqual([
      { count: 4, example: '今天吃什么', wordings: 3 },
      { count: 2, example: 'who won the game last night', wordings: 2 },
      { count: 1, example: 'best pizza recipe', wordings: 1 },
    ]);
  });

  test('joins wordings whose tokens overlap at the threshold, not below it', () => {
    // {best, pizza, recip} vs {best, pizza, recip, dough}: 3/4 ≥ 0.6 — one group.
    expect(groupQuestions(['best pizza recipe', 'best pizza recipe dough'])).toHaveLength(1);
    // {who, won, game, last, night} vs {who, won, game, yesterdai}: 3/6 < 0.6 — two groups.
    expect(
      groupQuestions(['who won the game last night', 'who won the game yesterday']),
    ).toHaveLength(2);
    expect(
      groupQuestions(['who won the game last night', 'who won the game yesterday'], {
        minSimilarity: 0.5,
      }),
    ).toHaveLength(1);
  });

  test('compares with the wording that started a group, so similarity does not chain', () => {
    // b is close to a (3/5) and joins it; c is as close to b (3/5) but not to a (2/6): apart.
    const groups = groupQuestions(
      [
        'alpha beta gamma delta',
        'alpha beta gamma delta',
        'alpha beta gamma epsilon',
        'beta gamma epsilon zeta',
      ],
      { minSimilarity: 0.6 },
    );
    expect(groups.map((g) => [g.count, g.example])).toEqual([
      [3, 'alpha beta gamma delta'],
      [1, 'beta gamma epsilon zeta'],
    ]);
  });

  test('returns at most `limit` groups, largest first, ignoring blank questions', () => {
    const texts = Array.from({ length: 30 }, (_, i) => `question number ${i} about zebra${i}`);
    texts.push('', '   ', 'question number 3 about zebra3');
    const groups = groupQuestions(texts, { limit: 20 });
    expect(groups).toHaveLength(20);
    expect(groups[0]).toEqual({ count: 2, example: 'question number 3 about zebra3', wordings: 1 });
  });
});
