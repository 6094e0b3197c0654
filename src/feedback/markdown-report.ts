import { percent, type PeriodStats, type UnansweredReport } from './insights.js';

/** Everything the Markdown report shows. */
export interface ReportData {
  generatedAt: Date;
  unanswered: UnansweredReport;
  /** One entry per period, shortest first; the report's own period is among them. */
  stats: PeriodStats[];
}

/** Escapes text for a Markdown table cell: no pipe, no line break, no markup. */
export function markdownCell(text: string): string {
  return text
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

const days = (n: number) => (n === 1 ? 'last day' : `last ${n} days`);

function table(header: readonly string[], align: readonly string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${align.join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

/**
 * Renders the report `npm run report` prints: the grouped unanswered questions and the most
 * 👎'd sections of the period, then the figures of each period. Pure, for the tests.
 */
export function renderMarkdownReport(data: ReportData): string {
  const { unanswered } = data;
  const period = data.stats.find((s) => s.days === unanswered.days) ?? data.stats.at(-1);
  const lines: string[] = [
    '# Feedback report',
    '',
    `Generated ${data.generatedAt.toISOString()}; questions and feedback of the ${days(unanswered.days)}.`,
    '',
    '## Unanswered questions',
    '',
  ];
  if (unanswered.groups.length === 0) {
    lines.push('No unanswered questions.');
  } else {
    lines.push(
      `${unanswered.total} unanswered question${unanswered.total === 1 ? '' : 's'}; the most frequent, grouped by similarity:`,
      '',
      ...table(
        ['#', 'times', 'example', 'wordings'],
        ['--:', '--:', '---', '--:'],
        unanswered.groups.map((g, i) => [
          String(i + 1),
          String(g.count),
          markdownCell(g.example),
          String(g.wordings),
        ]),
      ),
    );
  }
  lines.push('', '## Sections with the most 👎', '');
  if (unanswered.mostDownvoted.length === 0) lines.push('No 👎.');
  else
    lines.push(
      ...table(
        ['section', '👎', '👍'],
        ['---', '--:', '--:'],
        unanswered.mostDownvoted.map((v) => [`\`${v.sectionId}\``, String(v.down), String(v.up)]),
      ),
    );

  lines.push(
    '',
    '## Questions',
    '',
    ...table(
      ['period', 'questions', 'answered', 'share answered'],
      ['---', '--:', '--:', '--:'],
      data.stats.map((s) => [
        days(s.days),
        String(s.questions),
        String(s.answered),
        percent(s.answeredShare),
      ]),
    ),
  );
  if (period) {
    lines.push('', `## Sections answered with, ${days(period.days)}`, '');
    if (period.topSections.length === 0) lines.push('None.');
    else
      lines.push(
        ...table(
          ['section', 'answers'],
          ['---', '--:'],
          period.topSections.map((t) => [`\`${t.sectionId}\``, String(t.count)]),
        ),
      );
    lines.push('', `## Feedback per section, ${days(period.days)}`, '');
    if (period.feedback.length === 0) lines.push('No votes.');
    else
      lines.push(
        ...table(
          ['section', '👍', '👎'],
          ['---', '--:', '--:'],
          period.feedback.map((v) => [`\`${v.sectionId}\``, String(v.up), String(v.down)]),
        ),
      );
  }
  return `${lines.join('\n')}\n`;
}
