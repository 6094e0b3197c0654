import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseAskArgs } from '../../src/cli/args.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { sectionText } from '../../src/match/localize.js';
import { matchQuestion } from '../../src/match/match-question.js';
import { matchTuning } from '../../src/match/tuning.js';
import { buildSearchIndex, type SearchIndex } from '../../src/match/search-index.js';
import { shippedKnowledgeDir } from '../knowledge/section-files.js';
import { runTsx, type RunResult } from './run.js';

// Pinned, so that a developer's .env cannot change what the CLI reads.
const ENV = { KNOWLEDGE_DIR: 'knowledge', MATCH_THRESHOLD: String(matchTuning.answer.threshold) };
const QUESTIONS = ['is esim safe', '今天天气怎么样', '電信業者能遠端斷開eSIM嗎'];

describe('ask --jsonl with three questions on stdin', () => {
  let run: RunResult;
  let index: SearchIndex;

  beforeAll(async () => {
    [run, index] = await Promise.all([
      runTsx('src/cli/ask.ts', ['--jsonl'], { input: `${QUESTIONS.join('\n')}\n`, env: ENV }),
      loadKnowledge(shippedKnowledgeDir).then(buildSearchIndex),
    ]);
  });

  test('exits 0', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  test('writes exactly three JSON lines and nothing else', () => {
    const lines = run.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  test('writes the keys question, id, title, score, lang and alternatives only', () => {
    for (const line of run.stdout.trim().split('\n')) {
      expect(Object.keys(JSON.parse(line) as object)).toEqual([
        'question',
        'id',
        'title',
        'score',
        'lang',
        'alternatives',
      ]);
    }
  });

  test('writes what matchQuestion finds, in the order asked', () => {
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(rows).toEqual(
      QUESTIONS.map((question) => {
        const result = matchQuestion(index, question);
        return {
          question,
          id: result.section?.id ?? null,
          title: result.section ? sectionText(result.section, result.lang).title : null,
          score: result.score,
          lang: result.lang,
          alternatives: result.alternatives.map((a) => a.section.id),
        };
      }),
    );
  });

  test('answers the first and third, and not the off-topic second', () => {
    const ids = run.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: string | null }).id);
    expect(ids).toEqual(['esim-security', null, 'esim-remote-control']);
  });
});

describe('parseAskArgs', () => {
  test('reads --jsonl alone', () => {
    expect(parseAskArgs(['--jsonl'])).toEqual({ jsonl: true, json: false });
  });

  test('joins the positional words into the question', () => {
    expect(parseAskArgs(['--json', 'is', 'esim', 'safe'])).toEqual({
      jsonl: false,
      json: true,
      question: 'is esim safe',
    });
  });

  test('reads --dir and a numeric --threshold', () => {
    expect(parseAskArgs(['--dir', path.join('a', 'b'), '--threshold', '0.5', 'q'])).toMatchObject({
      dir: path.join('a', 'b'),
      threshold: 0.5,
      question: 'q',
    });
  });

  test('refuses a threshold above 1, naming the option', () => {
    expect(() => parseAskArgs(['--threshold', '2'])).toThrow(/^--threshold: /);
  });

  test('refuses an unknown option', () => {
    expect(() => parseAskArgs(['--nope'])).toThrow();
  });
});
