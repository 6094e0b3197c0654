import { beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import type { Knowledge } from '../../src/knowledge/types.js';
import { sectionText } from '../../src/match/localize.js';
import { matchQuestion } from '../../src/match/match-question.js';
import { buildSearchIndex, type SearchIndex } from '../../src/match/search-index.js';
import { fixtureKnowledgeDir } from '../knowledge/section-files.js';

// test/fixtures/knowledge: three sections about drinks (green-tea, coffee-beans, tap-water) and
// three synonym groups, so these tests hold whatever the shipped knowledge says.
let knowledge: Knowledge;
let index: SearchIndex;

beforeAll(async () => {
  knowledge = await loadKnowledge(fixtureKnowledgeDir);
  index = buildSearchIndex(knowledge);
});

const ask = (question: string) => matchQuestion(index, question);

describe('the fixture knowledge', () => {
  test('loads its three sections and synonym groups', () => {
    expect(knowledge.sections.map((s) => s.id)).toEqual(['green-tea', 'coffee-beans', 'tap-water']);
    expect(knowledge.synonyms.map((g) => g[0])).toEqual(['咖啡', '绿茶', '自来水']);
  });
});

describe.each([
  ['how do I brew green tea', 'green-tea', 'en'],
  ['绿茶怎么泡', 'green-tea', 'zh-Hans'],
  ['綠茶怎麼泡', 'green-tea', 'zh-Hant'],
  ['how long do coffee beans stay fresh', 'coffee-beans', 'en'],
  ['咖啡豆放多久会坏', 'coffee-beans', 'zh-Hans'],
  ['自來水能喝嗎', 'tap-water', 'zh-Hant'],
  ['can I drink tap water', 'tap-water', 'en'],
] as const)('when asked "%s"', (question, id, lang) => {
  test(`answers with ${id} in ${lang}`, () => {
    const result = ask(question);
    expect(result.section?.id).toBe(id);
    expect(result.lang).toBe(lang);
  });
});

describe('when asked with a term only the synonyms know', () => {
  test('"how do I brew matcha" answers with green-tea', () => {
    expect(ask('how do I brew matcha').section?.id).toBe('green-tea');
  });

  test('"how to store espresso" answers with coffee-beans', () => {
    expect(ask('how to store espresso').section?.id).toBe('coffee-beans');
  });

  test('"can I drink faucet water" answers with tap-water', () => {
    expect(ask('can I drink faucet water').section?.id).toBe('tap-water');
  });

  test('"抹茶怎么泡" answers with green-tea', () => {
    expect(ask('抹茶怎么泡').section?.id).toBe('green-tea');
  });
});

describe('when asked with a typo in a plain word', () => {
  test('"how long do cofee beans stay fresh" answers with coffee-beans', () => {
    expect(ask('how long do cofee beans stay fresh').section?.id).toBe('coffee-beans');
  });
});

describe('when asked about something the fixture does not cover', () => {
  test('"what is an esim" answers with no section', () => {
    const result = ask('what is an esim');
    expect(result.section).toBeUndefined();
    expect(result.score).toBeLessThan(index.calibration.threshold);
  });

  test('"who won the football match" gets no answer', () => {
    // "match" is one letter from "matcha", so typo correction may find a candidate; what
    // matters is that it does not clear the threshold.
    const result = ask('who won the football match');
    expect(result.section).toBeUndefined();
    expect(result.score).toBeLessThan(index.calibration.threshold);
  });
});

describe('localized text of a fixture section', () => {
  test('is converted to Traditional script for zh-Hant', () => {
    const [tea] = knowledge.sections;
    expect(tea && sectionText(tea, 'zh-Hant').title).toBe('綠茶怎麼泡？');
  });
});
