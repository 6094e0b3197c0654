import { describe, expect, test } from 'vitest';
import { detectLanguage } from '../../src/match/language.js';

describe('detectLanguage', () => {
  test.each([
    ['eSIM卡是什么？', 'zh-Hans'],
    ['手机丢了怎么办', 'zh-Hans'],
    ['電信業者能遠端斷開eSIM嗎', 'zh-Hant'],
    ['Smart卡是什麼', 'zh-Hant'],
    ['手機遺失了怎麼辦', 'zh-Hant'],
    ['what is an esim', 'en'],
    ['Can my carrier cut off my eSIM remotely?', 'en'],
    ['eSIM能自动断网吗', 'zh-Hans'],
    ['is 网 a word in a long english sentence', 'en'],
  ] as const)('reads "%s" as %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  test('takes the fallback for emoji only', () => {
    expect(detectLanguage('😀👍', 'zh-Hant')).toBe('zh-Hant');
    expect(detectLanguage('😀👍', 'zh-Hans')).toBe('zh-Hans');
  });

  test('takes the fallback for digits and punctuation only', () => {
    expect(detectLanguage('123 ?!', 'zh-Hans')).toBe('zh-Hans');
  });

  test('falls back to English when no fallback is given', () => {
    expect(detectLanguage('😀')).toBe('en');
  });

  test('keeps a zh-Hant fallback for characters both scripts share', () => {
    expect(detectLanguage('卡', 'zh-Hant')).toBe('zh-Hant');
    expect(detectLanguage('卡', 'en')).toBe('zh-Hans');
  });

  test('does not let a zh-Hant fallback override Simplified characters', () => {
    expect(detectLanguage('手机', 'zh-Hant')).toBe('zh-Hans');
  });
});
