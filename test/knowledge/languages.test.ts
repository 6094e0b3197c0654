import { afterAll, describe, expect, test } from 'vitest';
import { reasons } from '../../src/knowledge/errors.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { idFromFileName, stableId } from '../../src/knowledge/section-id.js';
import { knowledgeDir, lineOf, problemsOf, removeTempDirs } from './section-files.js';

afterAll(removeTempDirs);

const section = (blocks: Record<string, string>, front = '') =>
  [
    '---',
    front,
    'questions:',
    ...Object.keys(blocks).map((lang) => `  ${lang}: [question in ${lang}]`),
    '---',
    '',
    ...Object.entries(blocks).flatMap(([lang, title]) => [
      `## ${lang}: ${title}`,
      '',
      `${title}.`,
      '',
    ]),
  ]
    .filter((line, i) => i !== 1 || line !== '')
    .join('\n');

describe('knowledge.yaml', () => {
  test('declares any BCP-47 languages; sections carry any of them', async () => {
    const dir = await knowledgeDir({
      'knowledge.yaml': 'languages: [de, EN, pt_BR]\ndefault: en\n',
      '01-a.md': section({ de: 'Hallo' }),
      '02-b.md': section({ en: 'Hello', 'pt-BR': 'Olá' }),
    });
    const knowledge = await loadKnowledge(dir);
    expect(knowledge.languages).toEqual({
      declared: ['de', 'en', 'pt-BR'],
      fallback: 'en',
      complete: false,
      about: {},
    });
    expect(knowledge.sections.map((s) => [s.id, s.langs])).toEqual([
      ['a', ['de']],
      ['b', ['en', 'pt-BR']],
    ]);
  });

  test('refuses an unknown key at its line, and checks the sections against what it lists', async () => {
    const config = 'languages: [en]\nlanguage: [de]\n';
    const dir = await knowledgeDir({ 'knowledge.yaml': config, '01-a.md': section({ en: 'A' }) });
    expect(await problemsOf(dir)).toEqual([
      {
        file: 'knowledge.yaml',
        line: lineOf(config, 'language: [de]'),
        reason: reasons.schema('', 'unknown key "language"'),
      },
    ]);
  });

  test('refuses a default that is not declared, with its line', async () => {
    const config = 'languages: [en]\ndefault: fr\n';
    const dir = await knowledgeDir({ 'knowledge.yaml': config, '01-a.md': section({ en: 'A' }) });
    expect(await problemsOf(dir)).toEqual([
      {
        file: 'knowledge.yaml',
        line: lineOf(config, 'default: fr'),
        reason: reasons.schema('default', 'the default "fr" is not among the languages (en)'),
      },
    ]);
  });

  test('about says what the knowledge covers, per declared language', async () => {
    const config = 'languages: [en, de]\nabout:\n  en: bikes and docks\n  de: Räder\n';
    const dir = await knowledgeDir({ 'knowledge.yaml': config, '01-a.md': section({ en: 'A' }) });
    expect((await loadKnowledge(dir)).languages.about).toEqual({
      en: 'bikes and docks',
      de: 'Räder',
    });
  });

  test('refuses an about in an undeclared language or empty, with its line', async () => {
    const config = 'languages: [en]\nabout:\n  en: ""\n  fr: vélos\n';
    const dir = await knowledgeDir({ 'knowledge.yaml': config, '01-a.md': section({ en: 'A' }) });
    expect(await problemsOf(dir)).toEqual([
      {
        file: 'knowledge.yaml',
        line: lineOf(config, '  en: ""'),
        reason: reasons.schema('about.en', 'about must not be empty'),
      },
      {
        file: 'knowledge.yaml',
        line: lineOf(config, '  fr: vélos'),
        reason: reasons.schema('about.fr', 'the language "fr" is not among the languages (en)'),
      },
    ]);
  });

  test('a block or questions in an undeclared language is an error at its line', async () => {
    const source = section({ en: 'A', fr: 'B' });
    const dir = await knowledgeDir({ 'knowledge.yaml': 'languages: [en]\n', '01-a.md': source });
    expect(await problemsOf(dir)).toEqual([
      {
        file: '01-a.md',
        line: lineOf(source, '  fr:'),
        section: 'a',
        reason: reasons.schema('questions.fr', reasons.undeclaredLanguage('fr', ['en'])),
      },
      {
        file: '01-a.md',
        line: lineOf(source, '## fr:'),
        section: 'a',
        reason: reasons.unknownLanguage('fr', ['en']),
      },
    ]);
  });

  test('every_section_in_every_language makes a missing language an error', async () => {
    const dir = await knowledgeDir({
      'knowledge.yaml': 'languages: [en, de]\nevery_section_in_every_language: true\n',
      '01-a.md': section({ en: 'A' }),
    });
    expect(await problemsOf(dir)).toEqual([
      { file: '01-a.md', section: 'a', reason: reasons.missingLanguage('de') },
    ]);
  });

  test('a Traditional Chinese block is welcome wherever Simplified is declared', async () => {
    const dir = await knowledgeDir({
      'knowledge.yaml': 'languages: [zh-Hans]\n',
      '01-a.md': section({ 'zh-Hans': '简体', 'zh-Hant': '繁體' }),
    });
    expect((await loadKnowledge(dir)).sections[0]?.langs).toEqual(['zh-Hans', 'zh-Hant']);
  });
});

describe('ids derived from file names', () => {
  test('drop the ordering number; Latin names read as they are', () => {
    expect(idFromFileName('02-esim.md')).toBe('esim');
    expect(idFromFileName('10_Kids Watch.md')).toBe('kids-watch');
    expect(idFromFileName('Café-Öffnungszeiten.md')).toBe('cafe-offnungszeiten');
  });

  test('non-Latin names get a stable hashed id, distinct per name and valid as a deep link', () => {
    const ids = ['01-常见问题.md', '01-收费问题.md', '01-esim问题.md', '01-よくある質問.md'].map(
      idFromFileName,
    );
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(ids[2]).toMatch(/^esim-/);
    // The number is not part of it: renumbering a file keeps its deep links.
    expect(idFromFileName('07-常见问题.md')).toBe(ids[0]);
    expect(stableId('常见问题')).toBe(ids[0]);
  });

  test('two files that derive the same id are reported as duplicates', async () => {
    const dir = await knowledgeDir({
      '01-faq.md': section({ 'zh-Hans': '一', en: 'One' }),
      '02-faq.md': section({ 'zh-Hans': '二', en: 'Two' }),
    });
    expect(await problemsOf(dir)).toEqual([
      { file: '02-faq.md', section: 'faq', reason: reasons.duplicateId('faq', '01-faq.md') },
    ]);
  });
});
