/**
 * Question sets and their figures. A set is JSON lines of
 * `{"q": "...", "expect": ["section-id", ...], "lang": "zh-Hans" | "zh-Hant" | "en"}`;
 * `expect: []` means nothing in the knowledge answers the question.
 */
import { z } from 'zod';

const rowSchema = z.object({
  q: z.string(),
  expect: z.array(z.string()),
  lang: z.enum(['zh-Hans', 'zh-Hant', 'en']).optional(),
});

export type QuestionRow = z.infer<typeof rowSchema>;

/** Thrown for a question file line that is not a question row. */
export class QuestionSetError extends Error {
  override readonly name = 'QuestionSetError';
}

/** Parses a question file; names the first bad line. */
export function parseQuestionSet(text: string, file = 'questions'): QuestionRow[] {
  const rows: QuestionRow[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new QuestionSetError(`${file}:${i + 1}: not JSON`);
    }
    const parsed = rowSchema.safeParse(value);
    if (!parsed.success)
      throw new QuestionSetError(
        `${file}:${i + 1}: expected {"q": string, "expect": [ids], "lang"?: zh-Hans|zh-Hant|en}`,
      );
    rows.push(parsed.data);
  });
  return rows;
}

/** A system's answer to one question, before any threshold: its best section and score. */
export interface RankedAnswer {
  best: string | undefined;
  score: number;
  lang?: string;
}

/** The figures of a set at one threshold. */
export interface SetFigures {
  answerable: number;
  answeredRight: number;
  rejectable: number;
  rejectedRight: number;
  langTotal: number;
  langRight: number;
  /** Answerable questions whose best section is an expected one, threshold aside. */
  bestFirst: number;
}

/** Scores answers the way the shared scorer does: answered when the score reaches `threshold`. */
export function setFigures(
  rows: readonly QuestionRow[],
  answers: readonly RankedAnswer[],
  threshold: number,
): SetFigures {
  const f: SetFigures = {
    answerable: 0,
    answeredRight: 0,
    rejectable: 0,
    rejectedRight: 0,
    langTotal: 0,
    langRight: 0,
    bestFirst: 0,
  };
  rows.forEach((row, i) => {
    const got = answers[i];
    const answered = got?.best !== undefined && got.score >= threshold;
    if (row.expect.length > 0) {
      f.answerable++;
      const right = got?.best !== undefined && row.expect.includes(got.best);
      if (right) f.bestFirst++;
      if (answered && right) f.answeredRight++;
      if (row.lang !== undefined) {
        f.langTotal++;
        if (got?.lang === row.lang) f.langRight++;
      }
    } else {
      f.rejectable++;
      if (!answered) f.rejectedRight++;
    }
  });
  return f;
}

// The thresholds at which some question's fate changes, lowest first, plus "answer nothing".
function cuts(answers: readonly RankedAnswer[]): number[] {
  return [...new Set(answers.map((a) => a.score)), Infinity].sort((a, b) => a - b);
}

/** The threshold that maximises answered-right + rejected-right on the set (lowest on ties). */
export function fittedThreshold(
  rows: readonly QuestionRow[],
  answers: readonly RankedAnswer[],
): { threshold: number; figures: SetFigures } {
  let best: { threshold: number; figures: SetFigures } | undefined;
  for (const t of cuts(answers)) {
    const figures = setFigures(rows, answers, t);
    if (
      !best ||
      figures.answeredRight + figures.rejectedRight >
        best.figures.answeredRight + best.figures.rejectedRight
    )
      best = { threshold: t, figures };
  }
  return best ?? { threshold: Infinity, figures: setFigures(rows, answers, Infinity) };
}

/** The lowest threshold at which rejected-right reaches `target`, for comparing at equal rejection. */
export function thresholdForRejection(
  rows: readonly QuestionRow[],
  answers: readonly RankedAnswer[],
  target: number,
): { threshold: number; figures: SetFigures } {
  for (const t of cuts(answers)) {
    const figures = setFigures(rows, answers, t);
    if (figures.rejectedRight >= target) return { threshold: t, figures };
  }
  return { threshold: Infinity, figures: setFigures(rows, answers, Infinity) };
}

/** "12/40 (30.0%)". */
export function ratio(right: number, total: number): string {
  return `${right}/${total} (${total === 0 ? 'n/a' : ((100 * right) / total).toFixed(1)}%)`;
}

/** A percentage, for gates: 100 when there is nothing to count. */
export function percent(right: number, total: number): number {
  return total === 0 ? 100 : (100 * right) / total;
}
