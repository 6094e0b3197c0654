/**
 * The production runtime as operators start it: `npm start` under a supervisor that signals the
 * npm process, and the container's own commands read from the Dockerfile (no Docker engine
 * needed: the commands are what matter, run here as the image runs them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test, type TestContext } from 'vitest';
import { SECRET_HEADER } from '../../src/bot/webhook-server.js';
import {
  copyKnowledge,
  REPO_ROOT,
  USER_ID,
  waitUntil,
  type LogLine,
} from '../support/bot-harness.js';
import { parseLogLines } from '../support/bot-process.js';
import { FakeBotApi } from '../support/fake-bot-api.js';

const LIVENESS_MS = 30_000;
const TIMEOUT = { timeout: 90_000 };

interface Child {
  child: ChildProcess;
  output: () => string;
  logs: () => LogLine[];
  exited: Promise<number | null>;
}

function run(command: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code)),
  );
  const logs = () => parseLogLines(output);
  return { child, output: () => output, logs, exited };
}

// The processes below `pid`, from /proc: npm, the shell it may start, node.
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // Gone meanwhile.
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function environment(ctx: TestContext) {
  const fake = await FakeBotApi.start();
  const knowledgeDir = await copyKnowledge();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'esim-faq-runtime-'));
  const children: Child[] = [];
  ctx.onTestFinished(async () => {
    for (const c of children) {
      for (const pid of c.child.pid ? descendants(c.child.pid) : []) process.kill(pid, 'SIGKILL');
      c.child.kill('SIGKILL');
    }
    await Promise.all(children.map((c) => c.exited));
    await fake.close();
    await rm(knowledgeDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });
  const env = {
    BOT_TOKEN: fake.token,
    BOT_API_ROOT: fake.apiRoot,
    KNOWLEDGE_DIR: knowledgeDir,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  };
  return {
    fake,
    env,
    start: (command: string, args: string[], extra: Record<string, string> = {}) => {
      const c = run(command, args, { ...env, ...extra });
      children.push(c);
      return c;
    },
  };
}

async function waitForLog(c: Child, msg: string): Promise<void> {
  await waitUntil(() => c.logs().some((l) => l.msg === msg), `log "${msg}"`, LIVENESS_MS);
}

describe.concurrent('npm start under a supervisor', TIMEOUT, () => {
  test.for(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    '%s to the npm process stops the bot gracefully and leaves no process',
    async (signal, ctx) => {
      const { fake, start } = await environment(ctx);
      const npm = start('npm', ['start']);
      await waitForLog(npm, 'polling for updates');
      fake.privateText(USER_ID, 'what is an esim');
      await fake.waitFor({ method: 'sendMessage' }, LIVENESS_MS);
      const tree = descendants(npm.child.pid ?? 0);
      // npm runs the bot as plain node on the compiled build.
      const commands = tree.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      expect(commands.some((c) => c.split('\0').join(' ').includes('dist/main.js'))).toBe(true);
      expect(commands.join(' ')).not.toMatch(/tsx/);

      npm.child.kill(signal);
      await npm.exited;
      await waitUntil(() => tree.every((pid) => !alive(pid)), 'every process gone', LIVENESS_MS);
      expect(npm.logs().some((l) => l.msg === 'stopped')).toBe(true);
      expect(npm.output()).not.toMatch(/^\s+at /m);
      // The answered update was confirmed: nothing waits at Telegram for a next start.
      expect(fake.pendingUpdates).toEqual([]);
    },
  );
});

describe('a restart of the compiled build', TIMEOUT, () => {
  test('answers from the knowledge the first start prepared, and the same', async (ctx) => {
    const { fake, start } = await environment(ctx);
    const answerTo = async (question: string) => {
      const before = fake.sent(USER_ID).length;
      fake.privateText(USER_ID, question);
      await waitUntil(() => fake.sent(USER_ID).length > before, 'an answer', LIVENESS_MS);
      return fake.sent(USER_ID).at(-1)?.payload.text;
    };
    const questions = [
      'what is an esim',
      '手机自动段网怎么办',
      'how do I turn off the network cut-off',
    ];
    const sources: unknown[] = [];
    const codes: unknown[] = [];
    const answers: unknown[][] = [];
    for (let run = 0; run < 2; run++) {
      const bot = start('node', ['dist/main.js']);
      await waitForLog(bot, 'polling for updates');
      const loaded = bot.logs().find((l) => l.msg === 'knowledge loaded');
      sources.push(loaded?.from);
      codes.push(loaded?.code);
      const replies: unknown[] = [];
      for (const question of questions) replies.push(await answerTo(question));
      answers.push(replies);
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
    }
    expect(sources).toEqual(['files', 'prepared copy']);
    // Both runs are the build's bundle, compiled from the code cache the build made.
    expect(codes).toEqual(['bundle, with its code cache', 'bundle, with its code cache']);
    expect(answers[0]?.every((text) => typeof text === 'string' && text.length > 0)).toBe(true);
    expect(answers[1]).toEqual(answers[0]);
  });
});

describe('a restart after a reload', TIMEOUT, () => {
  test('starts from what the reload loaded, kept at the graceful stop', async (ctx) => {
    const { fake, start, env } = await environment(ctx);
    const first = start('node', ['dist/main.js']);
    await waitForLog(first, 'polling for updates');
    await writeFile(
      path.join(env.KNOWLEDGE_DIR, '90-zebra-lights.md'),
      [
        '---',
        'id: zebra-lights',
        'questions:',
        '  zh-Hans:',
        "    - '斑马线的灯为什么闪'",
        '  en:',
        "    - 'why do zebra crossing lights blink'",
        '---',
        '',
        '## zh-Hans: 斑马线的灯为什么闪',
        '',
        '闪烁的灯提醒司机前方有人行横道。',
        '',
        '## en: Why do zebra crossing lights blink',
        '',
        'The blinking lamps warn drivers that a crossing is ahead.',
        '',
      ].join('\n'),
    );
    first.child.kill('SIGHUP');
    await waitForLog(first, 'knowledge reloaded');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(
      first.logs().filter((l) => l.msg === 'prepared knowledge kept for the next start'),
    ).toHaveLength(2);

    const second = start('node', ['dist/main.js']);
    await waitForLog(second, 'polling for updates');
    expect(second.logs().find((l) => l.msg === 'knowledge loaded')?.from).toBe('prepared copy');
    fake.privateText(USER_ID, 'why do zebra crossing lights blink');
    await waitUntil(() => fake.sent(USER_ID).length > 0, 'an answer', LIVENESS_MS);
    expect(fake.sent(USER_ID).at(-1)?.payload.text).toContain('crossing is ahead');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

// The JSON-array form of a Dockerfile instruction, e.g. CMD ["node", "dist/main.js"].
function instruction(dockerfile: string, name: string): string[] {
  const line = dockerfile.split('\n').find((l) => l.startsWith(`${name} `) && l.includes('['));
  if (!line) throw new Error(`the Dockerfile has no ${name} in JSON form`);
  return JSON.parse(line.slice(line.indexOf('['))) as string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('the container', TIMEOUT, () => {
  const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');

  test('runs as a non-root user under an init, with a health check', () => {
    const users = dockerfile.split('\n').filter((l) => l.startsWith('USER '));
    expect(users.at(-1)).toBe('USER node');
    expect(instruction(dockerfile, 'ENTRYPOINT')).toEqual(['/usr/bin/tini', '--']);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*CMD \[/m);
  });

  test('its CMD serves the webhook, its HEALTHCHECK passes, SIGTERM stops it', async (ctx) => {
    const { fake, env, start } = await environment(ctx);
    const [command, ...args] = instruction(dockerfile, 'CMD');
    const [checkCommand, ...checkArgs] =
      dockerfile
        .split('\n')
        .filter((l) => l.startsWith('HEALTHCHECK'))
        .map((l) => JSON.parse(l.slice(l.indexOf('['))) as string[])[0] ?? [];
    expect(command).toBe('node');
    const port = await freePort();
    const webhook = {
      MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.com/telegram/hook',
      WEBHOOK_SECRET: 'container_secret_0123456789',
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'production',
    };
    const bot = start(command ?? 'node', args, webhook);
    await waitForLog(bot, 'webhook server listening');
    expect(fake.webhook?.url).toBe(webhook.WEBHOOK_URL);

    const check = run(checkCommand ?? 'node', checkArgs, { ...env, ...webhook });
    expect(await check.exited).toBe(0);

    const update = fake.privateText(USER_ID, 'what is an esim');
    const response = await fetch(`http://127.0.0.1:${port}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: webhook.WEBHOOK_SECRET },
      body: JSON.stringify(update),
    });
    expect(response.status).toBe(200);
    expect(fake.sent(USER_ID)).toHaveLength(1);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    // Once the bot is gone the check fails, as a container runtime must see.
    const after = run(checkCommand ?? 'node', checkArgs, { ...env, ...webhook });
    expect(await after.exited).toBe(1);
  });
});
