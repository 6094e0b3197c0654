import { describe, expect, test } from 'vitest';
import { reasons } from '../../src/knowledge/errors.js';
import { parseSection } from '../../src/knowledge/parse-section.js';

const SOURCE = `---
id: sample
keywords:
  zh-Hans: [样例, 示例]
  en: [sample, example]
questions:
  zh-Hans:
    - 样例是什么
    - 有没有示例
  en:
    - what is a sample
---

## zh-Hans: 样例标题

第一段。

- 一项
- 两项

## en:   Sample title

First paragraph.

### A sub-heading stays in the body
`;

describe('parseSection', () => {
  test('reads the id, titles, bodies, questions and keywords of both languages', () => {
    const result = parseSection('07-sample.md', SOURCE);
    expect(result).toEqual({
      ok: true,
      section: {
        id: 'sample',
        file: '07-sample.md',
        langs: ['zh-Hans', 'en'],
        related: [],
        text: {
          'zh-Hans': {
            title: '样例标题',
            body: '第一段。\n\n- 一项\n- 两项',
            questions: ['样例是什么', '有没有示例'],
            keywords: ['样例', '示例'],
          },
          en: {
            title: 'Sample title',
            body: 'First paragraph.\n\n### A sub-heading stays in the body',
            questions: ['what is a sample'],
            keywords: ['sample', 'example'],
          },
        },
      },
      relatedRefs: [],
    });
  });

  test('names the file it is given in every problem', () => {
    const result = parseSection('elsewhere/odd name.md', 'no front matter here');
    expect(result).toEqual({
      ok: false,
      problems: [{ file: 'elsewhere/odd name.md', line: 1, reason: reasons.noFrontMatter }],
    });
  });

  test('reports a heading of any language-tag shape instead of swallowing it into the body', () => {
    const result = parseSection('x.md', `${SOURCE}\n## de: Beispiel\n\nText.\n`);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.reason)).toEqual([
      reasons.unknownLanguage('de', ['zh-Hans', 'en']),
    ]);
  });
});
