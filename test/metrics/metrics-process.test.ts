/** The real program in polling mode with METRICS_PORT: the figures of a running bot. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SHIPPED_KNOWLEDGE, USER_ID, waitUntil } from '../support/bot-harness.js';
import { exitWithin, removeWorkDir, spawnBot, stopAllBots } from '../support/bot-process.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { sampleSum, sampleValue } from '../support/prometheus-text.js';

afterAll(async () => {
  await stopAllBots();
  removeWorkDir();
});

describe('METRICS_PORT in polling mode', () => {
  test(
    'serves the running bot’s figures; a port in use is one line naming the key',
    { timeout: 90_000 },
    async () => {
      const fake = await FakeBotApi.start();
      const dataDir = await mkdtemp(path.join(tmpdir(), 'esim-faq-metrics-'));
      try {
        const env = {
          BOT_TOKEN: fake.token,
          BOT_API_ROOT: fake.apiRoot,
          KNOWLEDGE_DIR: SHIPPED_KNOWLEDGE,
          DATA_DIR: dataDir,
          HOST: '127.0.0.1',
          METRICS_PORT: '0',
        };
        const bot = spawnBot(env);
        const listening = await bot.waitForLog('metrics server listening', undefined, 30_000);
        await bot.waitForLog('polling for updates', undefined, 30_000);
        const base = `http://127.0.0.1:${String(listening.port)}`;
        const pushed = ['what is an esim', '今天吃什么', 'eSIM能自动断网吗'].map((text, i) =>
          fake.privateText(USER_ID + i, text),
        );
        await waitUntil(() => fake.sent().length === 3, 'three answers', 20_000);

        // The counter is raised right after the answer is sent: scrape until it caught up.
        let text = '';
        for (let tries = 0; tries < 50; tries++) {
          text = await (await fetch(`${base}/metrics`)).text();
          if (sampleSum(text, 'esim_faq_questions_total') >= 3) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(sampleSum(text, 'esim_faq_questions_total')).toBe(3);
        expect(
          sampleValue(text, 'esim_faq_questions_total', {
            chat_type: 'private',
            outcome: 'declined',
          }),
        ).toBe(1);
        expect(
          sampleValue(text, 'esim_faq_questions_total', {
            chat_type: 'private',
            outcome: 'answered',
          }),
        ).toBe(2);
        expect(sampleValue(text, 'esim_faq_knowledge_sections')).toBeGreaterThan(5);
        expect(sampleValue(text, 'esim_faq_queue_depth')).toBe(0);
        // Each answer's log line carries the update id, the key to follow one update through.
        const ids = bot
          .logs()
          .filter((l) => l.msg === 'question')
          .map((l) => l.update);
        expect(ids.sort()).toEqual(pushed.map((u) => u.update_id).sort());

        const blocker = createServer();
        await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
        const taken = (blocker.address() as { port: number }).port;
        const second = spawnBot({ ...env, METRICS_PORT: String(taken) });
        expect(await exitWithin(second, 30_000)).toEqual({ code: 1, signal: null });
        const plain = second.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('{'));
        expect(plain).toEqual([`Cannot serve metrics on METRICS_PORT ${taken}: EADDRINUSE`]);
        blocker.close();
        bot.child.kill('SIGTERM');
        expect(await exitWithin(bot, 30_000)).toEqual({ code: 0, signal: null });
      } finally {
        await fake.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
});
