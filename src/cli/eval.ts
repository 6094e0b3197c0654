/**
 * `npm run eval [-- --dir DIR] [--questions FILE.jsonl] [--threshold N] [--misses N]`: a test
 * of a knowledge folder for its operator. Prints the threshold calibrated for it with its
 * cross-validated figures and the confusable wordings; given a question file, the figures on
 * it at that threshold, at the threshold fitted on the file itself, and those of BM25 and
 * Fuse.js on the same questions, then the misses.
 */
import { bilingualLanguages } from '../knowledge/languages.js';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { printedUsage } from './usage.js';
import { z } from 'zod';
import { loadMatcherConfig } from '../config.js';
import { KnowledgeError } from '../knowledge/errors.js';
import { loadKnowledge } from '../knowledge/load.js';
import { matchQuestion } from '../match/match-question.js';
import {
  fittedThreshold,
  parseQuestionSet,
  QuestionSetError,
  ratio,
  setFigures,
  thresholdForRejection,
  type QuestionRow,
  type RankedAnswer,
  type SetFigures,
} from '../match/question-set.js';
import { buildSearchIndex, type SearchIndex } from '../match/search-index.js';
import { bm25Baseline, fuseBaseline, type Baseline } from './eval-baselines.js';

const argsSchema = z.object({
  dir: z.string().min(1).optional(),
  questions: z.string().min(1).optional(),
  threshold: z.coerce.number().min(0).max(1).optional(),
  misses: z.coerce.number().int().min(0).default(25),
});

const USAGE = `usage: npm run eval -- [--dir DIR] [--questions FILE.jsonl] [--threshold N] [--misses N]
  Tests a knowledge folder (DIR, default KNOWLEDGE_DIR): the calibrated threshold with its
  cross-validated figures and the confusable wordings; with FILE (one {"q", "expect", "lang"} per
  line), the figures on it beside BM25 and Fuse.js, and up to N misses (default 25).`;

