// The second half of `npm run build`, after tsc has compiled src/ to dist/: bundles the program
// and its matcher thread into dist/bundle/ (one CommonJS file each), then makes the program's
// V8 code cache. dist/main.js runs the bundle when it is there (see src/main.ts).
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist', 'bundle');

// Left outside the bundle and required from node_modules when used:
const EXTERNAL = [
  // native modules;
  'better-sqlite3',
  '@resvg/resvg-js',
  // libraries the program loads on first use (src/load-on-use.ts), or only for replicas or
  // for charts: a start that does not need them reads none of their code.
  'yaml',
  'pinyin-pro',
  'opencc-js',
  'pg',
  'vega',
  'vega-lite',
];

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    program: path.join(root, 'dist', 'program.js'),
    'matcher-worker': path.join(root, 'dist', 'match-thread', 'matcher-worker.js'),
  },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  // The modules find their neighbours (the locales, the matcher thread) from their own URL.
  define: { 'import.meta.url': 'import_meta_url' },
  banner: { js: "const import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  // Libraries compare class names (node-fetch checks an AbortSignal by its constructor's name).
  keepNames: true,
  logLevel: 'warning',
});

// In a process of its own: running the bundle's top level sets up every library it holds.
execFileSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { writeCodeCache } from './dist/code-cache.js';
     writeCodeCache(${JSON.stringify(path.join(outdir, 'program.cjs'))});`,
  ],
  { cwd: root, stdio: 'inherit' },
);
