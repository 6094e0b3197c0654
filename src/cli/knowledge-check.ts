import { parseArgs } from 'node:util';
import { loadMatcherConfig } from '../config.js';
import { KnowledgeError } from '../knowledge/errors.js';
import { loadKnowledge } from '../knowledge/load.js';
import { buildSearchIndex } from '../match/search-index.js';

/**
 * `npm run knowledge:check [-- DIR]`: validates the knowledge folder exactly as a reload would,
 * prints one line per problem (file:line [section] reason) and exits 1 on any.
 */
async function main(): Promise<void> {
  const { positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true });
  // KNOWLEDGE_DIR from the environment or `.env`, as the bot reads it.
  const dir = positionals[0] ?? (await loadMatcherConfig()).KNOWLEDGE_DIR;
  const started = performance.now();
  try {
    const knowledge = await loadKnowledge(dir);
    buildSearchIndex(knowledge);
    const questions = knowledge.sections.reduce(
      (sum, s) => sum + s.text['zh-Hans'].questions.length + s.text.en.questions.length,
      0,
    );
    console.log(
      `✔ ${dir}: ${knowledge.sections.length} sections, ${questions} alternate questions, ${knowledge.synonyms.length} synonym groups (${Math.round(performance.now() - started)} ms)`,
    );
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
