/**
 * Vitest global setup: makes the production build (`npm run build`: src/ compiled to dist/,
 * incrementally, then bundled) before any test starts the program as a process, which runs
 * what `npm start` and the container run: `node dist/main.js`.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const run = (args: string[]) =>
    execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  run([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  run(['--import', 'tsx', path.join(root, 'scripts/bundle.ts')]);
}
