import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { normalizeText } from '../../src/match/normalize.js';
import { seededRandom } from '../support/seeded-random.js';
import {
  CONCEPT_PREFIX,
  createConceptFinder,
  isSingleHan,
  stemLatinWords,
  tokenize,
  tokenizeMany,
  wordRuns,
} from '../../src/match/tokenize.js';

const tokens = (text: string, groups?: string[][]) =>
  tokenize(normalizeText(text), groups && createConceptFinder(groups));

const GROUPS = [
  ['eSIM', 'e-sim', 'eSIM卡', 'embedded sim'],
  ['Smart卡', 'SIM卡', '实体卡', 'sim card', 'physical sim'],
  ['断网', '断开网络', 'disconnect', 'cut off'],
  ['kids watch', 'watch', "children's watch"],
];
const ESIM = `${CONCEPT_PREFIX}esim`;
const SMART_CARD = `${CONCEPT_PREFIX}smart卡`;
const CUT_OFF = `${CONCEPT_PREFIX}断网`;
const KIDS_WATCH = `${CONCEPT_PREFIX}kids_watch`;

describe('tokenize', () => {
  describe('Chinese', () => {
    test('segments Chinese words with Intl.Segmenter', () => {
      expect(tokens('手机设置上网')).toEqual(expect.arrayContaining(['手机', '设置', '上网']));
    });

    test('joins adjacent single characters: 断 + 网 → 断网', () => {
      const result = tokens('断网');
      expect(result).toContain('断网');
      expect(result).toEqual(expect.arrayContaining(['断', '网']));
    });

    test('does not join characters across a stop word', () => {
      const result = tokens('断了网');
      expect(result).toEqual(['断', '网']);
    });

    test('joins a stop character that is part of a word, without keeping it alone: 还 + 款', () => {
      const result = tokens('借呗还款日');
      expect(result).toContain('还款');
      expect(result).not.toContain('还');
    });

    test('drops Chinese stop words', () => {
      const result = tokens('我的手机是你的');
      expect(result).toContain('手机');
      for (const stop of ['我', '的', '我的', '是', '你', '你的'])
        expect(result).not.toContain(stop);
    });

    test('keeps question words', () => {
      expect(tokens('这是什么')).toEqual(['什么']);
      expect(tokens('怎么设置')).toEqual(expect.arrayContaining(['怎么', '设置']));
    });

    // Known bug (see the report), since a73ea72: the run pattern's Latin branch matches
    // [\p{L}\p{N}]+, and Chinese characters are \p{L}, so a Latin word glued to Chinese
    // ("Android手机", and every "eSIM是什么" once normalised) swallows the whole Chinese run.
    test('splits a Latin word from the Chinese that follows it', () => {
      expect(tokens('Android手机')).toEqual(['android', '手机']);
    });

    test('keeps the question word of "eSIM是什么" without synonyms', () => {
      expect(tokens('eSIM是什么')).toContain('什么');
    });
  });

  describe('English', () => {
    test('stems words', () => {
      expect(tokens('disconnecting networks')).toEqual(['disconnect', 'network']);
    });

    test('drops English stop words', () => {
      expect(tokens('is the phone in my bag')).toEqual(['phone', 'bag']);
    });

    test('stemLatinWords stems "watches" to "watch" and leaves Chinese alone', () => {
      expect(stemLatinWords('watches 手表')).toBe('watch 手表');
    });
  });

  describe('concepts from synonym groups', () => {
    test("turns a term into its group's concept token, named by the first term", () => {
      expect(tokens('embedded SIM', GROUPS)).toEqual([ESIM]);
    });

    test('finds "sim卡" as a whole word', () => {
      expect(tokens('sim卡', GROUPS)).toEqual([SMART_CARD]);
    });

    test('does not find "sim卡" inside "esim卡"', () => {
      expect(tokens('esim卡', GROUPS)).toEqual([ESIM]);
    });

    test('finds both terms when a question names both', () => {
      expect(tokens('esim卡和sim卡', GROUPS)).toEqual(expect.arrayContaining([ESIM, SMART_CARD]));
    });

    test('matches an inflected word: "watches" finds the term "watch"', () => {
      expect(tokens('watches', GROUPS)).toEqual([KIDS_WATCH]);
    });

    test('matches an inflected phrase: "children\'s watches"', () => {
      expect(tokens("children's watches", GROUPS)).toEqual([KIDS_WATCH]);
    });

    test('does not find "watch" inside "stopwatch"', () => {
      expect(tokens('stopwatch', GROUPS)).toEqual(['stopwatch']);
    });

    test('matches a Chinese term inside a longer run: 能断网吗', () => {
      expect(tokens('能断网吗', GROUPS)).toContain(CUT_OFF);
    });

    test('blanks the words of a found term so they are not tokens too', () => {
      const result = tokens('can a sim card cut off', GROUPS);
      expect(result).toEqual(expect.arrayContaining([SMART_CARD, CUT_OFF, 'can']));
      for (const word of ['sim', 'card', 'cut', 'off']) expect(result).not.toContain(word);
    });

    test('finds each occurrence of a term', () => {
      expect(tokens('esim or esim', GROUPS)).toEqual([ESIM, ESIM]);
    });
  });
});

describe('tokenizeMany', () => {
  test('gives each of many long texts the words it has alone', () => {
    // Sentences longer than the run cache keeps, so that each is segmented again alone; together
    // they fill several segmenter batches.
    const words = [
      '手机',
      '流量',
      '套餐',
      '运营商',
      '国际漫游',
      '实体卡',
      '信号',
      '携号转网',
      '验证码',
    ];
    const random = seededRandom(7);
    const texts = Array.from({ length: 120 }, () =>
      Array.from({ length: 24 }, () => words[Math.floor(random() * words.length)]).join(''),
    );
    expect(new Set(texts).size).toBe(texts.length);
    const batched = tokenizeMany(texts);
    texts.forEach((text, i) => expect(batched[i]).toEqual(tokenize(text)));
    expect(texts.join('').length).toBeGreaterThan(5000);
    expect(batched.every((words) => words.length > 10)).toBe(true);
  });
});

describe('isSingleHan', () => {
  test('is true for one Chinese character only', () => {
    expect([isSingleHan('网'), isSingleHan('断网'), isSingleHan('a'), isSingleHan('')]).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('wordRuns', () => {
  // The definition, spelled out with lookaheads: a Chinese run, or a word that starts with a
  // non-Chinese letter or digit and goes on with non-Chinese letters, digits, ' and -.
  const definition =
    /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])(?:(?!\p{Script=Han})[\p{L}\p{N}'-])*/gu;
  const unit = fc.constantFrom(...[..."aZé9٣'- .,!?网絡卡ーカ한😀\n"]);

  test('splits text as its definition says', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (text) => {
        expect(wordRuns(text)).toEqual(text.match(definition) ?? []);
      }),
      { numRuns: 3000 },
    );
    expect(wordRuns("eSIM能自动断网吗? it's e-sim 3g")).toEqual([
      'eSIM',
      '能自动断网吗',
      "it's",
      'e-sim',
      '3g',
    ]);
  });
});
