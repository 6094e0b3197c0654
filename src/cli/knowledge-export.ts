import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { printedUsage } from './usage.js';
import { z } from 'zod';
import { KnowledgeError } from '../knowledge/errors.js';
import { EXPORT_FORMATS, exportKnowledge } from '../knowledge/export-faq.js';
import { loadKnowledge } from '../knowledge/load.js';

const exportArgsSchema = z.object({
  format: z.enum(EXPORT_FORMATS, { error: 'must be csv, tsv or json' }).default('csv'),
  out: z.string().min(1).optional(),
  dir: z.string().min(1).optional(),
});

/**
 * `npm run knowledge:export -- [DIR] --format csv|tsv|json [--out FILE]`: the knowledge as a
 * table or JSON list that `knowledge:import` reads back to the same sections; on stdout
 * unless `--out` is given.
 */
const USAGE = `usage: npm run knowledge:export -- [DIR] --format csv|tsv|json [--out FILE]
  Writes the knowledge (default KNOWLEDGE_DIR) as a table or JSON list that knowledge:import
  reads back to the same sections; on standard output unless --out is given.`;

async function main(): Promise<void> {
  if (printedUsage(process.argv.slice(2), USAGE)) return;
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { format: { type: 'string' }, out: { type: 'string' } },
  });
  const parsed = exportArgsSchema.safeParse({ ...values, dir: positionals[0] });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.error(`--${String(issue?.path[0] ?? 'format')}: ${issue?.message ?? 'invalid'}`);
    process.exitCode = 1;
    return;
  }
  const dir = parsed.data.dir ?? process.env.KNOWLEDGE_DIR ?? 'knowledge';
  try {
    const text = exportKnowledge(await loadKnowledge(dir), parsed.data.format);
    if (parsed.data.out) await writeFile(parsed.data.out, text);
    else process.stdout.write(text);
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    console.error(`✘ ${dir} does not load, so it cannot be exported:\n${error.message}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