function parseEvalArgs(argv: readonly string[]): z.infer<typeof argsSchema> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dir: { type: 'string' },
      questions: { type: 'string' },
      threshold: { type: 'string' },
      misses: { type: 'string' },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`--${String(issue?.path[0] ?? 'arguments')}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

const line = (name: string, threshold: number | string, f: SetFigures) =>
  `  ${name.padEnd(34)} ${String(typeof threshold === 'number' ? +threshold.toFixed(3) : threshold).padEnd(9)} ` +
  `answered-right ${ratio(f.answeredRight, f.answerable).padEnd(18)} ` +
  `rejected-right ${ratio(f.rejectedRight, f.rejectable).padEnd(16)} ` +
  `lang-right ${ratio(f.langRight, f.langTotal).padEnd(18)} ` +
  `best-first ${ratio(f.bestFirst, f.answerable)}`;

function printCalibration(dir: string, index: SearchIndex): void {
  const c = index.calibration;
  console.log(`${dir}: ${index.sections.length} sections`);
  console.log(
    c.source === 'calibrated'
      ? `calibrated threshold ${c.threshold} (from ${c.answerProbes} wordings asked back to answer, ${c.declineProbes} of held-out sections to decline)`
      : `threshold ${c.threshold} (fallback: ${c.reason})`,
  );
  console.log(
    `cross-validated at ${c.threshold}: answered-right ${ratio(c.answeredRight, c.answerProbes)}, rejected-right ${ratio(c.rejectedRight, c.declineProbes)}`,
  );
  if (c.confusable.length === 0) {
    console.log('confusable wordings: none');
    return;
  }
  console.log(
    `confusable wordings (a wording of one section that another answers better; ${c.confusable.length} shown):`,
  );
  for (const pair of c.confusable.slice(0, 15))
    console.log(
      `  ${JSON.stringify(pair.question)} of ${pair.section} → ${pair.matched} (${pair.score})`,
    );
}

function evaluateSet(
  index: SearchIndex,
  rows: readonly QuestionRow[],
  threshold: number,
  thresholdName: string,
  misses: number,
): void {
  const ours: RankedAnswer[] = rows.map((row) => {
    const result = matchQuestion(index, row.q.replace(/\n/g, ' '), { threshold: 0 });
    return { best: result.best?.section.id, score: result.best?.score ?? 0, lang: result.lang };
  });
  const knowledge = { sections: index.sections, synonyms: [], languages: bilingualLanguages };
  const baselines: Baseline[] = [bm25Baseline(knowledge), fuseBaseline(knowledge)];
  const out = rows.filter((r) => r.expect.length === 0).length;
  console.log(`\n${rows.length} questions (${out} out of scope)`);
  const at = setFigures(rows, ours, threshold);
  const fitted = fittedThreshold(rows, ours);
  console.log(line(`matcher, ${thresholdName}`, threshold, at));
  console.log(line('matcher, fitted on this set', fitted.threshold, fitted.figures));
  for (const baseline of baselines) {
    const answers = rows.map((row) => baseline.ask(row.q));
    const best = fittedThreshold(rows, answers);
    const equal = thresholdForRejection(rows, answers, at.rejectedRight);
    console.log(line(`${baseline.name}, fitted on this set`, best.threshold, best.figures));
    console.log(line(`${baseline.name}, at equal rejection`, equal.threshold, equal.figures));
  }
  const total = rows.length;
  const points = (f: SetFigures) => (100 * (f.answeredRight + f.rejectedRight)) / total;
  console.log(
    `${thresholdName} vs fitted threshold: ${threshold} vs ${+fitted.threshold.toFixed(3)} (difference ${Math.abs(threshold - fitted.threshold).toFixed(3)}); ` +
      `right answers and rejections ${points(at).toFixed(1)}% vs ${points(fitted.figures).toFixed(1)}% of the questions (${(points(fitted.figures) - points(at)).toFixed(1)} points apart)`,
  );
  const wrong = rows.flatMap((row, i) => {
    const got = ours[i] as RankedAnswer;
    const answered = got.best !== undefined && got.score >= threshold;
    if (row.expect.length === 0)
      return answered ? [`  reject ${JSON.stringify(row.q)}: got ${got.best} (${got.score})`] : [];
    const lines: string[] = [];
    if (!(answered && got.best !== undefined && row.expect.includes(got.best)))
      lines.push(
        `  answer ${JSON.stringify(row.q)}: expected ${row.expect.join('|')}, got ${answered ? got.best : `no answer (best ${got.best ?? '—'})`} (${got.score})`,
      );
    if (row.lang !== undefined && got.lang !== row.lang)
      lines.push(`  lang   ${JSON.stringify(row.q)}: expected ${row.lang}, got ${got.lang}`);
    return lines;
  });
  if (misses > 0 && wrong.length > 0) {
    console.log(`misses (${Math.min(misses, wrong.length)} of ${wrong.length}):`);
    for (const miss of wrong.slice(0, misses)) console.log(miss);
  }
}

async function main(): Promise<void> {
  if (printedUsage(process.argv.slice(2), USAGE)) return;
  const args = parseEvalArgs(process.argv.slice(2));
  const config = await loadMatcherConfig();
  const dir = args.dir ?? config.KNOWLEDGE_DIR;
  const index = buildSearchIndex(await loadKnowledge(dir));
  printCalibration(dir, index);
  if (args.questions === undefined) return;
  const rows = parseQuestionSet(await readFile(args.questions, 'utf8'), args.questions);
  const override = args.threshold ?? config.MATCH_THRESHOLD;
  const name =
    args.threshold !== undefined
      ? 'threshold given'
      : config.MATCH_THRESHOLD !== undefined
        ? 'MATCH_THRESHOLD'
        : 'calibrated';
  evaluateSet(index, rows, override ?? index.calibration.threshold, name, args.misses);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof KnowledgeError
      ? `Knowledge errors:\n${error.message}`
      : error instanceof QuestionSetError || error instanceof Error
        ? error.message
        : String(error),
  );
  process.exitCode = 1;
});
