/**
 * Runs the real program as `npm start` and the container run it, `node dist/main.js` (the
 * compiled build, made by the tests' global setup), as a child process for process-level
 * tests. The child gets a clean environment (only PATH and HOME from ours, plus what the test
 * passes) and an empty working directory, so no `.env` and no stray BOT_TOKEN leak in. Every
 * child is remembered until it exits, so that `stopAllBots` can kill whatever is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, waitUntil, type LogLine } from './bot-harness.js';

/** The compiled entry point. */
export const MAIN = path.join(REPO_ROOT, 'dist', 'main.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Settles when the process has exited and its output is closed. */
  exited: Promise<Exit>;
  /** The stderr lines that are JSON log lines, parsed. */
  logs(): LogLine[];
  /** Resolves with the first log line whose `msg` is `msg` (and that passes `where`). */
  waitForLog(msg: string, where?: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

const children = new Set<BotProcess>();
let workDir: string | undefined;

/** Starts the program with `env` (undefined values are left out) and optional stdin text. */
export function spawnBot(env: Record<string, string | undefined>, input?: string): BotProcess {
  workDir ??= mkdtempSync(path.join(tmpdir(), 'esim-faq-cwd-'));
  const cleanEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // A DATA_DIR of its own unless the test shares one between runs (a restart).
    DATA_DIR: mkdtempSync(path.join(workDir, 'data-')),
    ...env,
  })) {
    if (value !== undefined) cleanEnv[key] = value;
  }
  const child = spawn(process.execPath, [MAIN], {
    cwd: workDir,
    env: cleanEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  if (input === undefined) child.stdin?.end();
  else child.stdin?.end(input);
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const logs = (): LogLine[] =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as LogLine];
        } catch {
          return [];
        }
      });
  const proc: BotProcess = {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    logs,
    waitForLog: async (msg, where = () => true, timeoutMs = 15_000) => {
      const find = () => logs().find((line) => line.msg === msg && where(line));
      let exitedEarly = false;
      void exited.then(() => (exitedEarly = true));
      await waitUntil(() => find() !== undefined || exitedEarly, `log "${msg}"`, timeoutMs);
      const line = find();
      if (!line) throw new Error(`the bot exited before logging "${msg}"; stderr:\n${stderr}`);
      return line;
    },
  };
  children.add(proc);
  void exited.then(() => children.delete(proc));
  return proc;
}

/** Kills every child still running (SIGKILL) and waits for it to exit. */
export async function stopAllBots(): Promise<void> {
  const running = [...children];
  for (const proc of running) proc.child.kill('SIGKILL');
  await Promise.all(running.map((proc) => proc.exited));
}

/** Removes the children's working directory; call once all children are gone. */
export function removeWorkDir(): void {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
}

/** Waits for exit, failing after `timeoutMs` (the child is then killed by `stopAllBots`). */
export async function exitWithin(proc: BotProcess, timeoutMs: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`the bot did not exit within ${timeoutMs} ms; stderr:\n${proc.stderr}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
