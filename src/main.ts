/**
 * The entry point, `node dist/main.js`: what `npm start`, the container and systemd run.
 *
 * Built (`npm run build`), the program is also one bundle, `dist/bundle/program.cjs`, with the
 * V8 code cache the build made for it. Started from the bundle, node neither finds and reads
 * some four hundred module files nor compiles the code their set-up runs: a start takes about
 * half as long. From source, or when the bundle is missing or older than the last compile,
 * the program runs as its modules.
 */
import { fileURLToPath } from 'node:url';
import { compileBundle, isCurrentBundle, readCodeCache } from './code-cache.js';
import type { ProgramCode } from './program.js';

const BUNDLE = fileURLToPath(new URL('./bundle/program.cjs', import.meta.url));
const LAST_COMPILE = fileURLToPath(new URL('./.tsbuildinfo', import.meta.url));

interface Program {
  runProgram(code: ProgramCode): void;
}

if (isCurrentBundle(BUNDLE, LAST_COMPILE)) {
  const cache = readCodeCache(BUNDLE);
  const bundle = compileBundle(BUNDLE, cache);
  (bundle.run() as Program).runProgram(
    !cache
      ? 'bundle, no code cache'
      : bundle.cacheRejected
        ? 'bundle, its code cache refused'
        : 'bundle, with its code cache',
  );
} else {
  const program: Program = await import('./program.js');
  program.runProgram('modules');
}
