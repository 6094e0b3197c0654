import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { removeTempDirs, repoRoot, tempDir } from '../knowledge/section-files.js';
import { runTsx } from './run.js';

afterAll(removeTempDirs);

const fixture = (name: string) => path.join(repoRoot, 'test/fixtures/import', name);

describe('knowledge:import', () => {
  test('writes one section per entry, knowledge.yaml and the report, checks them, and refuses to overwrite', async () => {
    const out = path.join(await tempDir(), 'faq');
    const run = await runTsx('src/cli/knowledge-import.ts', [
      fixture('bike-share.csv'),
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `imported 4 sections (en) from ${fixture('bike-share.csv')} (csv)`,
    );
    expect(run.stdout).toContain(`✔ ${out}: 4 sections load`);
    expect((await readdir(out)).sort()).toEqual([
      '01-how-do-i-unlock-a-bike.md',
      '02-how-much-does-a-ride-cost.md',
      '03-where-can-i-leave-the-bike.md',
      '04-what-if-the-bike-is-broken.md',
      'import-report.txt',
      'knowledge.yaml',
    ]);
    expect(await readFile(path.join(out, 'import-report.txt'), 'utf8')).toContain(
      'row 7: skipped "Is there a helmet?": no answer',
    );
    const knowledge = await loadKnowledge(out);
    expect(knowledge.languages.declared).toEqual(['en']);

    const again = await runTsx('src/cli/knowledge-import.ts', [
      fixture('bike-share.csv'),
      '--out',
      out,
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('nothing was written (pass --force to overwrite)');
    const forced = await runTsx('src/cli/knowledge-import.ts', [
      fixture('bike-share.csv'),
      '--out',
      out,
      '--force',
    ]);
    expect(forced.code).toBe(0);
  });

  test('knowledge:export prints CSV that imports back, and refuses an unknown format', async () => {
    const run = await runTsx('src/cli/knowledge-export.ts', ['knowledge', '--format', 'csv']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      'id,language,question,answer,alternates,keywords,related',
    );
    expect(run.stdout).toContain('esim,en,What is an eSIM?');
    const bad = await runTsx('src/cli/knowledge-export.ts', ['--format', 'xlsx']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--format: must be csv, tsv or json');
  });
});
