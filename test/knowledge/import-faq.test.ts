import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { diffKnowledge } from '../../src/knowledge/diff.js';
import { exportKnowledge } from '../../src/knowledge/export-faq.js';
import { formatOfFile, importFaq, ImportError } from '../../src/knowledge/import-faq.js';
import { KNOWLEDGE_CONFIG_FILE } from '../../src/knowledge/languages.js';
import { validateKnowledgeFiles } from '../../src/knowledge/load.js';
import {
  renderKnowledgeConfig,
  renderSectionFile,
  sectionFileName,
} from '../../src/knowledge/section-writer.js';
import type { Knowledge } from '../../src/knowledge/types.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { repoRoot, shippedKnowledgeDir } from './section-files.js';

const fixture = (name: string) =>
  readFile(path.join(repoRoot, 'test/fixtures/import', name), 'utf8');

/** The knowledge the imported files make, validated like a reload. */
function load(result: ReturnType<typeof importFaq>, languages: string[]): Knowledge {
  const files = result.entries.map((entry, i) => ({
    name: sectionFileName(entry, i, result.entries.length),
    text: renderSectionFile(entry),
  }));
  files.push({
    name: KNOWLEDGE_CONFIG_FILE,
    text: renderKnowledgeConfig(languages, languages[0]!),
  });
  const checked = validateKnowledgeFiles(files, 'imported');
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems, null, 2));
  return checked.knowledge;
}

describe('importing a CSV', async () => {
  const csv = await fixture('bike-share.csv');
  const result = importFaq(csv, { format: 'csv', defaultLang: 'en' });

  test('makes one section per row with a question and an answer, ids from the question', () => {
    expect(result.entries.map((e) => e.id)).toEqual([
      'how-do-i-unlock-a-bike',
      'how-much-does-a-ride-cost',
      'where-can-i-leave-the-bike',
      'what-if-the-bike-is-broken',
    ]);
    const first = result.entries[0]?.texts.get('en');
    expect(first).toEqual({
      title: 'How do I unlock a bike?',
      body: 'Open the app, scan the QR code on the handlebar and wait for the lock to click open. It takes about five seconds.',
      questions: ['unlock a bike', 'the bike will not unlock', 'how to start a ride'],
      keywords: [],
    });
    // Without alternates the question itself is the one wording.
    expect(result.entries[3]?.texts.get('en')?.questions).toEqual(['What if the bike is broken?']);
  });

  test('reports the rows and columns it could not map', () => {
    expect(result.notes).toEqual([
      { origin: 'header', note: 'column "notes" was not imported (1 non-empty cells)' },
      { origin: 'row 6', note: 'skipped: no question' },
      { origin: 'row 7', note: 'skipped "Is there a helmet?": no answer' },
    ]);
  });

  test('loads as an English-only knowledge base', () => {
    const knowledge = load(result, ['en']);
    expect(knowledge.sections.map((s) => s.langs)).toEqual([['en'], ['en'], ['en'], ['en']]);
  });

  test('reads configured header names and one column per language', () => {
    const wide = [
      'Key;Frage;Antwort;Frage (zh-Hans);Antwort (zh-Hans)',
      'rent;Can I rent for a day?;Yes, a day pass costs 12 euros.;可以租一天吗？;可以，日票 12 欧元。',
    ].join('\n');
    const imported = importFaq(wide, {
      format: 'csv',
      defaultLang: 'en',
      delimiter: ';',
      columns: { id: 'Key', question: 'Frage', answer: 'Antwort' },
    });
    expect(imported.notes).toEqual([]);
    expect(imported.entries).toHaveLength(1);
    expect(imported.entries[0]?.id).toBe('rent');
    expect([...(imported.entries[0]?.texts.keys() ?? [])]).toEqual(['en', 'zh-Hans']);
    expect(imported.entries[0]?.texts.get('zh-Hans')?.title).toBe('可以租一天吗？');
  });

  test('refuses a table without a question column, naming the option to use', () => {
    expect(() => importFaq('Frage,Antwort\na,b\n', { format: 'csv', defaultLang: 'en' })).toThrow(
      ImportError,
    );
    expect(() => importFaq('Frage,Antwort\na,b\n', { format: 'csv', defaultLang: 'en' })).toThrow(
      /--question <header>/,
    );
  });

  test('keeps quoted commas, quotes and line breaks inside cells', () => {
    const imported = importFaq(
      'question,answer\n"Is it ""free"", really?","No.\n\nIt costs 1 euro."\n',
      {
        format: 'csv',
        defaultLang: 'en',
      },
    );
    expect(imported.entries[0]?.texts.get('en')).toMatchObject({
      title: 'Is it "free", really?',
      body: 'No.\n\nIt costs 1 euro.',
    });
  });

  test('demotes an answer heading shaped like a language heading, so it stays in the answer', () => {
    const imported = importFaq('question,answer\nWhy?,"## FAQ: note\nBecause."\n', {
      format: 'csv',
      defaultLang: 'en',
    });
    const knowledge = load(imported, ['en']);
    expect(knowledge.sections[0]?.text.en?.body).toBe('### FAQ: note\nBecause.');
  });
});

