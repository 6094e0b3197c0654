import { bilingualLanguages } from '../../src/knowledge/languages.js';
import { describe, expect, test } from 'vitest';
import { reasons } from '../../src/knowledge/errors.js';
import {
  chineseUnits,
  englishWords,
  languageBalanceWarnings,
  listItems,
} from '../../src/knowledge/language-balance.js';
import type { Knowledge, Section } from '../../src/knowledge/types.js';

const ZH =
  '绿茶是不经发酵的茶叶，用八十度左右的热水冲泡两到三分钟。水太烫会让茶变苦，一杯绿茶含有少量咖啡因。\n\n- 先温杯。\n- 再注水。';
const EN =
  'Green tea is made from unfermented leaves. Brew it with water at about eighty degrees for two to three minutes. Water that is too hot makes it bitter, and a cup has a little caffeine.\n\n- Warm the cup.\n- Pour the water.';

function knowledgeOf(zh: string, en: string): Knowledge {
  const text = (body: string) => ({ title: 't', body, questions: ['q'], keywords: [] });
  const section: Section = {
    id: 'tea',
    file: '01-tea.md',
    langs: ['zh-Hans', 'en'],
    related: [],
    text: { 'zh-Hans': text(zh), en: text(en) },
  };
  return { sections: [section], synonyms: [], languages: bilingualLanguages };
}

describe('the length measures', () => {
  test('count Han characters and Latin words in Chinese, words in English, and list items', () => {
    expect(chineseUnits('用eSIM上网')).toBe(4);
    expect(englishWords("it's an e-SIM, isn't it")).toBe(5);
    expect(listItems('- a\n* b\n1. c\n2) d\nnot - a list\n-nospace')).toBe(4);
  });
});

describe('language balance warnings', () => {
  test('none for two versions that say the same', () => {
    expect(languageBalanceWarnings(knowledgeOf(ZH, EN))).toEqual([]);
  });

  test('flag an English version that lost most of its text, naming it', () => {
    const short =
      'Green tea is made from unfermented leaves.\n\n- Warm the cup.\n- Pour the water.';
    const warnings = languageBalanceWarnings(knowledgeOf(ZH, short));
    expect(warnings).toEqual([
      {
        file: '01-tea.md',
        section: 'tea',
        reason: reasons.lengthImbalance(chineseUnits(ZH), englishWords(short), 'zh-Hans'),
      },
    ]);
    expect(warnings[0]?.reason).toContain('check that the "en" version is up to date');
  });

  test('flag a Chinese version that lost most of its text, naming it', () => {
    const short =
      '绿茶是不经发酵的茶叶，用八十度左右的热水冲泡两到三分钟。\n\n- 先温杯。\n- 再注水。';
    const warnings = languageBalanceWarnings(knowledgeOf(short, EN));
    expect(warnings.map((w) => w.reason)).toEqual([
      reasons.lengthImbalance(chineseUnits(short), englishWords(EN), 'en'),
    ]);
    expect(warnings[0]?.reason).toContain('check that the "zh-Hans" version is up to date');
  });

  test('flag a list item added to one version only', () => {
    const warnings = languageBalanceWarnings(knowledgeOf(`${ZH}\n- 最后倒掉。`, EN));
    expect(warnings.map((w) => w.reason)).toEqual([reasons.listCountDiffers(3, 2)]);
  });
});
