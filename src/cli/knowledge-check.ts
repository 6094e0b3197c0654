import { parseArgs } from 'node:util';
import { printedUsage } from './usage.js';
import { loadMatcherConfig } from '../config.js';
import { formatProblem, KnowledgeError } from '../knowledge/errors.js';
import { languageBalanceWarnings } from '../knowledge/language-balance.js';
import { loadKnowledge } from '../knowledge/load.js';
import { relatedCycles } from '../knowledge/related.js';
import { buildSearchIndex } from '../match/search-index.js';

/**
 * `npm run knowledge:check [-- DIR]`: validates the knowledge folder exactly as a reload would,
 * prints one line per problem (file:line [section] reason) and exits 1 on any. Sections whose
 * two languages drift apart are listed as warnings, which do not fail the check.
 */
const USAGE = `usage: npm run knowledge:check -- [DIR]
  Checks a knowledge folder (default KNOWLEDGE_DIR) as a reload would: one line per problem
  (file:line [section] reason), exit 1 on any; language drift is a warning only.`;

async function main(): Promise<void> {
  if (printedUsage(process.argv.slice(2), USAGE)) return;
  const { positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true });
  // KNOWLEDGE_DIR from the environment or `.env`, as the bot reads it.
  const dir = positionals[0] ?? (await loadMatcherConfig()).KNOWLEDGE_DIR;
  const started = performance.now();
  try {
    const knowledge = await loadKnowledge(dir);
    const { calibration } = buildSearchIndex(knowledge);
    const questions = knowledge.sections.reduce(
      (sum, s) => sum + s.langs.reduce((n, lang) => n + (s.text[lang]?.questions.length ?? 0), 0),
      0,
    );
    console.log(
      `✔ ${dir}: ${knowledge.sections.length} sections, ${questions} alternate questions, ${knowledge.synonyms.length} synonym groups, answer threshold ${calibration.threshold} (${calibration.source === 'calibrated' ? 'calibrated' : `default: ${calibration.reason}`}) (${Math.round(performance.now() - started)} ms)`,
    );
    const warnings = languageBalanceWarnings(knowledge);
    if (warnings.length > 0) {
      console.log(`⚠ ${warnings.length} warning${warnings.length === 1 ? '' : 's'} (not errors):`);
      for (const warning of warnings) console.log(formatProblem(warning));
    }
    // Information only: follow-ups that lead back to where the reader started.
    for (const cycle of relatedCycles(knowledge))
      console.log(`ℹ related: ${cycle.join(', ')} lead back to each other (not an error)`);
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    console.error(
      `✘ ${dir}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`,
    );
    console.error(error.message);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
