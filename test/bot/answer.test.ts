import { beforeAll, describe, expect, test } from 'vitest';
import { composeAnswer } from '../../src/bot/answer.js';
import { escapeHtml, htmlToPlain, MESSAGE_LIMIT } from '../../src/bot/render.js';
import { repliesFor } from '../../src/bot/replies.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import type { Lang, Section } from '../../src/knowledge/types.js';
import { countScriptMarkers } from '../../src/match/chinese.js';
import { sectionText } from '../../src/match/localize.js';
import { matchQuestion, type MatchResult } from '../../src/match/match-question.js';
import { buildSearchIndex, type SearchIndex } from '../../src/match/search-index.js';
import { fixtureKnowledgeDir } from '../knowledge/section-files.js';

let index: SearchIndex;

beforeAll(async () => {
  index = buildSearchIndex(await loadKnowledge(fixtureKnowledgeDir));
});

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** A "show section" button's data: the `s:` prefix and, last, the section id. */
function expectShowData(data: string, id: string): void {
  expect(data.startsWith('s:')).toBe(true);
  expect(data.endsWith(`:${id}`)).toBe(true);
  expect(byteLength(data)).toBeLessThanOrEqual(64);
}

describe('when asked "how do I brew tea"', () => {
  let result: MatchResult;
  beforeAll(() => {
    result = matchQuestion(index, 'how do I brew tea');
  });

  test('answers with iced-tea and at least one alternative', () => {
    expect(result.section?.id).toBe('iced-tea');
    expect(result.alternatives.length).toBeGreaterThan(0);
  });

  test("starts the answer with the section's title in bold", () => {
    const reply = composeAnswer(result, index.sections);
    const section = result.section as Section;
    expect(reply.sectionId).toBe('iced-tea');
    expect(
      reply.messages[0]?.startsWith(`<b>${escapeHtml(sectionText(section, 'en').title)}</b>\n\n`),
    ).toBe(true);
  });

  test("carries the section's body", () => {
    const reply = composeAnswer(result, index.sections);
    const firstLine = sectionText(result.section as Section, 'en').body.split('\n')[0] ?? '';
    expect(htmlToPlain(reply.messages.join('\n'))).toContain(firstLine);
  });

  test('offers one button per alternative, titled and addressed by section', () => {
    const reply = composeAnswer(result, index.sections);
    expect(reply.buttons.map((row) => row.map((b) => b.text))).toEqual(
      result.alternatives.map((a) => [sectionText(a.section, 'en').title]),
    );
    reply.buttons.forEach((row, i) => {
      const alternative = result.alternatives[i];
      expect(alternative).toBeDefined();
      expectShowData(row[0]?.data ?? '', alternative?.section.id ?? '');
      expect(row[0]?.data).not.toContain('iced-tea');
    });
  });

  test('answers in the language it is told', () => {
    const reply = composeAnswer(result, index.sections, { lang: 'zh-Hans' });
    const section = result.section as Section;
    expect(
      reply.messages[0]?.startsWith(`<b>${escapeHtml(sectionText(section, 'zh-Hans').title)}</b>`),
    ).toBe(true);
  });
});

describe('when asked "怎麼泡茶" in Traditional script', () => {
  let result: MatchResult;
  beforeAll(() => {
    result = matchQuestion(index, '怎麼泡茶');
  });

  test('answers with iced-tea in zh-Hant', () => {
    expect(result.section?.id).toBe('iced-tea');
    expect(result.lang).toBe('zh-Hant');
  });

  test('writes the answer in Traditional script', () => {
    const reply = composeAnswer(result, index.sections);
    const text = htmlToPlain(reply.messages.join('\n'));
    const markers = countScriptMarkers(text);
    expect(markers.simplified).toBe(0);
    expect(markers.traditional).toBeGreaterThan(0);
    expect(reply.messages[0]?.startsWith('<b>冰茶怎麼泡？</b>')).toBe(true);
  });

  test('titles its buttons in Traditional script', () => {
    const reply = composeAnswer(result, index.sections);
    const titles = reply.buttons.flat().map((b) => b.text);
    expect(titles.length).toBeGreaterThan(0);
    expect(countScriptMarkers(titles.join('')).simplified).toBe(0);
  });
});

