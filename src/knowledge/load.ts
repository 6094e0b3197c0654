import { createHash } from 'node:crypto';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { yaml } from './yaml-library.js';
import { runInSlices, runToEnd } from '../time-slices.js';
import { KnowledgeError, reasons, type KnowledgeProblem } from './errors.js';
import {
  bilingualLanguages,
  KNOWLEDGE_CONFIG_FILE,
  knowledgeConfigSchema,
  languagesOf,
  normalizeLanguageTag,
  type KnowledgeLanguages,
} from './languages.js';
import { parseSection, type RelatedRef } from './parse-section.js';
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
  return [
    ...sections,
    ...[SYNONYMS_FILE, KNOWLEDGE_CONFIG_FILE].filter((name) => names.includes(name)),
  ];
}

/**
 * Whether `name` may be written into the knowledge folder: a plain section file name
 * (`02-esim.md`) or `synonyms.yaml`, with no folder, no leading dot and nothing the loader
 * would skip.
 */
export function isKnowledgeFileName(name: string): boolean {
  if (name === SYNONYMS_FILE || name === KNOWLEDGE_CONFIG_FILE) return true;
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
  return knowledgeOf(await readKnowledgeFolder(dir), dir);
}

/**
 * The knowledge that `files`, read from `dir`, make: {@link loadKnowledge} for files already
 * read. Throws a {@link KnowledgeError} listing every problem.
 */
export async function knowledgeOf(
  files: readonly KnowledgeFileInput[],
  dir: string,
): Promise<Knowledge> {
  const checked = await validateKnowledgeFilesAsync(files, dir);
  if (!checked.ok) throw new KnowledgeError(checked.problems);
  return checked.knowledge;
}

/**
 * A digest of what `files` hold, names and texts: equal digests, the same knowledge. Hashed in
 * slices, giving the event loop back: ten thousand files are tens of megabytes, some 80 ms.
 */
export function digestOfFiles(files: readonly KnowledgeFileInput[]): Promise<string> {
  return runInSlices(digestSteps(files));
}

function* digestSteps(files: readonly KnowledgeFileInput[]): Generator<void, string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(JSON.stringify(file));
    yield;
  }
  return hash.digest('hex');
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
  const relatedRefs = new Map<Section, RelatedRef[]>();

  let languages = bilingualLanguages;
  const configFile = byName.get(KNOWLEDGE_CONFIG_FILE);
  if (configFile && 'problem' in configFile) {
    problems.push(configFile.problem);
  } else if (configFile) {
    const parsed = parseKnowledgeConfig(configFile.text);
    if (parsed.ok) languages = parsed.languages;
    else {
      problems.push(...parsed.problems);
      // The sections are still checked, against the languages the broken file does list, so
      // that one run reports every problem without a cascade of false ones.
      if (parsed.listed.length > 0)
        languages = {
          declared: parsed.listed,
          fallback: parsed.listed[0] ?? '',
          complete: false,
          about: {},
        };
    }
  }

  for (const name of sectionNames) {
    yield;
    const file = byName.get(name);
    if (!file) continue;
    if ('problem' in file) {
      problems.push(file.problem);
      continue;
    }
    const parsed = parseSection(name, file.text, languages);
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
    relatedRefs.set(parsed.section, parsed.relatedRefs);
  }
  if (sectionNames.length === 0) problems.push({ file: folder, reason: reasons.noSections });
  const idOfFile = new Map([...fileOfId].map(([id, file]) => [file, id]));
  problems.push(...resolveRelated(sections, relatedRefs, fileOfId, idOfFile));

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
  return { ok: true, knowledge: { sections, synonyms, languages } };
}

