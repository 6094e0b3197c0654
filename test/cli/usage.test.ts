import { describe, expect, test } from 'vitest';
import { printedUsage } from '../../src/cli/usage.js';
import { runTsx } from './run.js';

describe('printedUsage', () => {
  test('answers --help and -h, and nothing after a --', () => {
    expect(printedUsage(['--dir', 'x', '--help'], '')).toBe(true);
    expect(printedUsage(['-h'], '')).toBe(true);
    expect(printedUsage(['--dir', 'x', 'what is esim'], '')).toBe(false);
    expect(printedUsage(['--', '--help'], '')).toBe(false);
  });
});

// Every command an operator runs answers --help with its usage, exit 0, touching nothing
// (no knowledge is loaded: the folder named does not exist).
describe.each([
  ['src/cli/ask.ts', 'npm run ask'],
  ['src/cli/eval.ts', 'npm run eval'],
  ['src/cli/knowledge-check.ts', 'npm run knowledge:check'],
  ['src/cli/knowledge-export.ts', 'npm run knowledge:export'],
  ['src/cli/knowledge-import.ts', 'npm run knowledge:import'],
  ['src/cli/report.ts', 'npm run report'],
])('%s --help', (script, command) => {
  test(`prints the usage of ${command}`, async () => {
    const run = await runTsx(script, ['--help'], { env: { KNOWLEDGE_DIR: '/nonexistent' } });
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`usage: ${command} --`)).toBe(true);
    expect(run.stderr).toBe('');
  });
});