describe('importing a QnA Maker export', async () => {
  const tsv = await fixture('gym-qna.tsv');
  const result = importFaq(tsv, { format: formatOfFile('gym-qna.tsv', tsv), defaultLang: 'en' });

  test('is recognised by its header', () => {
    expect(result.format).toBe('qna');
    expect(formatOfFile('plain.tsv', 'question\tanswer\n')).toBe('tsv');
  });

  test('merges the rows of one pair into one section with its questions as wordings', () => {
    expect(result.entries.map((e) => e.id)).toEqual([
      'how-do-i-cancel-my-membership',
      'is-there-a-cancellation-fee',
      'what-are-the-opening-hours',
    ]);
    expect(result.entries[0]?.texts.get('en')).toMatchObject({
      title: 'How do I cancel my membership?',
      questions: ['How do I cancel my membership?', 'Can I cancel online?'],
      body: 'Send the cancellation form from your account page at least 30 days before the next billing date.\n\nYour card stays active until the end of the paid month.',
    });
  });

  test('turns follow-up prompts into related sections', () => {
    expect(result.entries[0]?.related).toEqual(['is-there-a-cancellation-fee']);
    expect(load(result, ['en']).sections[0]?.related).toEqual(['is-there-a-cancellation-fee']);
  });

  test('reports metadata, sources, suggestions, context-only pairs and dangling prompts', () => {
    expect(result.notes.map((n) => `${n.origin}: ${n.note}`)).toEqual([
      'row 2: metadata "category:billing" of "how-do-i-cancel-my-membership" was not imported',
      'row 3: metadata "category:billing" of "how-do-i-cancel-my-membership" was not imported',
      'row 4: "is-there-a-cancellation-fee" was only a follow-up there; here it is a topic of its own',
      'row 5: suggested question "when does the gym open" for "what-are-the-opening-hours" was not accepted: review it',
      'Source: "Editorial" (3 rows): sources are not kept',
      'Source: "https://example.org/gym-faq" (2 rows): sources are not kept',
      'row 5: follow-up QnaId 9 of "what-are-the-opening-hours" is not in the file: dropped',
    ]);
  });
});

describe('importing a JSON list', async () => {
  const json = await fixture('tea-shop.json');
  const result = importFaq(json, { format: 'json', defaultLang: 'en', separator: '|' });

  test('reads flat and per-language entries, related ids and list cells', () => {
    expect(result.entries.map((e) => [e.id, [...e.texts.keys()], e.related])).toEqual([
      ['opening-hours', ['en', 'zh-Hans'], ['delivery']],
      ['delivery', ['en'], []],
    ]);
    expect(result.entries[1]?.texts.get('en')?.questions).toEqual(['home delivery', 'shipping']);
    expect(result.notes).toEqual([{ origin: 'item 2', note: 'field "rating" was not imported' }]);
    const knowledge = load(result, ['en', 'zh-Hans']);
    expect(knowledge.sections.map((s) => s.langs)).toEqual([['en', 'zh-Hans'], ['en']]);
  });

  test('refuses what is not a list of entries, saying what it expected', () => {
    expect(() => importFaq('{"x": 1}', { format: 'json', defaultLang: 'en' })).toThrow(
      /expected \[\{"question", "answer", …\}\]/,
    );
    expect(() => importFaq('[1,', { format: 'json', defaultLang: 'en' })).toThrow(/not valid JSON/);
  });
});

describe('exporting', async () => {
  // The export formats do not carry a section's sources yet: compare without them.
  const loaded = await loadKnowledge(shippedKnowledgeDir);
  const shipped = {
    ...loaded,
    sections: loaded.sections.map(({ sources: _sources, ...section }) => section),
  };

  test.each(['csv', 'tsv', 'json'] as const)(
    'the shipped knowledge to %s imports back to the same sections',
    (format) => {
      const text = exportKnowledge(shipped, format);
      const result = importFaq(text, { format, defaultLang: 'en' });
      expect(result.notes).toEqual([]);
      const back = load(result, ['zh-Hans', 'en']);
      expect(back.sections.map((s) => s.id)).toEqual(shipped.sections.map((s) => s.id));
      expect(diffKnowledge(shipped, { ...back, synonyms: shipped.synonyms })).toEqual({
        added: [],
        removed: [],
        changed: [],
        synonymsChanged: false,
      });
    },
  );
});