// A follow-up names a section by id, or by file name ("02-外卖.md", with or without ".md"), so
// that sections whose ids are derived from non-Latin names can be linked by what the editor
// sees. It must exist (a typo would show a dead button) and not be the section itself.
// Resolved ids replace the references in place.
function resolveRelated(
  sections: Section[],
  refs: ReadonlyMap<Section, readonly RelatedRef[]>,
  fileOfId: ReadonlyMap<string, string>,
  idOfFile: ReadonlyMap<string, string>,
): KnowledgeProblem[] {
  const problems: KnowledgeProblem[] = [];
  sections.forEach((section, i) => {
    const list = refs.get(section) ?? [];
    if (list.length === 0) return;
    const resolved: string[] = [];
    for (const ref of list) {
      const id = fileOfId.has(ref.id)
        ? ref.id
        : (idOfFile.get(ref.id) ?? idOfFile.get(`${ref.id}.md`));
      const reason =
        id === undefined
          ? reasons.unknownRelated(ref.id)
          : id === section.id
            ? reasons.relatedSelf
            : undefined;
      if (reason === undefined) {
        if (id !== undefined && !resolved.includes(id)) resolved.push(id);
        continue;
      }
      const problem: KnowledgeProblem = { file: section.file, section: section.id, reason };
      if (ref.line !== undefined) problem.line = ref.line;
      problems.push(problem);
    }
    sections[i] = { ...section, related: resolved };
  });
  return problems;
}

/** Parses the text of `knowledge.yaml`. Pure, for the loader and for checking an upload. */
export function parseKnowledgeConfig(
  text: string,
):
  | { ok: true; languages: KnowledgeLanguages }
  | { ok: false; problems: KnowledgeProblem[]; listed: string[] } {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { prettyErrors: false, lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      listed: [],
      problems: doc.errors.map((e) => ({
        line: lineCounter.linePos(e.pos[0]).line,
        file: KNOWLEDGE_CONFIG_FILE,
        reason: reasons.configYaml(e.message.split('\n')[0] ?? e.code),
      })),
    };
  }
  const raw: unknown = doc.toJS();
  const parsed = knowledgeConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const rawList: unknown =
      raw && typeof raw === 'object' && 'languages' in raw ? raw.languages : undefined;
    const listed = Array.isArray(rawList)
      ? rawList.flatMap((tag) => {
          const canonical = typeof tag === 'string' ? normalizeLanguageTag(tag) : undefined;
          return canonical === undefined ? [] : [canonical];
        })
      : [];
    return {
      ok: false,
      listed,
      problems: parsed.error.issues.map((issue) => {
        // An unknown key is reported on its parent; point at the key itself.
        const keyPath =
          issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
        const node = (doc.getIn(keyPath as (string | number)[], true) ??
          doc.getIn(issue.path as (string | number)[], true)) as
          { range?: [number, number] } | undefined;
        const problem: KnowledgeProblem = {
          file: KNOWLEDGE_CONFIG_FILE,
          reason: reasons.schema(
            issue.path.join('.'),
            issue.code === 'unrecognized_keys'
              ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
              : issue.message,
          ),
        };
        if (node?.range) problem.line = lineCounter.linePos(node.range[0]).line;
        return problem;
      }),
    };
  }
  return { ok: true, languages: languagesOf(parsed.data) };
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
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { prettyErrors: false, lineCounter });
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
    return decodeKnowledgeFile(name, await readAtMost(full, size, limit + 1));
  } catch (error) {
    return { ok: false, problem: { file: name, reason: reasons.unreadable(errorText(error)) } };
  }
}

// Reads the first `max` bytes of a file at most, into a buffer the size the file was found to
// have: one of `max` bytes per file would zero-fill 256 KiB for each of ten thousand small
// files. A file that grew since it was measured is read on, in a buffer doubled up to `max`.
export async function readAtMost(file: string, expected: number, max: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    let buffer = Buffer.allocUnsafe(Math.min(expected + 1, max));
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled < buffer.length) continue;
      if (buffer.length === max) break;
      const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2, max));
      buffer.copy(larger, 0, 0, filled);
      buffer = larger;
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

/**
 * What went wrong with a file, without its path: the system error code (ENOENT, EACCES…) when
 * there is one, else the message. Paths stay out of replies and logs.
 */
export function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return error instanceof Error ? error.message : String(error);
}
