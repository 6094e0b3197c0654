import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadEveryLibraryNow, loadOnUse } from '../src/load-on-use.js';

const require = createRequire(import.meta.url);
let dir: string;
let library: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'load-on-use-'));
  library = path.join(dir, 'library.cjs');
  await writeFile(
    library,
    'globalThis.__libraryLoads = (globalThis.__libraryLoads ?? 0) + 1;\nexports.value = 42;\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const loads = () => (globalThis as { __libraryLoads?: number }).__libraryLoads ?? 0;

test('a library is loaded on first use, or all of them at once when asked, and once', () => {
  const use = loadOnUse<{ value: number }>(library);
  expect(loads()).toBe(0);
  expect(require.cache[library]).toBeUndefined();
  loadEveryLibraryNow();
  expect(loads()).toBe(1);
  expect(require.cache[library]).toBeDefined();
  expect(use().value).toBe(42);
  loadEveryLibraryNow();
  expect(loads()).toBe(1);
});
