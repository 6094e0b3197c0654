import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { KnowledgeError, reasons, type KnowledgeProblem } from './errors.js';
import { parseSection } from './parse-section.js';
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

/**
 * Reads and validates every section file (`*.md`, in file-name order) and `synonyms.yaml` in
 * `dir`. Throws a {@link KnowledgeError} listing every problem; returns nothing partial, so a
 * caller never swaps in half a knowledge base.
 */
export async function loadKnowledge(dir: string): Promise<Knowledge> {
  let root: string;
  let names: string[];
  try {
    root = await realpath(dir);
    names = (await readdir(root)).sort();
  } catch (error) {
    throw new KnowledgeError([{ file: dir, reason: reasons.folderUnreadable(errorText(error)) }]);
  }

  const problems: KnowledgeProblem[] = [];
  const sections: Section[] = [];
  const fileOfId = new Map<string, string>();
  const sectionNames = names
    .filter((name) => name.toLowerCase().endsWith('.md') && !IGNORED.has(name.toLowerCase()))
    .slice(0, knowledgeLimits.maxFiles);

  for (const name of sectionNames) {
    const read = await readKnowledgeFile(root, name);
    if (!read.ok) {
      problems.push(read.problem);
      continue;
    }
    const parsed = parseSection(name, read.text);
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
  if (sectionNames.length === 0) problems.push({ file: dir, reason: reasons.noSections });

  let synonyms: string[][] = [];
  if (names.includes(SYNONYMS_FILE)) {
    const read = await readKnowledgeFile(root, SYNONYMS_FILE);
    if (read.ok) {
      const parsed = parseSynonyms(read.text);
      if (parsed.ok) synonyms = parsed.groups;
      else problems.push(...parsed.problems);
    } else {
      problems.push(read.problem);
    }
  }

  if (problems.length > 0) throw new KnowledgeError(problems);
  return { sections, synonyms };
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
  const parsed = synonymsSchema.safeParse(doc.toJS() ?? []);
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
    const bytes = await readFile(full);
    if (bytes.length > knowledgeLimits.maxFileBytes) {
      return {
        ok: false,
        problem: {
          file: name,
          reason: reasons.tooLarge(bytes.length, knowledgeLimits.maxFileBytes),
        },
      };
    }
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch (error) {
    if (error instanceof TypeError)
      return { ok: false, problem: { file: name, reason: reasons.notUtf8 } };
    return { ok: false, problem: { file: name, reason: reasons.unreadable(errorText(error)) } };
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
