import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KnowledgeError, type KnowledgeProblem } from '../../src/knowledge/errors.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { tempDir } from '../support/temp-dirs.js';

export { removeTempDirs, tempDir } from '../support/temp-dirs.js';

/** The repository root, for the shipped `knowledge/` folder and the CLI scripts. */
export const repoRoot = path.resolve(fileURLToPath(import.meta.url), '../../..');
export const shippedKnowledgeDir = path.join(repoRoot, 'knowledge');
export const fixtureKnowledgeDir = path.join(repoRoot, 'test/fixtures/knowledge');

/** The front matter of a valid section, without the `---` fences. */
export function frontMatter(id: string): string {
  return [
    `id: ${id}`,
    'questions:',
    '  zh-Hans:',
    `    - ${id} 是什么`,
    '  en:',
    `    - what is ${id}`,
  ].join('\n');
}

/** Both language blocks of a valid section. */
export function languageBlocks(id: string): string {
  return [
    `## zh-Hans: ${id} 的标题`,
    '',
    `${id} 的正文。`,
    '',
    `## en: Title of ${id}`,
    '',
    `The body of ${id}.`,
    '',
  ].join('\n');
}

/** A whole section file from its parts; each part defaults to a valid one. */
export function sectionFile(id: string, parts: { front?: string; blocks?: string } = {}): string {
  return `---\n${parts.front ?? frontMatter(id)}\n---\n\n${parts.blocks ?? languageBlocks(id)}`;
}

/** The 1-based number of the first line of `source` that contains `needle`. */
export function lineOf(source: string, needle: string, occurrence = 1): number {
  let seen = 0;
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] ?? '').includes(needle) && ++seen === occurrence) return i + 1;
  }
  throw new Error(`"${needle}" (occurrence ${occurrence}) is not in the source`);
}

/** A temp knowledge folder holding `files` (name → text or bytes). */
export async function knowledgeDir(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files))
    await writeFile(path.join(dir, name), content);
  return dir;
}

/** Loads `dir`, expecting it to be refused, and returns the problems the loader listed. */
export async function problemsOf(dir: string): Promise<readonly KnowledgeProblem[]> {
  try {
    await loadKnowledge(dir);
  } catch (error) {
    if (error instanceof KnowledgeError) return error.problems;
    throw error;
  }
  throw new Error(`expected ${dir} to be refused, but it loaded`);
}
