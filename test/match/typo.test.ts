import { beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { homophoneTable, soundsLike } from '../../src/match/homophones.js';
import { matchQuestion } from '../../src/match/match-question.js';
import { buildSearchIndex, type SearchIndex } from '../../src/match/search-index.js';
import { editsWithin, plausibleTypo, splitJoinedWord } from '../../src/match/typo.js';
import { fixtureKnowledgeDir } from '../knowledge/section-files.js';

// The fixture knowledge (green tea, coffee beans, tap water), so that these hold whatever the
// shipped knowledge says.
let index: SearchIndex;
beforeAll(async () => {
  index = buildSearchIndex(await loadKnowledge(fixtureKnowledgeDir));
});

// Each slip, the same question written right, and with the word replaced by an unknown one:
// the slip must score near the right wording and clearly above the unknown word.
describe.each([
  ['a pinyin-input slip', '绿叉怎么泡', '绿茶怎么泡', '鼠标怎么泡', 'green-tea'],
  [
    'a pinyin-input slip in a synonym',
    '卡飞怎么保存',
    '咖啡怎么保存',
    '沙发怎么保存',
    'coffee-beans',
  ],
  ['a changed letter in a term inside Chinese', 'jafa豆', 'java豆', 'kiwi豆', 'coffee-beans'],
  [
    'a space typed inside a word',
    'espr esso beans',
    'espresso beans',
    'kiwi fruit beans',
    'coffee-beans',
  ],
  [
    'the space left out between two words',
    'how do i make coldbrew',
    'how do i make cold brew',
    'how do i make kiwi',
    'iced-tea',
  ],
  [
    'the space left out of a synonym term',
    'is faucetwater safe to drink',
    'is faucet water safe to drink',
    'is kiwi safe to drink',
    'tap-water',
  ],
] as const)('%s', (_, misspelt, written, unknown, id) => {
  test(`"${misspelt}" scores about as "${written}" does`, () => {
    const slip = matchQuestion(index, misspelt);
    const right = matchQuestion(index, written);
    const other = matchQuestion(index, unknown);
    expect(right.best?.section.id).toBe(id);
    expect(slip.best?.section.id).toBe(id);
    expect(slip.score).toBeGreaterThan(right.score - 0.15);
    expect(slip.score).toBeGreaterThan(other.score + 0.1);
  });
});

describe('splitJoinedWord', () => {
  test('splits a word into two the knowledge writes apart, or a synonym term', () => {
    expect(splitJoinedWord(index.typos, 'coldbrew')).toBe('cold brew');
    expect(splitJoinedWord(index.typos, 'faucetwater')).toBe('faucet water');
  });

  test('never splits off a stop word, a short part, or a word only a synonym phrase holds', () => {
    // "with" is a stop word; "wa" is too short; "faucet" stands only in "faucet water".
    expect(splitJoinedWord(index.typos, 'withwater')).toBeUndefined();
    expect(splitJoinedWord(index.typos, 'teawa')).toBeUndefined();
    expect(splitJoinedWord(index.typos, 'faucetbeans')).toBeUndefined();
    expect(splitJoinedWord(index.typos, 'kiwifruit')).toBeUndefined();
  });
});

describe('homophoneTable', () => {
  test('reads a word by its sound, tones aside', () => {
    const table = homophoneTable(['断网', '流量']);
    expect(soundsLike(table, '段网')).toBe('断网');
    expect(soundsLike(table, '留量')).toBe('流量');
    expect(soundsLike(table, '断开')).toBeUndefined();
  });

  test('leaves out a sound two words share, and single characters', () => {
    const table = homophoneTable(['公式', '公事', '网']);
    expect(soundsLike(table, '攻势')).toBeUndefined();
    expect(soundsLike(table, '往')).toBeUndefined();
  });

  test('maps a synonym term to its concept token', () => {
    expect(soundsLike(homophoneTable([], [['绿茶', '~green']]), '绿叉')).toBe('~green');
  });
});

describe('plausibleTypo', () => {
  test('in English, a short word takes only a missing, extra or swapped letter', () => {
    expect(plausibleTypo('esmi', 'esim')).toBe(true);
    expect(plausibleTypo('esm', 'esim')).toBe(true);
    expect(plausibleTypo('game', 'same')).toBe(false);
  });

  test('a word of six to eight letters takes one edit of any kind, and no more', () => {
    expect(plausibleTypo('tranfer', 'transfer')).toBe(true);
    expect(plausibleTypo('stollen', 'stolen')).toBe(true);
    expect(plausibleTypo('phome', 'phone')).toBe(false);
    expect(plausibleTypo('phonne', 'phone')).toBe(true);
    expect(plausibleTypo('sertings', 'settings')).toBe(true);
    // Two letters apart, these are other words, not slips.
    expect(plausibleTypo('explain', 'exploit')).toBe(false);
    expect(plausibleTypo('downside', 'downtime')).toBe(false);
    expect(plausibleTypo('verizon', 'version')).toBe(false);
  });

  test('a longer word takes two edits', () => {
    expect(plausibleTypo('automaticaly', 'automatically')).toBe(true);
    expect(plausibleTypo('disconecttion', 'disconnection')).toBe(true);
    expect(plausibleTypo('discontinued', 'disconnected')).toBe(false);
  });

  test('inside Chinese, a short term also takes one changed letter', () => {
    expect(plausibleTypo('esin', 'esim', true)).toBe(true);
    expect(plausibleTypo('esnn', 'esim', true)).toBe(false);
  });
});

describe('editsWithin', () => {
  test.each([
    ['esim', 'esim', 0, true],
    ['esmi', 'esim', 1, true],
    ['esm', 'esim', 1, true],
    ['esiim', 'esim', 1, true],
    ['game', 'same', 1, true],
    ['game', 'sane', 1, false],
    ['game', 'sane', 2, true],
    ['', 'ab', 1, false],
    ['ab', '', 2, true],
  ] as const)('%s → %s within %d edits: %s', (a, b, max, within) => {
    expect(editsWithin(a, b, max)).toBe(within);
    expect(editsWithin(b, a, max)).toBe(within);
  });
});
