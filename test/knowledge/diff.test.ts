import { describe, expect, test } from 'vitest';
import { diffKnowledge, diffKnowledgeAsync } from '../../src/knowledge/diff.js';
import { bilingualLanguages } from '../../src/knowledge/languages.js';
import type { Knowledge, Section, SectionText } from '../../src/knowledge/types.js';

function text(word: string, questions = [`what is ${word}`]): SectionText {
  return { title: word, body: `About ${word}.`, questions, keywords: [] };
}

function section(id: string, en: SectionText = text(id), file = `${id}.md`): Section {
  return {
    id,
    file,
    langs: ['zh-Hans', 'en'],
    related: [],
    text: { 'zh-Hans': text(`${id} 中文`), en },
  };
}

function knowledge(sections: Section[], synonyms: string[][] = [['esim', 'e-sim']]): Knowledge {
  return { sections, synonyms, languages: bilingualLanguages };
}

describe('diffKnowledge', () => {
  test('reports nothing between two equal knowledge bases', () => {
    const before = knowledge([section('a'), section('b')]);
    const after = knowledge([section('a'), section('b')]);
    expect(diffKnowledge(before, after)).toEqual({
      added: [],
      removed: [],
      changed: [],
      synonymsChanged: false,
    });
  });

  test('reports added, removed and changed sections by id', () => {
    const before = knowledge([section('keep'), section('drop'), section('edit')]);
    const after = knowledge([
      section('keep'),
      section('edit', { ...text('edit'), body: 'A rewritten body.' }),
      section('new-one'),
    ]);
    expect(diffKnowledge(before, after)).toEqual({
      added: ['new-one'],
      removed: ['drop'],
      changed: ['edit'],
      synonymsChanged: false,
    });
  });

  test('counts an edited alternate question as a change', () => {
    const before = knowledge([section('a')]);
    const after = knowledge([section('a', text('a', ['what is a', 'tell me about a']))]);
    expect(diffKnowledge(before, after).changed).toEqual(['a']);
  });

  test('does not count a renamed file as a change', () => {
    const before = knowledge([section('a', text('a'), '01-a.md')]);
    const after = knowledge([section('a', text('a'), '07-a.md')]);
    expect(diffKnowledge(before, after).changed).toEqual([]);
  });

  test('reports changed synonyms', () => {
    const before = knowledge([section('a')], [['esim', 'e-sim']]);
    const after = knowledge([section('a')], [['esim', 'e-sim', 'embedded sim']]);
    expect(diffKnowledge(before, after)).toEqual({
      added: [],
      removed: [],
      changed: [],
      synonymsChanged: true,
    });
  });
});

describe('diffKnowledgeAsync', () => {
  test('finds what diffKnowledge finds, giving the event loop back as it goes', async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `s${i}`);
    const before = knowledge(ids.map((id) => section(id)));
    const after = knowledge([
      ...ids
        .slice(1)
        .map((id, i) => (i % 300 === 0 ? section(id, text(`${id} edited`)) : section(id))),
      section('new'),
    ]);
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    // A zero slice gives the loop back at every step, so that the yielding shows on any machine.
    const diff = await diffKnowledgeAsync(before, after, 0);
    counting = false;
    expect(diff).toEqual(diffKnowledge(before, after));
    expect(diff.removed).toEqual(['s0']);
    expect(diff.added).toEqual(['new']);
    expect(diff.changed).toHaveLength(7);
    expect(turns).toBeGreaterThan(3);
  });
});
