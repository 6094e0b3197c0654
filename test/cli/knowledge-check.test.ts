import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { formatProblem, reasons } from '../../src/knowledge/errors.js';
import {
  knowledgeDir,
  repoRoot,
  tempDir,
  languageBlocks,
  lineOf,
  removeTempDirs,
  sectionFile,
} from '../knowledge/section-files.js';
import { runTsx } from './run.js';

afterAll(removeTempDirs);

describe('knowledge-check', () => {
  test.concurrent('exits 0 on the shipped folder and counts its sections', async () => {
    const run = await runTsx('src/cli/knowledge-check.ts', ['knowledge']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^✔ knowledge: 16 sections, \d+ alternate questions, \d+ synonym groups/,
    );
  });

  test.concurrent('reads KNOWLEDGE_DIR from .env in the working directory', async () => {
    const broken = sectionFile('broken', { blocks: `Stray text.\n\n${languageBlocks('broken')}` });
    const dir = await knowledgeDir({ '02-broken.md': broken });
    const cwd = await tempDir('esim-faq-cwd-');
    await writeFile(path.join(cwd, '.env'), `KNOWLEDGE_DIR=${dir}\n`);
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(repoRoot, 'dist/cli/knowledge-check.js')], {
        cwd,
        env: { PATH: process.env.PATH ?? '' },
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(run.code).toBe(1);
    expect(run.stderr.startsWith(`✘ ${dir}: 1 problem`)).toBe(true);
  });

  test.concurrent('exits 1 on a folder with a broken file and prints the problem', async () => {
    const broken = sectionFile('broken', { blocks: `Stray text.\n\n${languageBlocks('broken')}` });
    const dir = await knowledgeDir({ '01-good.md': sectionFile('good'), '02-broken.md': broken });
    const run = await runTsx('src/cli/knowledge-check.ts', [dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `✘ ${dir}: 1 problem\n${formatProblem({
        file: '02-broken.md',
        line: lineOf(broken, 'Stray text.'),
        section: 'broken',
        reason: reasons.textBeforeFirstHeading,
      })}\n`,
    );
  });
});
