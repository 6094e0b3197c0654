import { afterAll, describe, expect, test } from 'vitest';
import { reasons } from '../../src/knowledge/errors.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { relatedCycles } from '../../src/knowledge/related.js';
import { runTsx } from '../cli/run.js';
import {
  frontMatter,
  knowledgeDir,
  lineOf,
  problemsOf,
  removeTempDirs,
  sectionFile,
} from './section-files.js';

afterAll(removeTempDirs);

const withRelated = (id: string, related: string[]) =>
  sectionFile(id, {
    front: `${frontMatter(id)}\nrelated:\n${related.map((r) => `  - ${r}`).join('\n')}`,
  });

describe('related sections', () => {
  test('are read in order, and the loader keeps them', async () => {
    const dir = await knowledgeDir({
      '01-a.md': withRelated('a', ['c', 'b']),
      '02-b.md': sectionFile('b'),
      '03-c.md': sectionFile('c'),
    });
    const knowledge = await loadKnowledge(dir);
    expect(knowledge.sections.map((s) => [s.id, s.related])).toEqual([
      ['a', ['c', 'b']],
      ['b', []],
      ['c', []],
    ]);
  });

  test('naming an unknown id or the section itself is an error with file and line', async () => {
    const source = withRelated('a', ['b', 'typo', 'a']);
    const dir = await knowledgeDir({ '01-a.md': source, '02-b.md': sectionFile('b') });
    expect(await problemsOf(dir)).toEqual([
      {
        file: '01-a.md',
        line: lineOf(source, '  - typo'),
        section: 'a',
        reason: reasons.unknownRelated('typo'),
      },
      {
        file: '01-a.md',
        line: lineOf(source, 'related:') + 3,
        section: 'a',
        reason: reasons.relatedSelf,
      },
    ]);
  });

  test('cycles are found as groups, in topic order; a chain is no cycle', async () => {
    const dir = await knowledgeDir({
      '01-a.md': withRelated('a', ['b']),
      '02-b.md': withRelated('b', ['c']),
      '03-c.md': withRelated('c', ['a']),
      '04-d.md': withRelated('d', ['e']),
      '05-e.md': withRelated('e', ['d', 'a']),
      '06-f.md': withRelated('f', ['a']),
    });
    expect(relatedCycles(await loadKnowledge(dir))).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  test('knowledge:check reports a cycle as information and still passes', async () => {
    const dir = await knowledgeDir({
      '01-a.md': withRelated('a', ['b']),
      '02-b.md': withRelated('b', ['a']),
    });
    const run = await runTsx('src/cli/knowledge-check.ts', [dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ℹ related: a, b lead back to each other (not an error)');
  });
});
