import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { runInSlices, runToEnd } from '../time-slices.js';
import { KnowledgeError, reasons, type KnowledgeProblem } from './errors.js';
import { parseSection } from './parse-section.js';
import { plainValue } from './yaml-value.js';
import { synonymsSchema } from './schema.js';
import type { Knowledge, Section } from './types.js';

/** The limits the loader enforces, so one bad file cannot exhaust memory or leave the folder. */
export const knowledgeLimits = Object.freeze({
  maxFileBytes: 256 * 1024,
  maxFiles: 20_000,
});

/** The shared synonym groups live in this file beside the sections. */
export const SYNONYMS_FILE = 'synonyms.yaml';
const IGNORED = new Set(['readme.md']);

/** One knowledge file by name: its text, or the problem that kept it from being read. */
export type KnowledgeFileInput =
  { name: string; text: string } | { name: string; problem: KnowledgeProblem };

/**
 * The names among `names` the loader reads, in the order it reads them: section files (`*.md`,
 * except README.md, in file-name order, at most {@link knowledgeLimits.maxFiles}), then
 * `synonyms.yaml` when present. Everything else (sub-folders such as `.backups`, temporary
 * files) is not knowledge.
 */
export function knowledgeFileNames(names: readonly string[]): string[] {
  const sections = [...names]
    .sort()
    .filter((name) => isSectionFileName(name))
    .slice(0, knowledgeLimits.maxFiles);
  return names.includes(SYNONYMS_FILE) ? [...sections, SYNONYMS_FILE] : sections;
}

/**
 * Whether `name` may be written into the knowledge folder: a plain section file name
 * (`02-esim.md`) or `synonyms.yaml`, with no folder, no leading dot and nothing the loader
 * would skip.
 */
export function isKnowledgeFileName(name: string): boolean {
  if (name === SYNONYMS_FILE) return true;
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/.test(name) && isSectionFileName(name);
}

// A name with a folder in it never comes from a directory listing; refusing it here as well
// keeps a set of files handed in by other means (an upload) inside the folder.
function isSectionFileName(name: string): boolean {
  return (
    name.toLowerCase().endsWith('.md') &&
    !IGNORED.has(name.toLowerCase()) &&
    !/[\\/]/.test(name) &&
    !name.startsWith('.')
  );
}

/**
 * Reads and validates every section file (`*.md`, in file-name order) and `synonyms.yaml` in
 * `dir`. Throws a {@link KnowledgeError} listing every problem; returns nothing partial, so a
 * caller never swaps in half a knowledge base.
 */
export async function loadKnowledge(dir: string): Promise<Knowledge> {
  const checked = await validateKnowledgeFilesAsync(await readKnowledgeFolder(dir), dir);
  if (!checked.ok) throw new KnowledgeError(checked.problems);
  return checked.knowledge;
}

/**
 * Reads the files {@link loadKnowledge} validates, without validating them: the I/O half of the
 * loader, so that an uploaded file can be checked together with the files already there.
 * Throws a {@link KnowledgeError} only when the folder itself cannot be read.
 */
export async function readKnowledgeFolder(dir: string): Promise<KnowledgeFileInput[]> {
  let root: string;
  let names: string[];
  try {
    root = await realpath(dir);
    names = await readdir(root);
  } catch (error) {
    throw new KnowledgeError([{ file: dir, reason: reasons.folderUnreadable(errorText(error)) }]);
  }
  // A few reads at a time: one by one, a help centre of thousands of files takes seconds.
  const wanted = knowledgeFileNames(names);
  const files: KnowledgeFileInput[] = new Array(wanted.length);
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const i = next++;
      const name = wanted[i] as string;
      const read = await readKnowledgeFile(root, name);
      files[i] = read.ok ? { name, text: read.text } : { name, problem: read.problem };
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, wanted.length) }, worker));
  return files;
}

const READ_CONCURRENCY = 16;

type Validation = { ok: true; knowledge: Knowledge } | { ok: false; problems: KnowledgeProblem[] };

/**
 * Validates a whole knowledge base given as files: pure, so the loader and a chat upload (the
 * folder's files with one added or replaced) run exactly the same checks. Names that are not
 * knowledge files are ignored, as on disk; `folder` names the set in folder-wide problems.
 */
export function validateKnowledgeFiles(
  files: readonly KnowledgeFileInput[],
  folder: string,
): Validation {
  return runToEnd(validationSteps(files, folder));
}

/**
 * {@link validateKnowledgeFiles}, giving the event loop back every `sliceMs`: parsing thousands
 * of files must not hold up the answers a reload runs beside.
 */
export function validateKnowledgeFilesAsync(
  files: readonly KnowledgeFileInput[],
  folder: string,
  sliceMs = 5,
): Promise<Validation> {
  return runInSlices(validationSteps(files, folder), sliceMs);
}

