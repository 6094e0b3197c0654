import { bilingualLanguages } from '../../src/knowledge/languages.js';
import { afterAll, describe, expect, test } from 'vitest';
import { diffKnowledge } from '../../src/knowledge/diff.js';
import { parseSection } from '../../src/knowledge/parse-section.js';
import {
  frontMatter,
  lineOf,
  problemsOf,
  knowledgeDir,
  removeTempDirs,
  sectionFile,
} from './section-files.js';

afterAll(removeTempDirs);

const withSources = (id: string, lines: readonly string[]) =>
  sectionFile(id, {
    front: `${frontMatter(id)}\nsources:\n${lines.map((l) => `  - ${l}`).join('\n')}`,
  });

function parsed(source: string) {
  const result = parseSection('01-a.md', source);
  if (!result.ok) throw new Error(result.problems.map((p) => p.reason).join('\n'));
  return result.section;
}

describe('the sources of a section', () => {
  test('are read in order: web addresses and document names', () => {
    const section = parsed(
      withSources('a', ['https://support.apple.com/en-us/118669', 'GSMA SGP.22 v3.1']),
    );
    expect(section.sources).toEqual(['https://support.apple.com/en-us/118669', 'GSMA SGP.22 v3.1']);
  });

  test('are optional: a section without them has none', () => {
    expect(parsed(sectionFile('a')).sources).toBeUndefined();
  });

  test.each([
    ['javascript:alert(1)', 'a script link'],
    ['ftp://example.org/file', 'another scheme'],
    ['https://exa mple.org/page', 'an address that does not parse'],
  ])('refuse %s (%s) with its line', async (bad) => {
    const source = withSources('a', ['https://example.org/ok', bad]);
    const problems = await problemsOf(await knowledgeDir({ '01-a.md': source }));
    expect(problems).toEqual([
      {
        file: '01-a.md',
        section: 'a',
        line: lineOf(source, bad),
        reason: 'sources.1: a source must be an http(s) address or the name of a document',
      },
    ]);
  });

  test('refuse an empty list', async () => {
    const source = sectionFile('a', { front: `${frontMatter('a')}\nsources: []` });
    const problems = await problemsOf(await knowledgeDir({ '01-a.md': source }));
    expect(problems.map((p) => p.reason)).toEqual([
      'sources: sources must list at least one source (or leave the key out)',
    ]);
  });

  test('count as a change of the section when they change', () => {
    const before = parsed(withSources('a', ['GSMA SGP.22']));
    const after = parsed(withSources('a', ['GSMA SGP.32']));
    const same = parsed(withSources('a', ['GSMA SGP.22']));
    const kb = (section: typeof before) => ({
      sections: [section],
      synonyms: [],
      languages: bilingualLanguages,
    });
    expect(diffKnowledge(kb(before), kb(after)).changed).toEqual(['a']);
    expect(diffKnowledge(kb(before), kb(same)).changed).toEqual([]);
  });
});
