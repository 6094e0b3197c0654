/**
 * Vitest global setup: compiles src/ to dist/ (the production build, incremental, so a second
 * run takes a moment) before any test starts the program as a process, which runs what
 * `npm start` and the container run: `node dist/main.js`.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