// The validation as a generator that yields after each file, serving both forms above.
function* validationSteps(
  files: readonly KnowledgeFileInput[],
  folder: string,
): Generator<void, Validation> {
  const byName = new Map(files.map((file) => [file.name, file]));
  const names = knowledgeFileNames([...byName.keys()]);
  const problems: KnowledgeProblem[] = [];
  const sections: Section[] = [];
  const fileOfId = new Map<string, string>();
  const sectionNames = names.filter(isSectionFileName);

  for (const name of sectionNames) {
    yield;
    const file = byName.get(name);
    if (!file) continue;
    if ('problem' in file) {
      problems.push(file.problem);
      continue;
    }
    const parsed = parseSection(name, file.text);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const other = fileOfId.get(parsed.section.id);
    if (other !== undefined) {
      problems.push({
        file: name,
        section: parsed.section.id,
        reason: reasons.duplicateId(parsed.section.id, other),
      });
      continue;
    }
    fileOfId.set(parsed.section.id, name);
    sections.push(parsed.section);
  }
  if (sectionNames.length === 0) problems.push({ file: folder, reason: reasons.noSections });

  let synonyms: string[][] = [];
  const synonymsFile = byName.get(SYNONYMS_FILE);
  if (synonymsFile && 'problem' in synonymsFile) {
    problems.push(synonymsFile.problem);
  } else if (synonymsFile) {
    const parsed = parseSynonyms(synonymsFile.text);
    if (parsed.ok) synonyms = parsed.groups;
    else problems.push(...parsed.problems);
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, knowledge: { sections, synonyms } };
}

/**
 * Checks the bytes of one knowledge file (size limit, UTF-8) and returns its text. Pure: the
 * loader and an uploaded document share it.
 */
export function decodeKnowledgeFile(
  name: string,
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; problem: KnowledgeProblem } {
  if (bytes.length > knowledgeLimits.maxFileBytes) {
    return {
      ok: false,
      problem: { file: name, reason: reasons.tooLarge(bytes.length, knowledgeLimits.maxFileBytes) },
    };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, problem: { file: name, reason: reasons.notUtf8 } };
  }
}

/** Parses the text of `synonyms.yaml`. Pure, for the loader and for checking an upload. */
export function parseSynonyms(
  text: string,
): { ok: true; groups: string[][] } | { ok: false; problems: KnowledgeProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        line: lineCounter.linePos(e.pos[0]).line,
        file: SYNONYMS_FILE,
        reason: reasons.synonymsYaml(e.message.split('\n')[0] ?? e.code),
      })),
    };
  }
  const converted = plainValue(doc);
  if (!converted.ok)
    return {
      ok: false,
      problems: [{ file: SYNONYMS_FILE, line: 1, reason: reasons.synonymsYaml(converted.reason) }],
    };
  const parsed = synonymsSchema.safeParse(converted.value ?? []);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        file: SYNONYMS_FILE,
        reason: reasons.schema(
          issue.path.map((p) => (typeof p === 'number' ? `group ${p + 1}` : String(p))).join(' '),
          issue.message,
        ),
      })),
    };
  }
  return { ok: true, groups: parsed.data };
}

type ReadResult = { ok: true; text: string } | { ok: false; problem: KnowledgeProblem };

async function readKnowledgeFile(root: string, name: string): Promise<ReadResult> {
  const full = path.join(root, name);
  try {
    const info = await lstat(full);
    if (info.isSymbolicLink()) {
      // A link is allowed only to a file inside the folder, so an edit cannot expose other files.
      const target = await realpath(full);
      if (!isInside(root, target))
        return { ok: false, problem: { file: name, reason: reasons.outsideFolder } };
    } else if (!info.isFile()) {
      return { ok: false, problem: { file: name, reason: reasons.notAFile } };
    }
    // The size is checked before reading, and the read stops past the limit: a huge file (or one
    // growing meanwhile) never comes into memory.
    const limit = knowledgeLimits.maxFileBytes;
    const size = info.isSymbolicLink() ? (await stat(full)).size : info.size;
    if (size > limit)
      return { ok: false, problem: { file: name, reason: reasons.tooLarge(size, limit) } };
    return decodeKnowledgeFile(name, await readAtMost(full, limit + 1));
  } catch (error) {
    return { ok: false, problem: { file: name, reason: reasons.unreadable(errorText(error)) } };
  }
}

// Reads the first `max` bytes of a file at most.
async function readAtMost(file: string, max: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(max);
    let filled = 0;
    while (filled < max) {
      const { bytesRead } = await handle.read(buffer, filled, max - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** True when `target` is `root` itself or below it. Both must be resolved paths. */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return error instanceof Error ? error.message : String(error);
}
