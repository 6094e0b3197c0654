import { createInterface } from 'node:readline';
import { loadMatcherConfig } from '../config.js';
import { KnowledgeError } from '../knowledge/errors.js';
import { loadKnowledge } from '../knowledge/load.js';
import { matchQuestion, type MatchResult } from '../match/match-question.js';
import { sectionText } from '../match/localize.js';
import { buildSearchIndex, type SearchIndex } from '../match/search-index.js';
import { composeAnswer, nearFloor } from '../bot/answer.js';
import { htmlToPlain } from '../bot/render.js';
import { parseAskArgs } from './args.js';
import { printedUsage } from './usage.js';

/** One line of `--jsonl` output. */
export function toJsonLine(question: string, result: MatchResult): string {
  return JSON.stringify({
    question,
    id: result.section?.id ?? null,
    title: result.section ? sectionText(result.section, result.lang).title : null,
    score: result.score,
    lang: result.lang,
    alternatives: result.alternatives.map((a) => a.section.id),
  });
}

function printHuman(index: SearchIndex, result: MatchResult, threshold: number): void {
  const reply = composeAnswer(result, index.sections, {
    nearFloor: nearFloor(threshold),
  });
  console.log(reply.messages.map(htmlToPlain).join('\n\n'));
  reply.buttons.flat().forEach((button, i) => console.log(`  [${i + 1}] ${button.text}`));
  const alternatives =
    result.alternatives.map((a) => `${a.section.id} ${a.score}`).join(', ') || '—';
  console.log(
    `\n— ${result.section?.id ?? 'no answer'} · score ${result.score} (best: ${result.best?.section.id ?? '—'}) · ${result.lang} · alternatives: ${alternatives}`,
  );
}

const USAGE = `usage: npm run ask -- [--dir DIR] [--threshold N] [--json] QUESTION
       npm run --silent ask -- [--dir DIR] [--threshold N] --jsonl < questions.txt
  Answers one question as the bot would (--json: as one JSON line), or one question per line of
  standard input as JSON lines. DIR defaults to KNOWLEDGE_DIR; N overrides the calibrated threshold.`;

async function main(): Promise<void> {
  if (printedUsage(process.argv.slice(2), USAGE)) return;
  const args = parseAskArgs(process.argv.slice(2));
  const config = await loadMatcherConfig();
  const index = buildSearchIndex(await loadKnowledge(args.dir ?? config.KNOWLEDGE_DIR));
  const threshold = args.threshold ?? config.MATCH_THRESHOLD;
  const ask = (q: string) => matchQuestion(index, q, threshold === undefined ? {} : { threshold });

  if (args.jsonl) {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) process.stdout.write(`${toJsonLine(line, ask(line))}\n`);
    return;
  }
  if (args.question === undefined) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  if (args.json) console.log(toJsonLine(args.question, ask(args.question)));
  else printHuman(index, ask(args.question), threshold ?? index.calibration.threshold);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof KnowledgeError
      ? `Knowledge errors:\n${error.message}`
      : error instanceof Error
        ? error.message
        : String(error),
  );
  process.exitCode = 1;
});
