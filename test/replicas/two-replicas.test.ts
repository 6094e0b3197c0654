/**
 * Two bot processes in webhook mode on one PostgreSQL database, behind a round-robin proxy on
 * loopback, fed as Telegram feeds a webhook: over 40 connections, every update delivered until
 * it gets a 200. A burst of 1,000 questions with 10% delivered to both replicas at once, one
 * replica SIGKILLed mid-burst (its requests in flight get 502 and are delivered again): no
 * question lost, doubles only among the killed replica's in-flight updates. Then the killed
 * replica comes back, a reload on it is seen by the other, and a second burst shows the two
 * replicas' /metrics adding up to exactly what was sent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Update } from 'grammy/types';
import { copyKnowledge, writeSection } from '../support/bot-harness.js';
import { removeWorkDir, spawnBot, stopAllBots, type BotProcess } from '../support/bot-process.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { freshDatabaseUrl } from '../support/postgres-database.js';
import { sampleSum, sampleValue } from '../support/prometheus-text.js';
import { ROUTE_HEADER, startRoundRobinProxy } from '../support/round-robin-proxy.js';

afterAll(async () => {
  await stopAllBots();
  removeWorkDir();
});

const SECRET = 'replica_test_secret_0123456789';
const HOOK_PATH = '/telegram/hook';
/** Telegram's default max_connections: updates in flight at once. */
const CONNECTIONS = 40;
const BURST = 1000;
const SECOND_BURST = 200;
const KILL_AFTER = 400;

