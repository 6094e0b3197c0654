import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  codeCacheFile,
  compileBundle,
  isCurrentBundle,
  readCodeCache,
  writeCodeCache,
} from '../src/code-cache.js';

let dir: string;
let bundle: string;

// A bundle as the build makes them: CommonJS, requiring a neighbour and node's own modules,
// with set-up code at its top level.
const BUNDLE_TEXT = `
const { join } = require('node:path');
const helper = require('./helper.cjs');
let setUps = (globalThis.__setUps ?? 0) + 1;
globalThis.__setUps = setUps;
function answer(question) { return helper.shout(question) + ' from ' + join('a', 'b'); }
module.exports = { answer, file: __filename, folder: __dirname, setUps };
`;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'code-cache-'));
  bundle = path.join(dir, 'program.cjs');
  await writeFile(bundle, BUNDLE_TEXT);
  await writeFile(path.join(dir, 'helper.cjs'), 'exports.shout = (text) => text.toUpperCase();\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CODE_CACHE = new URL('../src/code-cache.ts', import.meta.url).href;

/** Compiles `file` with the cache beside it in a new process: was the cache refused, and an answer. */
function compileElsewhere(file: string): { cached: boolean; rejected: boolean; answer: string } {
  const script = `
    import { compileBundle, readCodeCache } from ${JSON.stringify(CODE_CACHE)};
    const bundle = compileBundle(${JSON.stringify(file)}, readCodeCache(${JSON.stringify(file)}));
    const answer = bundle.run().answer('sim');
    console.log(JSON.stringify({ cached: readCodeCache(${JSON.stringify(file)}) !== undefined, rejected: bundle.cacheRejected, answer }));`;
  const out = execFileSync(process.execPath, [
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    script,
  ]);
  return JSON.parse(out.toString()) as { cached: boolean; rejected: boolean; answer: string };
}

interface TestBundle {
  answer(question: string): string;
  file: string;
  folder: string;
  setUps: number;
}

describe('a bundle run with its code cache', () => {
  it('runs as require would: its own file and folder, its neighbours, once', () => {
    const compiled = compileBundle(bundle);
    const exports = compiled.run() as TestBundle;
    expect(exports.answer('esim')).toBe(`ESIM from ${path.join('a', 'b')}`);
    expect(exports.file).toBe(bundle);
    expect(exports.folder).toBe(dir);
    // A second run returns the same exports: the top level ran once.
    expect(compiled.run()).toBe(exports);
  });

  // Each check compiles in a process of its own: within one process V8 reuses what it compiled
  // for the same text and never reads the cache.
  it('takes the cache the build wrote', () => {
    expect(readCodeCache(bundle)).toBeUndefined();
    writeCodeCache(bundle);
    expect(readCodeCache(bundle)?.length).toBeGreaterThan(0);
    expect(compileElsewhere(bundle)).toEqual({
      cached: true,
      rejected: false,
      answer: 'SIM from a/b',
    });
  });

  it('refuses a damaged cache, or one made for another text, and still runs', async () => {
    writeCodeCache(bundle);
    const good = readCodeCache(bundle) as Buffer;
    const damaged = Buffer.from(good);
    damaged.fill(7, 0, 64);
    await writeFile(codeCacheFile(bundle), damaged);
    expect(compileElsewhere(bundle)).toEqual({
      cached: true,
      rejected: true,
      answer: 'SIM from a/b',
    });

    await writeFile(codeCacheFile(bundle), good);
    await writeFile(bundle, BUNDLE_TEXT.replace("' from '", "' in '"));
    expect(compileElsewhere(bundle)).toEqual({
      cached: true,
      rejected: true,
      answer: 'SIM in a/b',
    });
  });

  it('keeps the cache beside the bundle', () => {
    expect(codeCacheFile(bundle)).toBe(`${bundle}.v8-cache`);
  });
});

describe('isCurrentBundle', () => {
  it('is false without a bundle, true without a compile record', async () => {
    const record = path.join(dir, '.tsbuildinfo');
    expect(isCurrentBundle(path.join(dir, 'none.cjs'), record)).toBe(false);
    expect(isCurrentBundle(bundle, record)).toBe(true);
  });

  it('is false when the modules were compiled again after the bundle was made', async () => {
    const record = path.join(dir, '.tsbuildinfo');
    await writeFile(record, '{}');
    const now = Date.now() / 1000;
    await utimes(bundle, now - 60, now - 60);
    await utimes(record, now, now);
    expect(isCurrentBundle(bundle, record)).toBe(false);
    await utimes(bundle, now + 1, now + 1);
    expect(isCurrentBundle(bundle, record)).toBe(true);
  });
});
