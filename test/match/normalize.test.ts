import { describe, expect, test } from 'vitest';
import { MAX_QUESTION_CHARS, normalizeText } from '../../src/match/normalize.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

describe('normalizeText', () => {
  describe('width and case', () => {
    test('turns full-width "ＥＳＩＭ" into "esim"', () => {
      expect(normalizeText('ＥＳＩＭ')).toBe('esim');
    });

    test('turns full-width digits and spaces into half-width ones', () => {
      expect(normalizeText('ＳＩＭ　１２３')).toBe('sim 123');
    });

    test('lower-cases Latin letters', () => {
      expect(normalizeText('What Is An eSIM')).toBe('what is an esim');
    });
  });

  describe('script', () => {
    test('turns Traditional characters into Simplified ones', () => {
      expect(normalizeText('手機能斷網')).toBe('手机能断网');
    });

    test('turns Taiwan wording into mainland wording', () => {
      expect(normalizeText('遠端斷開')).toBe('远程断开');
    });

    test('writes colloquial question words as the written ones', () => {
      expect(normalizeText('eSIM是啥')).toBe('esim是什么');
      expect(normalizeText('咋开通eSIM')).toBe('怎么开通esim');
      expect(normalizeText('這是啥')).toBe('这是什么');
    });

    test('writes Cantonese words as the Mandarin ones, and leaves 關係 alone', () => {
      expect(normalizeText('eSIM係咪即係冇卡')).toBe('esim是不是即系没有卡');
      expect(normalizeText('有冇得用')).toBe('有没有得用');
      expect(normalizeText('實體卡同eSIM有咩分別')).toBe('实体卡同esim有什么分别');
      expect(normalizeText('兩者關係')).toBe('两者关系');
      expect(normalizeText('係咩嚟㗎？')).toBe('是什么来');
      expect(normalizeText('部電話俾人扒咗，點樣停咗張卡')).toBe('部电话被人扒了怎么停了张卡');
      expect(normalizeText('點解邊度都冇信號')).toBe('为什么哪里都没有信号');
      expect(normalizeText('我嘅電話唔見咗點算')).toBe('我的电话不见了怎么办');
      expect(normalizeText('佢哋搵唔到，畀我')).toBe('他们找不到给我');
    });
  });

  describe('mentions and commands', () => {
    test('strips an @mention at the start', () => {
      expect(normalizeText('@some_bot 什么是eSIM')).toBe('什么是esim');
    });

    test('strips an @mention at the end', () => {
      expect(normalizeText('what is an esim @some_bot')).toBe('what is an esim');
    });

    test('strips a /command', () => {
      expect(normalizeText('/ask 什么是eSIM')).toBe('什么是esim');
    });

    test('strips a /command addressed to a bot', () => {
      expect(normalizeText('/ask@some_bot what is an esim')).toBe('what is an esim');
    });

    test('strips an @mention followed by a /command', () => {
      expect(normalizeText('@some_bot /ask what is an esim')).toBe('what is an esim');
    });
  });

  describe('filler words', () => {
    test('strips 请问 and a final 吗', () => {
      expect(normalizeText('请问eSIM安全吗？')).toBe('esim安全');
    });

    test('strips a final 呢 but keeps 怎么', () => {
      expect(normalizeText('eSIM怎么用呢')).toBe('esim怎么用');
    });

    test('keeps 什么', () => {
      expect(normalizeText('想问一下eSIM是什么')).toBe('esim是什么');
    });

    test('keeps 吗 inside a word', () => {
      expect(normalizeText('吗啡是什么')).toBe('吗啡是什么');
    });

    test('strips "please" and "thanks"', () => {
      expect(normalizeText('Please, what is an eSIM? Thanks!')).toBe('what is an esim');
    });

    test('strips the lead-in of a chat message, keeping a question that names "question"', () => {
      expect(normalizeText("hi! quick question, does my kid's watch need a sim?")).toBe(
        'does my kid watch need a sim',
      );
      expect(normalizeText("I'm wondering, I have a question: is eSIM safe")).toBe('is esim safe');
      expect(normalizeText('what is a security question')).toBe('what is a security question');
    });

    test('keeps "what" and "how"', () => {
      expect(normalizeText('how and what')).toBe('how and what');
    });

    test('leaves nothing of a question made of filler only', () => {
      expect(normalizeText('谢谢！Thanks, please.')).toBe('');
    });
  });

  describe('invisible and broken characters', () => {
    test('removes zero-width characters inside a word', () => {
      expect(normalizeText('e\u200BS\u200DI\u2060M\uFEFF')).toBe('esim');
    });

    test('removes a soft hyphen', () => {
      expect(normalizeText('e\u00ADsim')).toBe('esim');
    });

    test('removes a lone high surrogate', () => {
      expect(normalizeText('es\uD800im')).toBe('esim');
    });

    test('removes a lone low surrogate', () => {
      expect(normalizeText('\uDC00esim')).toBe('esim');
    });

    test('keeps a Han character outside the Basic Multilingual Plane whole', () => {
      expect(normalizeText('\u{20000}字')).toBe('\u{20000}字');
    });
  });

  describe('spacing and punctuation', () => {
    test('joins "SIM 卡" into "sim卡"', () => {
      expect(normalizeText('SIM 卡')).toBe('sim卡');
    });

    test('removes every space next to a Chinese character', () => {
      expect(normalizeText('eSIM 能 自动 断网 吗 ?')).toBe('esim能自动断网');
    });

    test('collapses runs of spaces between English words', () => {
      expect(normalizeText('  sim \t\n card  ')).toBe('sim card');
    });

    test('keeps a single hyphen or apostrophe inside a word', () => {
      expect(normalizeText("an e-sim at 8 o'clock?")).toBe("an e-sim at 8 o'clock");
    });

    test('reads English clitics as the words they stand for', () => {
      expect(normalizeText("what's an e-sim?")).toBe('what an e-sim');
      expect(normalizeText("My kid's watch can't connect")).toBe('my kid watch can not connect');
      expect(normalizeText("it won't, I'm sure; they'd say we've")).toBe(
        'it will not i sure they say we',
      );
      expect(normalizeText("the kids' watches")).toBe('the kids watches');
    });

    test('reads a typographic apostrophe as a straight one', () => {
      // Phones type ’ by default; left as punctuation it split "can’t" into "can" and "t".
      expect(normalizeText('My kid’s watch can’t connect')).toBe('my kid watch can not connect');
      expect(normalizeText('孩子的手表 won’t connect')).toBe(
        normalizeText("孩子的手表 won't connect"),
      );
      expect(normalizeText('the kids’ watches')).toBe('the kids watches');
    });

    test('turns other punctuation and symbols into spaces', () => {
      expect(normalizeText('esim!!!...(sim)😀card')).toBe('esim sim card');
    });
  });

  describe('length', () => {
    test(`truncates a 100k-character question to ${MAX_QUESTION_CHARS} characters`, () => {
      const result = normalizeText('a'.repeat(100_000));
      expect(result).toBe('a'.repeat(MAX_QUESTION_CHARS));
    });

    test('keeps the beginning of a long question', () => {
      const result = normalizeText(`Is an eSIM safe? ${'blah '.repeat(20_000)}`);
      expect(result.startsWith('is an esim safe blah')).toBe(true);
      expect(result.length).toBeLessThanOrEqual(MAX_QUESTION_CHARS);
    });

    // Known bug (see the report): the two truncations cut by UTF-16 unit and can split a
    // surrogate pair, leaving a lone surrogate in the result.
    test('leaves no lone surrogate when truncating text outside the BMP', () => {
      const result = normalizeText(`a${'\u{20000}'.repeat(50_000)}`);
      expect(result).not.toMatch(LONE_SURROGATE);
    });
  });
});