describe.each(['en', 'zh-Hans', 'zh-Hant'] as const)(
  'when nothing answers, in %s',
  (lang: Lang) => {
    let result: MatchResult;
    beforeAll(() => {
      result = { ...matchQuestion(index, 'best pizza recipe'), lang };
    });

    test('replies honestly with the no-answer text', () => {
      const reply = composeAnswer(result, index.sections);
      expect(result.section).toBeUndefined();
      expect(reply.messages).toEqual([repliesFor(lang).noAnswer]);
      expect(reply.sectionId).toBeUndefined();
    });

    test('offers one button per section in private', () => {
      const reply = composeAnswer(result, index.sections);
      expect(reply.buttons).toHaveLength(index.sections.length);
      reply.buttons.forEach((row, i) => {
        const section = index.sections[i] as Section;
        expect(row).toHaveLength(1);
        expect(row[0]?.text).toBe(sectionText(section, lang).title);
        expectShowData(row[0]?.data ?? '', section.id);
      });
    });

    test('offers no button in a group', () => {
      const reply = composeAnswer(result, index.sections, { inGroup: true });
      expect(reply.messages).toEqual([repliesFor(lang).noAnswerInGroup]);
      expect(reply.buttons).toEqual([]);
    });
  },
);

describe('when nothing answers but some sections came near', () => {
  const idsOf = (reply: ReturnType<typeof composeAnswer>) =>
    reply.buttons.map((row) => row[0]?.data.split(':').at(-1));
  let near: MatchResult;
  beforeAll(() => {
    const [first, second, third] = [8, 2, 5].map((i) => index.sections[i] as Section);
    near = {
      section: undefined,
      score: 0.4,
      best: { section: first as Section, score: 0.4 },
      alternatives: [
        { section: second as Section, score: 0.36 },
        { section: third as Section, score: 0.3 },
      ],
      lang: 'en',
    };
  });

  test('offers the sections at or above the floor first, then every other one once', () => {
    const reply = composeAnswer(near, index.sections, { nearFloor: 0.35 });
    const ids = index.sections.map((s) => s.id);
    const [first, second] = [ids[8], ids[2]];
    expect(idsOf(reply)).toEqual([
      first,
      second,
      ...ids.filter((id) => id !== first && id !== second),
    ]);
    expect(reply.messages).toEqual([repliesFor('en').noAnswer]);
  });

  test('without a floor, or with none near, keeps the topic order', () => {
    const ids = index.sections.map((s) => s.id);
    expect(idsOf(composeAnswer(near, index.sections))).toEqual(ids);
    expect(idsOf(composeAnswer(near, index.sections, { nearFloor: 0.5 }))).toEqual(ids);
  });
});

describe('a section with the longest id allowed', () => {
  const id = `${'a'.repeat(29)}-${'b'.repeat(30)}`;
  const long: Section = {
    id,
    file: 'long.md',
    langs: ['zh-Hans', 'en'],
    related: [],
    text: {
      'zh-Hans': { title: '长标题', body: '正文。', questions: ['问题'], keywords: [] },
      en: { title: 'Long', body: 'Body.', questions: ['question'], keywords: [] },
    },
  };

  test.each(['en', 'zh-Hans', 'zh-Hant'] as const)('fits its %s button in 64 bytes', (lang) => {
    const result: MatchResult = {
      section: undefined,
      score: 0,
      best: undefined,
      alternatives: [],
      lang,
    };
    const [row] = composeAnswer(result, [long]).buttons;
    expect(id).toHaveLength(60);
    expectShowData(row?.[0]?.data ?? '', id);
  });
});

describe('a section with a long body', () => {
  test('is split into messages within the limit, the title first', () => {
    const body = Array.from(
      { length: 120 },
      (_, i) => `Paragraph ${i}: ${'words & more '.repeat(8)}`,
    ).join('\n\n');
    const section: Section = {
      id: 'long-body',
      file: 'long-body.md',
      langs: ['zh-Hans', 'en'],
      related: [],
      text: {
        'zh-Hans': { title: '长', body, questions: ['问题'], keywords: [] },
        en: { title: 'A <long> answer', body, questions: ['question'], keywords: [] },
      },
    };
    const result: MatchResult = {
      section,
      score: 1,
      best: { section, score: 1 },
      alternatives: [],
      lang: 'en',
    };
    const reply = composeAnswer(result, [section]);
    expect(reply.messages.length).toBeGreaterThan(1);
    expect(reply.messages[0]?.startsWith('<b>A &lt;long&gt; answer</b>')).toBe(true);
    for (const message of reply.messages) expect(message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(reply.buttons).toEqual([]);
  });
});
