import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KnowledgeStore, type KnowledgeSnapshot } from '../../src/knowledge-store.js';
import { matchQuestion, type MatchResult } from '../../src/match/match-question.js';
import { ThreadMatcher } from '../../src/match-thread/thread-matcher.js';
import { syntheticKnowledge } from '../../bench/synthetic.js';
import {
  copyKnowledge,
  editFile,
  REPO_ROOT,
  SHIPPED_KNOWLEDGE,
  TEST_KNOWLEDGE,
} from '../support/bot-harness.js';

const questions = readFileSync(path.join(REPO_ROOT, 'test/fixtures/holdout.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { q: string }).q);

// What a caller sees of a result: sections by id, scores, language.
function view(result: MatchResult) {
  return {
    section: result.section?.id,
    score: result.score,
    best: result.best && [result.best.section.id, result.best.score],
    alternatives: result.alternatives.map((a) => [a.section.id, a.score]),
    lang: result.lang,
  };
}

let matcher: ThreadMatcher | undefined;
afterEach(async () => {
  await matcher?.close();
  matcher = undefined;
});

describe('ThreadMatcher', () => {
  test('answers on its thread exactly as the matcher does in process', async () => {
    const store = await KnowledgeStore.open(SHIPPED_KNOWLEDGE);
    matcher = new ThreadMatcher();
    expect(await matcher.prepare(store.current)).toBe(true);
    for (const question of questions) {
      const options = { fallbackLang: 'en' as const, maxAlternatives: 4 };
      const threaded = await matcher.match(store.current, question, options);
      expect(view(threaded)).toEqual(view(matchQuestion(store.current.index, question, options)));
      // The very section objects of the snapshot, not copies.
      if (threaded.section) expect(store.current.knowledge.sections).toContain(threaded.section);
    }
    expect(matcher.counts).toEqual({ onThread: questions.length, inProcess: 0 });
  });

  test('follows a reload: in process while the thread loads it, then on the thread', async () => {
    const dir = await copyKnowledge();
    const store = await KnowledgeStore.open(dir);
    matcher = new ThreadMatcher();
    await matcher.prepare(store.current);
    const question = 'what is a quokka card';
    expect((await matcher.match(store.current, question, {})).section).toBeUndefined();

    await editFile(dir, '01-green-tea.md', (text) =>
      text.replace(/(questions:[\s\S]*?\n {2}en:\n)/u, `$1    - ${question}\n`),
    );
    const reloaded = await store.reload();
    expect(reloaded.ok).toBe(true);
    const first = await matcher.match(store.current, question, {});
    expect(first.section?.id).toBe('green-tea');
    expect(matcher.counts.inProcess).toBe(1);
    expect(await matcher.prepare(store.current)).toBe(true);
    expect((await matcher.match(store.current, question, {})).section?.id).toBe('green-tea');
    expect(matcher.counts).toEqual({ onThread: 2, inProcess: 1 });
  });

  test('keeps answering for the version it holds while it indexes a newer one', async () => {
    const store = await KnowledgeStore.open(SHIPPED_KNOWLEDGE);
    matcher = new ThreadMatcher();
    expect(await matcher.prepare(store.current)).toBe(true);
    // A large new version takes the thread a while to index; its calibration is not the point.
    const { knowledge } = syntheticKnowledge(store.current.knowledge, 4000);
    const newer = { ...store.current, version: store.current.version + 1, knowledge };
    const events: string[] = [];
    const loaded = matcher.prepare(newer).then(() => events.push('newer loaded'));
    const question = 'eSIM能自动断网吗';
    const expected = view(matchQuestion(store.current.index, question));
    for (let i = 0; i < 3; i++) {
      expect(view(await matcher.match(store.current, question, {}))).toEqual(expected);
      events.push('answered');
    }
    await loaded;
    expect(events).toEqual(['answered', 'answered', 'answered', 'newer loaded']);
    expect(matcher.counts).toEqual({ onThread: 3, inProcess: 0 });
  });

  test('keeps answering when the thread dies, and starts it again', async () => {
    const store = await KnowledgeStore.open(TEST_KNOWLEDGE);
    matcher = new ThreadMatcher({ restartDelayMs: 0 });
    await matcher.prepare(store.current);
    // Knowledge the thread cannot index makes it throw and exit.
    const broken = { ...store.current, version: 999, knowledge: { sections: null } };
    expect(await matcher.prepare(broken as unknown as KnowledgeSnapshot)).toBe(false);

    const question = '红茶怎么泡';
    const expected = view(matchQuestion(store.current.index, question));
    expect(view(await matcher.match(store.current, question, {}))).toEqual(expected);
    expect(matcher.counts.inProcess).toBe(1);
    expect(await matcher.prepare(store.current)).toBe(true);
    expect(view(await matcher.match(store.current, question, {}))).toEqual(expected);
    expect(matcher.counts).toEqual({ onThread: 1, inProcess: 1 });
  });

  test('once closed, matches in process', async () => {
    const store = await KnowledgeStore.open(TEST_KNOWLEDGE);
    matcher = new ThreadMatcher();
    await matcher.prepare(store.current);
    await matcher.close();
    const result = await matcher.match(store.current, 'what is green tea', {});
    expect(result.section?.id).toBe('green-tea');
    expect(matcher.counts).toEqual({ onThread: 0, inProcess: 1 });
  });
});
