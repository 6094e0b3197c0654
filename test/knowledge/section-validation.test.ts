import { afterAll, describe, expect, test } from 'vitest';
import { reasons, type KnowledgeProblem } from '../../src/knowledge/errors.js';
import { bilingualLanguages } from '../../src/knowledge/languages.js';
import {
  frontMatter,
  knowledgeDir,
  languageBlocks,
  lineOf,
  problemsOf,
  removeTempDirs,
  sectionFile,
} from './section-files.js';

afterAll(removeTempDirs);

const BROKEN = '02-broken.md';

/** Loads a real folder holding one valid section and `source` as `02-broken.md`. */
async function problemsOfBroken(source: string): Promise<readonly KnowledgeProblem[]> {
  return problemsOf(await knowledgeDir({ '01-good.md': sectionFile('good'), [BROKEN]: source }));
}

const startsWith = (prefix: string) =>
  expect.stringMatching(new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.+`));

describe('a section file with broken front matter', () => {
  test('is refused when it has no front matter', async () => {
    const source = languageBlocks('broken');
    expect(await problemsOfBroken(source)).toEqual([
      { file: BROKEN, line: 1, reason: reasons.noFrontMatter },
    ]);
  });

  test('is refused when the front matter is never closed', async () => {
    const source = `---\n${frontMatter('broken')}\n\n${languageBlocks('broken')}`;
    expect(await problemsOfBroken(source)).toEqual([
      { file: BROKEN, line: 1, reason: reasons.unclosedFrontMatter },
    ]);
  });

  test('is refused with the line of invalid YAML', async () => {
    // "en" is indented one column further than "zh-Hans".
    const front = 'id: broken\nquestions:\n  zh-Hans: [这是什么]\n   en: [what is it]';
    const source = sectionFile('broken', { front });
    expect(await problemsOfBroken(source)).toEqual([
      { file: BROKEN, line: lineOf(source, '   en:'), reason: startsWith(reasons.yaml('')) },
    ]);
  });

  test('is refused when a key is repeated', async () => {
    const front = `${frontMatter('broken')}\nid: again`;
    const source = sectionFile('broken', { front });
    expect(await problemsOfBroken(source)).toEqual([
      { file: BROKEN, line: lineOf(source, 'id: again'), reason: startsWith(reasons.yaml('')) },
    ]);
  });

  test('is refused with the line and section of an unknown key', async () => {
    const front = `${frontMatter('broken')}\ntitle: not a front matter key`;
    const source = sectionFile('broken', { front });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, 'title: not a front matter key'),
        section: 'broken',
        reason: reasons.schema('', 'unknown key "title"'),
      },
    ]);
  });

  test('is refused with the path of an unknown language under questions', async () => {
    const front = `${frontMatter('broken')}\n  fr: [qu'est-ce que c'est]`;
    const source = sectionFile('broken', { front });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, '  fr:'),
        section: 'broken',
        reason: reasons.schema(
          'questions.fr',
          reasons.undeclaredLanguage('fr', bilingualLanguages.declared),
        ),
      },
    ]);
  });

  test('points at the line of an unknown language whose value is a block list', async () => {
    const front = `${frontMatter('broken')}\n  fr:\n    - qu'est-ce que c'est`;
    const source = sectionFile('broken', { front });
    const [problem] = await problemsOfBroken(source);
    expect(problem?.reason).toBe(
      reasons.schema('questions.fr', reasons.undeclaredLanguage('fr', bilingualLanguages.declared)),
    );
    expect(problem?.line).toBe(lineOf(source, '  fr:'));
  });

  test('without an id takes the file name, and a problem names that id', async () => {
    const front = frontMatter('broken').replace('id: broken\n', '');
    const blocks = '## zh-Hans: 标题\n\n正文。\n';
    const source = sectionFile('broken', { front, blocks });
    expect(await problemsOfBroken(source)).toEqual([
      { file: BROKEN, section: 'broken', reason: reasons.missingLanguage('en') },
    ]);
  });

  test('is refused with the line of an id that is not lower-case-and-dashes', async () => {
    const source = sectionFile('Bad_Id');
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, 'id: Bad_Id'),
        section: 'Bad_Id',
        reason: reasons.schema('id', 'id must be lower-case letters and digits joined by "-"'),
      },
    ]);
  });

  test('is refused with an id over 60 characters', async () => {
    const id = 'a'.repeat(61);
    const source = sectionFile(id);
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, `id: ${id}`),
        section: id,
        reason: reasons.schema('id', 'id must be at most 60 characters'),
      },
    ]);
  });

  test('is refused when the questions of a language are missing', async () => {
    const front = 'id: broken\nquestions:\n  zh-Hans:\n    - 这是什么';
    const source = sectionFile('broken', { front });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        // The "en" key is absent: the problem points at the questions block.
        line: lineOf(source, 'questions:'),
        section: 'broken',
        reason: reasons.schema('questions.en', 'is missing: add a list of questions'),
      },
    ]);
  });

  test('points into the questions block when keywords has the missing language', async () => {
    const front = [
      'id: broken',
      'keywords:',
      '  zh-Hans: [关键词]',
      '  en: [keyword]',
      'questions:',
      '  zh-Hans:',
      '    - 这是什么',
    ].join('\n');
    const source = sectionFile('broken', { front });
    const [problem] = await problemsOfBroken(source);
    expect(problem?.reason).toBe(
      reasons.schema('questions.en', 'is missing: add a list of questions'),
    );
    expect(problem?.line).toBeGreaterThanOrEqual(lineOf(source, 'questions:'));
  });

  test('is refused when the questions block is missing altogether', async () => {
    const source = sectionFile('broken', { front: 'id: broken' });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: 2,
        section: 'broken',
        reason: reasons.schema(
          'questions',
          'is missing: add a list of questions per language (zh-Hans:, en:, …)',
        ),
      },
    ]);
  });

  test('is refused with the line of an empty questions list', async () => {
    const front = 'id: broken\nquestions:\n  zh-Hans: []\n  en:\n    - what is it';
    const source = sectionFile('broken', { front });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, 'zh-Hans: []'),
        section: 'broken',
        reason: reasons.schema('questions.zh-Hans', 'needs at least one question'),
      },
    ]);
  });

  test('is refused when a question is blank', async () => {
    const front = "id: broken\nquestions:\n  zh-Hans: ['  ']\n  en: [what is it]";
    const source = sectionFile('broken', { front });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, "zh-Hans: ['  ']"),
        section: 'broken',
        reason: reasons.schema('questions.zh-Hans.0', 'must not be empty'),
      },
    ]);
  });
});

describe('a section file with broken language blocks', () => {
  test('is refused with the line of an unknown language heading', async () => {
    const blocks = `${languageBlocks('broken')}\n## fr: Titre\n\nLe texte.\n`;
    const source = sectionFile('broken', { blocks });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, '## fr: Titre'),
        section: 'broken',
        reason: reasons.unknownLanguage('fr', bilingualLanguages.declared),
      },
    ]);
  });

  test('is refused with the line of a second block of one language', async () => {
    const blocks = `${languageBlocks('broken')}\n## en: Again\n\nMore text.\n`;
    const source = sectionFile('broken', { blocks });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, '## en: Again'),
        section: 'broken',
        reason: reasons.duplicateLanguage('en'),
      },
    ]);
  });

  test('is refused when a language block is missing', async () => {
    const blocks = '## zh-Hans: 标题\n\n正文。\n';
    const source = sectionFile('broken', { blocks });
    expect(await problemsOfBroken(source)).toEqual([
      { file: BROKEN, section: 'broken', reason: reasons.missingLanguage('en') },
    ]);
  });

  test('is refused with the heading line of an empty body', async () => {
    const blocks = '## zh-Hans: 标题\n\n   \n\n## en: Title\n\nThe body.\n';
    const source = sectionFile('broken', { blocks });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, '## zh-Hans: 标题'),
        section: 'broken',
        reason: reasons.emptyBody('zh-Hans'),
      },
    ]);
  });

  test('is refused with the heading line of an empty title', async () => {
    const blocks = '## zh-Hans: 标题\n\n正文。\n\n## en:   \n\nThe body.\n';
    const source = sectionFile('broken', { blocks });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, '## en:'),
        section: 'broken',
        reason: reasons.emptyTitle('en'),
      },
    ]);
  });

  test('is refused with the line of text before the first heading', async () => {
    const blocks = `A stray sentence.\n\n${languageBlocks('broken')}`;
    const source = sectionFile('broken', { blocks });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, 'A stray sentence.'),
        section: 'broken',
        reason: reasons.textBeforeFirstHeading,
      },
    ]);
  });

  test('reports the problems of the front matter and of the body in one go', async () => {
    const blocks = `A stray sentence.\n\n## zh-Hans: 标题\n\n正文。\n`;
    const source = sectionFile('Bad_Id', { blocks });
    expect(await problemsOfBroken(source)).toEqual([
      {
        file: BROKEN,
        line: lineOf(source, 'id: Bad_Id'),
        section: 'Bad_Id',
        reason: reasons.schema('id', 'id must be lower-case letters and digits joined by "-"'),
      },
      {
        file: BROKEN,
        line: lineOf(source, 'A stray sentence.'),
        section: 'Bad_Id',
        reason: reasons.textBeforeFirstHeading,
      },
      { file: BROKEN, section: 'Bad_Id', reason: reasons.missingLanguage('en') },
    ]);
  });
});
