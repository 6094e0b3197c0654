import { describe, expect, test } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import type { Knowledge, Section } from '../../src/knowledge/types.js';
import {
  buildSearchIndex,
  indexSteps,
  type UncalibratedIndex,
} from '../../src/match/search-index.js';
import { matchTuning } from '../../src/match/tuning.js';
import { runToEnd } from '../../src/time-slices.js';
import { shippedKnowledgeDir } from '../knowledge/section-files.js';

// The index as plain values, token ids replaced by their tokens: two builds that number the
// same tokens differently still compare equal.
function contents(index: UncalibratedIndex) {
  const tokenOf = new Map([...index.tokenIds].map(([token, id]) => [id, token]));
  const tokens = (ids: Int32Array) => [...ids].map((id) => tokenOf.get(id));
  return {
    tokens: [...index.tokenIds]
      .map(([token, id]) => ({
        token,
        weight: index.weights[id],
        strong: [...(index.strongPostings[id] ?? [])],
        strength: [...(index.strongStrength[id] ?? [])],
        weak: [...(index.weakPostings[id] ?? [])],
      }))
      .sort((a, b) => (a.token < b.token ? -1 : 1)),
    entries: index.entries.map((list) =>
      list.map((e) => ({ ...e, tokens: tokens(e.tokens), hanPairs: [...e.hanPairs] })),
    ),
    keywords: index.keywords.map((list) => list.map((k) => ({ ...k, tokens: tokens(k.tokens) }))),
    knownWords: [...index.typos.knownWords].sort(),
    homophones: [...index.homophones].sort(),
  };
}

const fresh = (knowledge: Knowledge) => contents(runToEnd(indexSteps(knowledge)));

function edited(knowledge: Knowledge, id: string, edit: (section: Section) => Section): Knowledge {
  return {
    ...knowledge,
    sections: knowledge.sections.map((s) => (s.id === id ? edit(s) : s)),
  };
}

describe('a rebuild that reuses the last build’s analyses', () => {
  test('indexes an edited section as a first build would', async () => {
    const knowledge = await loadKnowledge(shippedKnowledgeDir);
    const first = buildSearchIndex(knowledge);
    const { calibration } = first;
    const target = knowledge.sections[1] as Section;
    const lang = target.langs[0] ?? 'en';
    const text = target.text[lang];
    if (!text) throw new Error('the section has no text in its first language');
    const changed = edited(knowledge, target.id, (s) => ({
      ...s,
      text: {
        ...s.text,
        [lang]: {
          ...text,
          body: `${text.body}\n\nquokkaline zebrafinch 袋鼠电话`,
          questions: [...text.questions.slice(1), 'does the quokkaline plan cover roaming'],
        },
      },
    }));
    const rebuilt = contents(buildSearchIndex(changed, { calibration }));
    expect(rebuilt).toEqual(fresh(changed));
    const words = rebuilt.tokens.map((t) => t.token);
    expect(words).toContain('quokkalin');
    expect(words).toContain('zebrafinch');
    // The wording taken out is no longer an entry of the section.
    const removed = first.entries[1]?.find((e) => !e.isTitle)?.text;
    expect(removed).toBeDefined();
    expect(rebuilt.entries[1]?.map((e) => e.text)).not.toContain(removed);
  });

  test('reads the sections again when the synonyms change', async () => {
    const knowledge = await loadKnowledge(shippedKnowledgeDir);
    const { calibration } = buildSearchIndex(knowledge);
    const [first, ...rest] = knowledge.synonyms;
    expect(first).toBeDefined();
    // Without its first group, the terms of that group are words again, not one concept.
    const fewer: Knowledge = { ...knowledge, synonyms: rest };
    const rebuilt = contents(buildSearchIndex(fewer, { calibration }));
    expect(rebuilt).toEqual(fresh(fewer));
    expect(rebuilt).not.toEqual(fresh(knowledge));
  });
});

describe('token weights', () => {
  test('weigh a word only alternate questions use at questionOnlyShare of a grounded one', async () => {
    const knowledge = await loadKnowledge(shippedKnowledgeDir);
    // Two new words, each in one section: one in an alternate question alone, one in an
    // alternate question and the body. Same section frequency, so the same inverse frequency.
    const addTo = (s: Section, question: string, body = '') => {
      const lang = s.langs[0] ?? 'en';
      const text = s.text[lang];
      if (!text) throw new Error('the section has no text in its first language');
      const questions = [...text.questions, question];
      return { ...s, text: { ...s.text, [lang]: { ...text, questions, body: text.body + body } } };
    };
    const [a, b] = knowledge.sections as [Section, Section];
    const changed = edited(
      edited(knowledge, a.id, (s) => addTo(s, 'wombatplan or not')),
      b.id,
      (s) => addTo(s, 'numbatplan or not', '\n\nThe numbatplan covers it.'),
    );
    const weights = new Map(fresh(changed).tokens.map((t) => [t.token, t.weight ?? 0]));
    const asked = weights.get('wombatplan');
    const grounded = weights.get('numbatplan');
    expect(grounded).toBeGreaterThan(0);
    expect(asked).toBeCloseTo((grounded ?? 0) * matchTuning.index.questionOnlyShare, 10);
    expect(matchTuning.index.questionOnlyShare).toBeLessThan(1);
  });
});
