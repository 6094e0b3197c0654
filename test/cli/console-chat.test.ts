import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { TEST_KNOWLEDGE } from '../support/bot-harness.js';
import { MAIN } from '../support/bot-process.js';

// `npm start | head`, or a terminal closed mid-chat: the reader of the chat goes away while
// the bot still has answers to print.
test('the console chat ends quietly when its reader goes away', { timeout: 60_000 }, async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'console-chat-'));
  try {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        KNOWLEDGE_DIR: TEST_KNOWLEDGE,
        LOG_LEVEL: 'silent',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    // The prompt says the chat is ready; the reader leaves before the answer is printed.
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('> ')) resolve();
      }),
    );
    child.stdout.destroy();
    child.stdin.end('红茶怎么泡\n绿茶怎么泡\n');
    expect(await closed).toBe(0);
    expect(stderr).toBe('');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