interface Replica {
  bot: BotProcess;
  port: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function metricsOf(replica: Replica): Promise<string> {
  return (await fetch(`http://127.0.0.1:${replica.port}/metrics`)).text();
}

describe('two replicas behind one webhook address', () => {
  test(
    '1,000 updates, 10% to both, one replica killed mid-burst: none lost, doubles within the in-flight bound',
    { timeout: 240_000 },
    async () => {
      const fake = await FakeBotApi.start();
      const knowledgeDir = await copyKnowledge();
      const dataDirs: string[] = [];
      const databaseUrl = await freshDatabaseUrl('replicas');
      const proxy = await startRoundRobinProxy([undefined, undefined]);
      try {
        const start = async (): Promise<Replica> => {
          const dataDir = await mkdtemp(path.join(tmpdir(), 'esim-faq-replica-'));
          dataDirs.push(dataDir);
          const bot = spawnBot({
            BOT_TOKEN: fake.token,
            BOT_API_ROOT: fake.apiRoot,
            MODE: 'webhook',
            WEBHOOK_URL: `https://bot.example.com${HOOK_PATH}`,
            WEBHOOK_SECRET: SECRET,
            HOST: '127.0.0.1',
            PORT: '0',
            DATABASE_URL: databaseUrl,
            KNOWLEDGE_DIR: knowledgeDir,
            DATA_DIR: dataDir,
            USER_MESSAGES_PER_SECOND: '100',
            LOG_LEVEL: 'info',
          });
          const listening = await bot.waitForLog('webhook server listening', undefined, 60_000);
          return { bot, port: Number(listening.port) };
        };
        // Both at once: the migrations run under their lock, once.
        const replicas = await Promise.all([start(), start()]);
        const [a, b] = replicas as [Replica, Replica];
        proxy.upstreams[0] = a.port;
        proxy.upstreams[1] = b.port;
        const applied = [a, b].map(
          (r) => r.bot.logs().find((l) => l.msg === 'database ready')?.applied as number[],
        );
        expect(applied.filter((list) => list.length > 0)).toHaveLength(1);

        // Delivers like Telegram: again after anything but a 200, until it is accepted.
        const deliver = async (update: Update, route: number): Promise<number> => {
          for (let attempt = 0; attempt < 100; attempt++) {
            try {
              const response = await fetch(`${proxy.url}${HOOK_PATH}`, {
                method: 'POST',
                headers: {
                  'content-type': 'application/json',
                  'x-telegram-bot-api-secret-token': SECRET,
                  [ROUTE_HEADER]: String(attempt === 0 ? route : (route + attempt) % 2),
                },
                body: JSON.stringify(update),
              });
              await response.arrayBuffer();
              if (response.status === 200) return attempt;
            } catch {
              // the proxy itself is on loopback; a failure here is retried like a 502
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          throw new Error(`update ${update.update_id} was never accepted`);
        };

        /** Sends `count` questions from new users over 40 connections; 10% go to both replicas. */
        const burst = async (count: number, firstUser: number, onSent?: (n: number) => void) => {
          const updates = Array.from({ length: count }, (_, i) =>
            fake.privateText(firstUser + i, 'what is green tea'),
          );
          const sentAt = new Map<number, number>();
          let cursor = 0;
          let redeliveries = 0;
          let started = 0;
          const worker = async () => {
            while (cursor < updates.length) {
              const i = cursor++;
              const update = updates[i] as Update;
              sentAt.set(firstUser + i, Date.now());
              onSent?.(++started);
              const route = i % 2;
              const jobs = [deliver(update, route)];
              if (i % 10 === 3) {
                redeliveries++;
                jobs.push(
                  new Promise((resolve) => setTimeout(resolve, i % 7)).then(() =>
                    deliver(update, 1 - route),
                  ),
                );
              }
              await Promise.all(jobs);
            }
          };
          const t0 = Date.now();
          await Promise.all(Array.from({ length: CONNECTIONS }, worker));
          return { updates, sentAt, redeliveries, t0 };
        };

        // Burst 1, with replica a killed after 400 questions have gone out.
        let inFlightAtKill = -1;
        const first = await burst(BURST, 10_000, (n) => {
          if (n === KILL_AFTER) {
            inFlightAtKill = proxy.inFlight[0] ?? 0;
            a.bot.child.kill('SIGKILL');
          }
        });
        expect(inFlightAtKill).toBeGreaterThan(0);
        const users = first.updates.map((u) => u.message?.chat.id as number);
        const answersBy = (chat: number) => fake.sent(chat);
        await waitFor(() => users.every((u) => answersBy(u).length > 0), 60_000);
        const lost = users.filter((u) => answersBy(u).length === 0).length;
        const doubled = users.filter((u) => answersBy(u).length > 1).length;
        const latencies = users.map(
          (u, i) => (answersBy(u)[0]?.at ?? NaN) - (first.sentAt.get(10_000 + i) ?? NaN),
        );
        const lastAnswer = Math.max(...users.map((u) => answersBy(u)[0]?.at ?? 0));
        const seconds = (lastAnswer - first.t0) / 1000;
        console.log(
          `[two replicas] ${BURST} updates (${first.redeliveries} delivered to both), replica a SIGKILLed after ${KILL_AFTER} with ${inFlightAtKill} in flight: ` +
            `${(BURST / seconds).toFixed(0)} updates/s, p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, lost ${lost}, doubled ${doubled}`,
        );
        expect(lost).toBe(0);
        expect(doubled).toBeLessThanOrEqual(inFlightAtKill);
        expect(a.bot.child.signalCode).toBe('SIGKILL');

        // a comes back; a reload there reaches b.
        const a2 = await start();
        proxy.upstreams[0] = a2.port;
        await writeSection(knowledgeDir, '90-roaming.md', {
          id: 'roaming-fees',
          title: { 'zh-Hans': '漫游费用', en: 'Roaming fees' },
          body: { 'zh-Hans': '漫游按天计费。', en: 'Roaming is charged per day.' },
          questions: { 'zh-Hans': ['漫游怎么收费'], en: ['how much does roaming cost'] },
        });
        const sectionsBefore = sampleValue(await metricsOf(b), 'esim_faq_knowledge_sections') ?? 0;
        const reloadAt = Date.now();
        a2.bot.child.kill('SIGHUP');
        let seenAfter = NaN;
        await waitFor(async () => {
          const sections = sampleValue(await metricsOf(b), 'esim_faq_knowledge_sections');
          if (sections !== sectionsBefore + 1) return false;
          seenAfter = Date.now() - reloadAt;
          return true;
        }, 10_000);
        console.log(`[two replicas] SIGHUP on a: b serves the new section after ${seenAfter} ms`);
        expect(sampleValue(await metricsOf(b), 'esim_faq_knowledge_version')).toBe(2);

        // Burst 2 on both, no kill: the replicas' counters add up to what was sent.
        const before = await Promise.all([a2, b].map(metricsOf));
        const second = await burst(SECOND_BURST, 50_000);
        const secondUsers = second.updates.map((u) => u.message?.chat.id as number);
        await waitFor(() => secondUsers.every((u) => answersBy(u).length > 0), 30_000);
        expect(secondUsers.filter((u) => answersBy(u).length !== 1)).toEqual([]);
        let after: string[] = [];
        await waitFor(async () => {
          after = await Promise.all([a2, b].map(metricsOf));
          const questions = after.reduce((n, t) => n + sampleSum(t, 'esim_faq_questions_total'), 0);
          const was = before.reduce((n, t) => n + sampleSum(t, 'esim_faq_questions_total'), 0);
          return questions - was >= SECOND_BURST;
        }, 10_000);
        const delta = (name: string, labels: Record<string, string> = {}) =>
          after.reduce((n, t) => n + sampleSum(t, name, labels), 0) -
          before.reduce((n, t) => n + sampleSum(t, name, labels), 0);
        const answered = delta('esim_faq_questions_total', { outcome: 'answered' });
        const duplicates = delta('esim_faq_duplicate_updates_total');
        const perReplica = after.map(
          (t, i) =>
            sampleSum(t, 'esim_faq_questions_total') -
            sampleSum(before[i] ?? '', 'esim_faq_questions_total'),
        );
        console.log(
          `[two replicas] second burst of ${SECOND_BURST} (${second.redeliveries} to both): questions_total +${answered} (a ${perReplica[0]}, b ${perReplica[1]}), duplicate_updates_total +${duplicates}, queue_depth ${after.map((t) => sampleValue(t, 'esim_faq_queue_depth')).join('/')}`,
        );
        expect(answered).toBe(SECOND_BURST);
        expect(delta('esim_faq_questions_total')).toBe(SECOND_BURST);
        expect(duplicates).toBe(second.redeliveries);
        expect(delta('esim_faq_update_duration_seconds_count', { kind: 'message' })).toBe(
          SECOND_BURST,
        );
        expect(perReplica.every((n) => n > SECOND_BURST / 4)).toBe(true);
        for (const t of after) expect(sampleValue(t, 'esim_faq_queue_depth')).toBe(0);
      } finally {
        await stopAllBots();
        await proxy.close();
        await fake.close();
        await rm(knowledgeDir, { recursive: true, force: true });
        for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
