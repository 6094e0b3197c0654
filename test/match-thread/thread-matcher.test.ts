import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KnowledgeStore, type KnowledgeSnapshot } from '../../src/knowledge-store.js';
import { matchQuestion, type MatchResult } from '../../src/match/match-question.js';
import { buildSearchIndex } from '../../src/match/search-index.js';
import { ThreadMatcher } from '../../src/match-thread/thread-matcher.js';
import { syntheticKnowledge } from '../../bench/synthetic.js';
import {
  captureLogs,
  copyKnowledge,
  editFile,
  logsWith,
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

  test('calibrates a reload on the thread as in process, and answers it there without a resend', async () => {
    const dir = await copyKnowledge(SHIPPED_KNOWLEDGE);
    matcher = new ThreadMatcher();
    const store = await KnowledgeStore.open(dir, matcher.buildIndex);
    const sections = store.current.knowledge.sections.length;
    const inProcess = () => buildSearchIndex(store.current.knowledge);
    expect(store.current.index.calibration).toEqual(inProcess().calibration);
    expect(await matcher.prepare(store.current)).toBe(true);

    await editFile(dir, '02-esim.md', (text) =>
      text.replace(/(questions:[\s\S]*?\n {2}en:\n)/u, '$1    - what is a quokka card\n'),
    );
    const reloaded = await store.reload();
    expect(reloaded.ok && reloaded.threshold).toBe(inProcess().calibration.threshold);
    expect(store.current.index.calibration).toEqual(inProcess().calibration);
    // The thread built the new version while calibrating it: adopted, never posted twice.
    expect(await matcher.prepare(store.current)).toBe(true);
    expect(matcher.posted.sections).toBe(2 * sections);
    const index = inProcess();
    for (const question of [...questions.slice(0, 40), 'what is a quokka card']) {
      const threaded = await matcher.match(store.current, question, {});
      expect(view(threaded)).toEqual(view(matchQuestion(index, question)));
    }
    expect(matcher.counts).toEqual({ onThread: 41, inProcess: 0 });
  });

  test('keeps a reload right when the thread dies while calibrating it', async () => {
    const dir = await copyKnowledge();
    const { logger, lines } = captureLogs();
    matcher = new ThreadMatcher({ restartDelayMs: 60_000, logger });
    const thread = matcher;
    let builds = 0;
    const store = await KnowledgeStore.open(dir, (knowledge) => {
      const built = thread.buildIndex(knowledge);
      // Knowledge the thread cannot take stops it, with the reload's build under way.
      const broken = { version: 999, knowledge: { sections: null } };
      if (++builds === 2) void thread.prepare(broken as unknown as KnowledgeSnapshot);
      return built;
    });
    await editFile(dir, '01-green-tea.md', (text) =>
      text.replace(/(questions:[\s\S]*?\n {2}en:\n)/u, '$1    - what is a quokka card\n'),
    );
    const reloaded = await store.reload();
    expect(reloaded.ok).toBe(true);
    expect(logsWith(lines, 'matcher thread unavailable; calibrating in process')).toHaveLength(1);
    const index = buildSearchIndex(store.current.knowledge);
    expect(store.current.index.calibration).toEqual(index.calibration);
    // The thread stays down (restart delay): every answer comes from the calling thread.
    expect(await matcher.prepare(store.current)).toBe(false);
    const answer = await matcher.match(store.current, 'what is a quokka card', {});
    expect(answer.section?.id).toBe('green-tea');
    expect(view(answer)).toEqual(view(matchQuestion(index, 'what is a quokka card')));
    expect(matcher.counts).toEqual({ onThread: 0, inProcess: 1 });
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
