import { afterAll, describe, expect, test } from 'vitest';
import { addWording } from '../../src/knowledge/add-wording.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { knowledgeDir, removeTempDirs, sectionFile } from './section-files.js';

afterAll(removeTempDirs);

describe('addWording', () => {
  test('appends to the language list and leaves comments, other keys and the body as written', async () => {
    const source = sectionFile('a', {
      front: [
        'id: a # the deep link',
        'keywords:',
        '  en: [alpha]',
        'questions:',
        '  zh-Hans:',
        '    - a 是什么',
        '  en:',
        '    - what is a',
      ].join('\n'),
    });
    const added = addWording(source, 'en', '  what   does a mean ');
    expect(added).toMatchObject({ ok: true, lang: 'en', questions: 2 });
    if (!added.ok) return;
    expect(added.text).toContain('id: a # the deep link');
    expect(added.text).toContain('    - what is a\n    - what does a mean\n');
    expect(added.text.slice(added.text.indexOf('## zh-Hans'))).toBe(
      source.slice(source.indexOf('## zh-Hans')),
    );
    const dir = await knowledgeDir({ '01-a.md': added.text });
    expect((await loadKnowledge(dir)).sections[0]?.text.en?.questions).toEqual([
      'what is a',
      'what does a mean',
    ]);
  });

  test('a wording already there (any case) is not added twice; a new language gets a list', () => {
    const source = sectionFile('a');
    expect(addWording(source, 'en', 'What is A')).toEqual({
      ok: false,
      reason: 'present',
      lang: 'en',
    });
    const added = addWording(source, 'zh-Hant', '甚麼是 a');
    expect(added.ok && added.text).toContain('zh-Hant:\n    - 甚麼是 a');
    expect(addWording('no front matter', 'en', 'x')).toMatchObject({
      ok: false,
      reason: 'unreadable',
    });
  });
});
