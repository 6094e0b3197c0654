import { parseArgs } from 'node:util';
import { printedUsage } from './usage.js';
import { z } from 'zod';
import { configShape } from '../config.js';
import { FeedbackStoreError } from '../feedback/feedback-store.js';
import { collectStats, collectUnanswered, STATS_PERIODS } from '../feedback/insights.js';
import { renderHtmlReport } from '../feedback/html-report.js';
import { renderMarkdownReport } from '../feedback/markdown-report.js';
import { CHART_DAYS, collectChartData, renderStatsSvg } from '../feedback/stats-chart.js';
import type { FeedbackStore } from '../feedback/feedback-store.js';
import { PostgresFeedbackStore } from '../feedback/postgres-feedback-store.js';
import { SqliteFeedbackStore } from '../feedback/sqlite-feedback-store.js';
import { DatabaseError, openPool } from '../postgres/connect.js';

const reportArgsSchema = z.object({
  days: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(3650, 'must be at most 3650')
    .default(7),
  html: z.boolean().default(false),
});

/** The validated command line of `npm run report`. */
export type ReportArgs = z.infer<typeof reportArgsSchema>;

/** Thrown for a bad command line; its message names the option. */
export class ReportArgsError extends Error {
  override readonly name = 'ReportArgsError';
}

/** Parses `report`'s arguments: `--days N` (default 7), `--html`. */
export function parseReportArgs(argv: readonly string[]): ReportArgs {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { days: { type: 'string' }, html: { type: 'boolean' } },
    }));
  } catch (error) {
    throw new ReportArgsError(error instanceof Error ? error.message : String(error));
  }
  const parsed = reportArgsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReportArgsError(
      `--${String(issue?.path[0] ?? 'arguments')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

// Only where the records are: the report must not refuse to run because of a bot setting it
// never reads.
const envSchema = z.object({
  DATA_DIR: configShape.DATA_DIR,
  DATABASE_URL: configShape.DATABASE_URL,
});

// The store the bot writes to, opened for reading: it never creates a file or a schema.
async function openForReading(
  env: z.infer<typeof envSchema>,
): Promise<{ store: FeedbackStore; close: () => Promise<void> }> {
  if (!env.DATABASE_URL) {
    const store = SqliteFeedbackStore.open(env.DATA_DIR, { mustExist: true });
    return { store, close: () => store.close() };
  }
  const pool = await openPool(env.DATABASE_URL);
  try {
    const store = await PostgresFeedbackStore.open(pool, { mustExist: true });
    return { store, close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * `npm run report [-- --days N] [--html]`: the unanswered questions of the last N days grouped by
 * similarity, the most 👎'd sections and the figures of 1, 7, 30 and N days, as Markdown on
 * stdout, for the people who edit the knowledge; with `--html`, one self-contained page with
 * the chart of questions per day and top sections. Reads `<DATA_DIR>/feedback.sqlite`, or the
 * database of DATABASE_URL.
 */
const USAGE = `usage: npm run report -- [--days N] [--html]
  The unanswered questions of the last N days (default 7) grouped by similarity, the most 👎'd
  sections and the figures, as Markdown; with --html, one page with charts. Reads
  DATA_DIR/feedback.sqlite, or the database of DATABASE_URL.`;

async function main(): Promise<void> {
  if (printedUsage(process.argv.slice(2), USAGE)) return;
  const args = parseReportArgs(process.argv.slice(2));
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true });
  const present = Object.fromEntries(
    Object.entries({
      DATA_DIR: process.env.DATA_DIR,
      DATABASE_URL: process.env.DATABASE_URL,
    }).filter(([, v]) => v?.trim()),
  );
  const env = envSchema.parse(present);
  const { store, close } = await openForReading(env);
  try {
    const now = new Date();
    const periods = [...new Set([...STATS_PERIODS, args.days])].sort((a, b) => a - b);
    const report = renderMarkdownReport({
      generatedAt: now,
      unanswered: await collectUnanswered(store, now, args.days),
      stats: await collectStats(store, now, periods),
    });
    if (!args.html) {
      process.stdout.write(report);
      return;
    }
    const chart = await renderStatsSvg(
      await collectChartData(store, now, {
        title: `Questions per day, last ${CHART_DAYS} days`,
        answered: 'answered',
        unanswered: 'unanswered',
        day: 'day',
        questions: 'questions',
        topSections: 'Top sections',
      }),
    );
    process.stdout.write(renderHtmlReport(report, chart, 'Feedback report'));
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  const known =
    error instanceof ReportArgsError ||
    error instanceof FeedbackStoreError ||
    error instanceof DatabaseError;
  console.error(
    known
      ? (error as Error).message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error),
  );
  process.exitCode = 1;
});
