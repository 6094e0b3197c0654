import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printedUsage } from './usage.js';
import { z } from 'zod';
import { formatProblem, KnowledgeError } from '../knowledge/errors.js';
import {
  formatOfFile,
  IMPORT_FORMATS,
  importFaq,
  ImportError,
  type ImportResult,
} from '../knowledge/import-faq.js';
import { KNOWLEDGE_CONFIG_FILE } from '../knowledge/languages.js';
import { loadKnowledge, parseKnowledgeConfig } from '../knowledge/load.js';
import {
  renderKnowledgeConfig,
  renderSectionFile,
  sectionFileName,
} from '../knowledge/section-writer.js';

/** The report of what the import left out, written beside the sections (the loader skips it). */
export const IMPORT_REPORT_FILE = 'import-report.txt';

const importArgsSchema = z.object({
  file: z.string({ error: 'name the file to import' }).min(1),
  out: z.string().min(1).default('knowledge'),
  format: z.enum(IMPORT_FORMATS).optional(),
  lang: z.string().min(1).default('en'),
  force: z.boolean().default(false),
  separator: z.string().min(1).optional(),
  delimiter: z.string().length(1).optional(),
  id: z.string().min(1).optional(),
  question: z.string().min(1).optional(),
  answer: z.string().min(1).optional(),
  alternates: z.string().min(1).optional(),
  language: z.string().min(1).optional(),
  keywords: z.string().min(1).optional(),
  related: z.string().min(1).optional(),
});

const USAGE = `usage: npm run knowledge:import -- FILE [--out DIR] [--force] [--format csv|tsv|qna|json]
  [--lang TAG] [--delimiter CHAR] [--separator CHAR] [--question HEADER] [--answer HEADER] [--alternates HEADER]
  [--language HEADER] [--id HEADER] [--keywords HEADER] [--related HEADER]`;

/**
 * `npm run knowledge:import -- FILE`: turns an FAQ (CSV, TSV, a QnA Maker export, a JSON list)
 * into one section file per entry in `--out` (default `knowledge`), declares its languages in
 * knowledge.yaml, writes what it could not map to import-report.txt, then checks the folder
 * as a reload would. Writes nothing when a file it would write exists, unless `--force`.
 */
async function main(): Promise<void> {
  if (printedUsage(process.argv.slice(2), USAGE)) return;
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      format: { type: 'string' },
      lang: { type: 'string' },
      force: { type: 'boolean' },
      separator: { type: 'string' },
      delimiter: { type: 'string' },
      id: { type: 'string' },
      question: { type: 'string' },
      answer: { type: 'string' },
      alternates: { type: 'string' },
      language: { type: 'string' },
      keywords: { type: 'string' },
      related: { type: 'string' },
    },
  });
  const parsed = importArgsSchema.safeParse({ ...values, file: positionals[0] });
  if (!parsed.success || positionals.length > 1) {
    const issue = parsed.error?.issues[0];
    fail(
      issue
        ? `${issue.path[0] === 'file' ? '' : `--${String(issue.path[0])}: `}${issue.message}\n${USAGE}`
        : USAGE,
    );
    return;
  }
  const args = parsed.data;
  let text: string;
  try {
    text = await readFile(args.file, 'utf8');
  } catch (error) {
    fail(`cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return;
  }
  let result: ImportResult;
  try {
    result = importFaq(text, {
      format: args.format ?? formatOfFile(args.file, text),
      defaultLang: args.lang,
      columns: {
        ...(args.id && { id: args.id }),
        ...(args.question && { question: args.question }),
        ...(args.answer && { answer: args.answer }),
        ...(args.alternates && { alternates: args.alternates }),
        ...(args.language && { language: args.language }),
        ...(args.keywords && { keywords: args.keywords }),
        ...(args.related && { related: args.related }),
      },
      ...(args.separator && { separator: args.separator }),
      ...(args.delimiter && { delimiter: args.delimiter }),
    });
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    fail(`✘ ${args.file}: ${error.message}`);
    return;
  }
  if (result.entries.length === 0) {
    fail(`✘ ${args.file}: no entry could be imported\n${reportText(result)}`);
    return;
  }

  const files = new Map<string, string>();
  result.entries.forEach((entry, i) => {
    files.set(sectionFileName(entry, i, result.entries.length), renderSectionFile(entry));
  });
  const config = await knowledgeConfigFor(args.out, result);
  if (config !== undefined) files.set(KNOWLEDGE_CONFIG_FILE, config);
  files.set(IMPORT_REPORT_FILE, reportText(result));

  if (!args.force) {
    const existing = (
      await Promise.all(
        [...files.keys()].map(async (name) =>
          (await exists(path.join(args.out, name))) ? name : '',
        ),
      )
    ).filter(Boolean);
    if (existing.length > 0) {
      fail(
        `✘ ${args.out} already has ${existing.join(', ')}: nothing was written (pass --force to overwrite)`,
      );
      return;
    }
  }
  await mkdir(args.out, { recursive: true });
  for (const [name, content] of files) await writeFile(path.join(args.out, name), content);

  const langs = [...new Set(result.entries.flatMap((e) => [...e.texts.keys()]))];
  console.log(
    `imported ${result.entries.length} sections (${langs.join(', ')}) from ${args.file} (${result.format}) into ${args.out}; ${result.notes.length} notes in ${path.join(args.out, IMPORT_REPORT_FILE)}`,
  );
  if (result.notes.length > 0) console.log(reportText(result).trimEnd());
  try {
    const knowledge = await loadKnowledge(args.out);
    console.log(`✔ ${args.out}: ${knowledge.sections.length} sections load`);
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    fail(`✘ ${args.out} does not load yet:\n${error.problems.map(formatProblem).join('\n')}`);
  }
}

// knowledge.yaml declaring the imported languages: kept when it already declares them all,
// extended when it does not, written when the folder has none.
async function knowledgeConfigFor(dir: string, result: ImportResult): Promise<string | undefined> {
  const imported = [...new Set(result.entries.flatMap((e) => [...e.texts.keys()]))];
  let text: string | undefined;
  try {
    text = await readFile(path.join(dir, KNOWLEDGE_CONFIG_FILE), 'utf8');
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    // A folder of sections without knowledge.yaml is bilingual; say so before adding to it.
    const hasSections = await loadKnowledge(dir).then(
      (k) => k.languages.declared,
      () => undefined,
    );
    const declared = [...new Set([...(hasSections ?? []), ...imported])];
    return renderKnowledgeConfig(declared, declared[0] ?? 'en');
  }
  const parsed = parseKnowledgeConfig(text);
  if (!parsed.ok) return undefined;
  const missing = imported.filter((lang) => !parsed.languages.declared.includes(lang));
  if (missing.length === 0) return undefined;
  return renderKnowledgeConfig(
    [...parsed.languages.declared, ...missing],
    parsed.languages.fallback,
  );
}

function reportText(result: ImportResult): string {
  if (result.notes.length === 0) return 'Everything was imported.\n';
  return `${result.notes.map((n) => `${n.origin}: ${n.note}`).join('\n')}\n`;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function fail(message: string): void {
  console.error(message);
  process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
