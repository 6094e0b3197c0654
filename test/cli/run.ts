import { spawn } from 'node:child_process';
import { configShape } from '../../src/config.js';
import { repoRoot } from '../knowledge/section-files.js';

/**
 * The environment of this process without the bot's settings: vitest sets MODE=test, which the
 * config would refuse, and a developer's settings must not change what the CLI does.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(configShape)) delete env[key];
  return { ...env, ...extra };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Fed on stdin, which is then closed. */
  input?: string;
  /** Settings on top of the cleaned environment. */
  env?: Record<string, string>;
}

/** Runs `npx tsx <script> …args` from the repository root, feeding `input` on stdin. */
export function runTsx(
  script: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return runCommand('npx', ['tsx', script, ...args], options);
}

/** Runs `command …args` from the repository root without the bot's settings, as `runTsx` does. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
