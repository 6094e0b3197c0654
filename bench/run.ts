/**
 * `npm run bench`: measures the matcher, its scaling, start-up, reload and end-to-end
 * throughput. Every comparison is a ratio measured in this same run, so the figures hold on
 * whatever machine runs it. A benchmark, not a test: nothing here passes or fails.
 */
import { fork, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { deserialize, serialize } from 'node:v8';
import Fuse from 'fuse.js';
import { Bot, type Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { botSettings } from '../src/app.js';
import { createBot } from '../src/bot/create-bot.js';
import { createWebhookServer, deliverDirectly } from '../src/bot/webhook-server.js';
import type { InboxUpdate } from '../src/delivery/delivery-store.js';
import { SqliteDeliveryStore } from '../src/delivery/sqlite-delivery-store.js';
import { SqliteFeedbackStore } from '../src/feedback/sqlite-feedback-store.js';
import { UpdateDispatcher } from '../src/delivery/update-dispatcher.js';
import { parseConfig } from '../src/config.js';
import { loadKnowledge } from '../src/knowledge/load.js';
import { type IndexBuilder, KnowledgeStore } from '../src/knowledge-store.js';
import type { Knowledge, Section } from '../src/knowledge/types.js';
import { createLogger } from '../src/logger.js';
import { sectionText } from '../src/match/localize.js';
import { matchQuestion } from '../src/match/match-question.js';
import { buildSearchIndex, buildSearchIndexAsync } from '../src/match/search-index.js';
import { restoredIndex, storedIndex, type StoredIndex } from '../src/match/stored-index.js';
import { ThreadMatcher } from '../src/match-thread/thread-matcher.js';
import { PREPARED_FILE } from '../src/prepared-knowledge.js';
import type { PeerReply, PeerRequest } from './bot-api-peer.js';
import { ms, quantile, summary } from './stats.js';
import { syntheticKnowledge } from './synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const rows: string[][] = [];
const row = (...cells: string[]) => {
  rows.push(cells);
  console.error(`  ${cells.join(' | ')}`);
};

interface Probe {
  q: string;
  expect: string[];
}

function questionSet(): Probe[] {
  const shared = path.resolve(ROOT, '../shared/eval/dev.jsonl');
  const file = existsSync(shared) ? shared : path.join(ROOT, 'test/fixtures/holdout.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Probe);
}

function timeEach<T>(items: readonly T[], rounds: number, run: (item: T) => void): number[] {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const item of items) {
      const started = performance.now();
      run(item);
      times.push(performance.now() - started);
    }
  }
  return times;
}

function heapMb(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

// 1. The matcher against Fuse.js with default options over title and body.
async function shippedKnowledge(): Promise<void> {
  const knowledge = await loadKnowledge(path.join(ROOT, 'knowledge'));
  const probes = questionSet();
  const index = buildSearchIndex(knowledge);
  const docs = knowledge.sections.flatMap((s) => [
    { id: s.id, title: sectionText(s, 'zh-Hans').title, body: sectionText(s, 'zh-Hans').body },
    { id: s.id, title: sectionText(s, 'en').title, body: sectionText(s, 'en').body },
  ]);
  const naive = new Fuse(docs, { keys: ['title', 'body'], includeScore: true });
  timeEach(probes, 10, (p) => matchQuestion(index, p.q)); // warm-up
  timeEach(probes, 10, (p) => naive.search(p.q));
  const ours = summary(timeEach(probes, 20, (p) => matchQuestion(index, p.q)));
  const base = summary(timeEach(probes, 20, (p) => naive.search(p.q)));
  const right = (id: string | undefined, p: Probe) =>
    p.expect.length === 0 ? id === undefined : p.expect.includes(id ?? '');
  const oursRight = probes.filter((p) => right(matchQuestion(index, p.q).section?.id, p)).length;
  // The naive matcher answers with its best hit whatever the score: it has no calibrated threshold.
  const naiveRight = probes.filter((p) => right(naive.search(p.q)[0]?.item.id, p)).length;
  row(
    '1. shipped knowledge',
    'matcher',
    `median ${ms(ours.median)} mean ${ms(ours.mean)}`,
    `p95 ${ms(ours.p95)}`,
    `right ${oursRight}/${probes.length}`,
  );
  row(
    '',
    'naive Fuse.js (title+body)',
    `median ${ms(base.median)} mean ${ms(base.mean)}`,
    `p95 ${ms(base.p95)}`,
    `right ${naiveRight}/${probes.length}`,
  );
  row(
    '',
    'speed-up (naive / matcher)',
    `median ×${(base.median / ours.median).toFixed(1)} mean ×${(base.mean / ours.mean).toFixed(1)}`,
    `p95 ×${(base.p95 / ours.p95).toFixed(1)}`,
    '',
  );
}

// 2. Synthetic knowledge of 1,000, 10,000 and 50,000 sections (the largest knowledge base a
// hosted FAQ service accepts). The build includes the calibration, as every load does.
async function scale(base: Knowledge): Promise<void> {
  for (const count of [1000, 10_000, 50_000]) {
    const { knowledge, probes } = syntheticKnowledge(base, count);
    const heapBefore = heapMb();
    const builds: number[] = [];
    // The same build given the calibration it found: the index alone, the rest is calibrating.
    const indexOnly: number[] = [];
    // The first build reads every section; a rebuild (a reload) finds the unchanged ones read.
    const firstStarted = performance.now();
    let index = buildSearchIndex(knowledge);
    const first = performance.now() - firstStarted;
    for (let i = 0; i < (count > 10_000 ? 1 : 3); i++) {
      let started = performance.now();
      index = buildSearchIndex(knowledge);
      builds.push(performance.now() - started);
      started = performance.now();
      buildSearchIndex(knowledge, { calibration: index.calibration });
      indexOnly.push(performance.now() - started);
    }
    const heap = heapMb() - heapBefore;
    const sample = probes.filter((_, i) => i % Math.max(1, Math.floor(count / 1000)) === 0);
    let hits = 0;
    const times = timeEach(sample, 1, (p) => {
      if (matchQuestion(index, p.question).section?.id === p.id) hits++;
    });
    const latency = summary(timeEach(sample, 2, (p) => matchQuestion(index, p.question)));
    const build = summary(builds);
    const indexing = summary(indexOnly).median;
    row(
      `2. ${count.toLocaleString('en')} sections`,
      `first build ${ms(first)}, rebuild median ${ms(build.median)} (index ${ms(indexing)} + calibration ${ms(build.median - indexing)}; threshold ${index.calibration.threshold})`,
      `heap +${heap.toFixed(0)} MB`,
      `query p50 ${ms(latency.median)} p95 ${ms(latency.p95)}`,
      `own-section hit ${((100 * hits) / sample.length).toFixed(1)}% of ${sample.length}`,
    );
    void times;
    // What a restart over unchanged files does instead of a first build: check the prepared
    // copy's payload and read the knowledge and the index back from it.
    const payload = serialize({ knowledge, index: storedIndex(index) });
    const restoreStarted = performance.now();
    createHash('sha256').update(payload).digest('hex');
    const kept = deserialize(payload) as { knowledge: Knowledge; index: StoredIndex };
    restoredIndex(kept.index, kept.knowledge);
    row(
      '',
      `restart from the prepared copy: restore ${ms(performance.now() - restoreStarted)}`,
      `file ${(payload.length / 2 ** 20).toFixed(0)} MB`,
      '',
      '',
    );
  }
}

// 3. Process start until the console chat is ready: knowledge loaded and indexed. The compiled
// build is what `npm start` runs: its bundle, compiled from the code cache the build made; the
// same compiled code run as modules shows what the bundle saves. From source (tsx) is what
// `npm run dev` runs. A restart finds
// the knowledge it prepared before (DATA_DIR/prepared-knowledge) unless the files changed; the
// "files changed" row removes that copy before each start (the calibration stays remembered).
async function startUp(): Promise<void> {
  const compiled = [path.join(ROOT, 'dist', 'main.js')];
  // Baselines in the same run: node alone, and node loading only the libraries the bot loads
  // before its first answer (what no code of the bot's own can make faster).
  const prompt = "process.stdout.write('> ');";
  const libraries = STARTUP_LIBRARIES.map((name) => `import('${name}')`).join(', ');
  const variants: [string, string[], boolean][] = [
    ['node alone (baseline)', ['--input-type=module', '-e', prompt], false],
    [
      "node importing the bot's start-up libraries (baseline)",
      ['--input-type=module', '-e', `await Promise.all([${libraries}]); ${prompt}`],
      false,
    ],
    ['compiled (node dist/main.js), restart', compiled, false],
    ['compiled, files changed since the last start', compiled, true],
    [
      'compiled, run as modules (no bundle), restart',
      [
        '--input-type=module',
        '-e',
        "const { runProgram } = await import('./dist/program.js'); runProgram('modules');",
      ],
      false,
    ],
    ['from source (tsx), restart', ['--import', 'tsx', 'src/main.ts'], false],
  ];
  if (!existsSync(compiled[0] as string)) {
    row('3. start-up', 'no dist/main.js: run `npm run build` first', '', '', '');
    return;
  }
  for (const [label, args, filesChanged] of variants) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-start-'));
    const runs: number[] = [];
    for (let i = 0; i < 6; i++) {
      if (filesChanged) await rm(path.join(dataDir, PREPARED_FILE), { force: true });
      runs.push(await timeToPrompt(args, dataDir));
    }
    await rm(dataDir, { recursive: true, force: true });
    const figures = summary(runs.slice(1)); // the first run fills the caches
    row(
      '3. start-up',
      `process start → ready, ${label}`,
      `median ${ms(figures.median)}`,
      `p95 ${ms(figures.p95)}`,
      '',
    );
  }
}

// The packages `node dist/main.js` imports before the console chat's prompt, by the static
// imports of its modules (the rest load on first use).
const STARTUP_LIBRARIES = [
  'grammy',
  '@grammyjs/auto-retry',
  '@grammyjs/i18n',
  '@grammyjs/ratelimiter',
  '@grammyjs/runner',
  'better-sqlite3',
  'fuse.js',
  'marked',
  'pino',
  'stemmer',
  'zod',
];

// Milliseconds from spawning `node args` until the console chat's prompt.
function timeToPrompt(args: string[], dataDir: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, BOT_TOKEN: '', LOG_LEVEL: 'silent', DATA_DIR: dataDir },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('> ')) return;
      const elapsed = performance.now() - started;
      child.once('exit', () => resolve(elapsed));
      child.kill();
    });
    child.on('error', reject);
  });
}

// 4. Reload of 10,000 sections from disk while questions keep being answered: once with
// every question matched in process, once as the bot runs, with the matcher thread answering
// and calibrating each new version (posting it is part of the pause). The longest collection
// pauses of the event loop's heap, and the machine's load, say what the longest pause was made of.
async function reload(base: Knowledge): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'esim-bench-'));
  try {
    const { knowledge } = syntheticKnowledge(base, 10_000, 7);
    await Promise.all(
      knowledge.sections.map((s, i) =>
        writeFile(path.join(dir, `${String(i).padStart(5, '0')}.md`), toMarkdown(s)),
      ),
    );
    let build: IndexBuilder = (k) => buildSearchIndexAsync(k);
    const store = await KnowledgeStore.open(dir, (k) => build(k));
    for (const withThread of [false, true]) {
      const matcher = withThread ? new ThreadMatcher() : undefined;
      if (matcher) build = matcher.buildIndex;
      await matcher?.prepare(store.current);
      const durations: number[] = [];
      const pauses: number[] = [];
      const waits: number[] = [];
      const collections = collectionPauses();
      let answered = 0;
      for (let i = 0; i < 3; i++) {
        let last = performance.now();
        let longest = 0;
        const ticker = setInterval(() => {
          const now = performance.now();
          longest = Math.max(longest, now - last);
          last = now;
          if (matcher) {
            void matcher.match(store.current, 'eSIM能自动断网吗', {}).then(() => {
              waits.push(performance.now() - now);
              answered++;
            });
          } else {
            matchQuestion(store.current.index, 'eSIM能自动断网吗');
            answered++;
          }
        }, 1);
        const outcome = await store.reload();
        await matcher?.prepare(store.current);
        clearInterval(ticker);
        durations.push(outcome.ms);
        pauses.push(longest);
      }
      const gc = collections.stop();
      const counts = matcher ? ` (${matcher.counts.onThread} on the thread)` : '';
      row(
        withThread ? '' : '4. reload 10,000 sections',
        withThread ? 'with the matcher thread' : 'matched in process',
        `reload median ${ms(quantile(durations, 0.5))}`,
        `longest pause by reload ${pauses.map(ms).join(' ')}, worst ${ms(Math.max(...pauses))}`,
        `longest GC pause: scavenge ${ms(gc.minor)}, mark-compact ${ms(gc.major)} (${gc.majors}×)`,
        `load average ${os.loadavg()[0]?.toFixed(1)}`,
        `${answered} answers during reloads${counts}` +
          (matcher ? `, slowest ${ms(Math.max(...waits))}` : ''),
      );
      await matcher?.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The longest young-generation (scavenge) and full (mark-compact) collection pauses from now.
function collectionPauses(): { stop(): { minor: number; major: number; majors: number } } {
  const seen = { minor: 0, major: 0, majors: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { kind } = (entry as PerformanceEntry & { detail: { kind: number } }).detail;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR)
        seen.minor = Math.max(seen.minor, entry.duration);
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        seen.major = Math.max(seen.major, entry.duration);
        seen.majors++;
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      observer.disconnect();
      return seen;
    },
  };
}

function toMarkdown(section: Section): string {
  const list = (items: readonly string[]) =>
    items.map((q) => `    - ${JSON.stringify(q)}`).join('\n');
  const zh = sectionText(section, 'zh-Hans');
  const en = sectionText(section, 'en');
  return `---\nid: ${section.id}\nkeywords:\n  zh-Hans: ${JSON.stringify(zh.keywords)}\n  en: ${JSON.stringify(en.keywords)}\nquestions:\n  zh-Hans:\n${list(zh.questions)}\n  en:\n${list(en.questions)}\n---\n\n## zh-Hans: ${zh.title}\n\n${zh.body}\n\n## en: ${en.title}\n\n${en.body}\n`;
}

// 5. Webhook POST → sendMessage over loopback, the FAQ bot against a bare echo bot. The Bot API
// runs in a process of its own, as Telegram runs on a machine of its own.
interface Peer {
  apiRoot: string;
  token: string;
  botInfo: UserFromGetMe;
  collect(): Promise<{ chatId: number; at: number }[]>;
  close(): Promise<void>;
}

async function startPeer(): Promise<Peer> {
  const child = fork(path.join(ROOT, 'bench/bot-api-peer.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = <T extends PeerReply['type']>(type: T) =>
    new Promise<Extract<PeerReply, { type: T }>>((resolve) => {
      const onMessage = (reply: PeerReply) => {
        if (reply.type !== type) return;
        child.off('message', onMessage);
        resolve(reply as Extract<PeerReply, { type: T }>);
      };
      child.on('message', onMessage);
    });
  const ready = await next('ready');
  return {
    apiRoot: ready.apiRoot,
    token: ready.token,
    botInfo: ready.botInfo,
    collect: async () => {
      const reply = next('sent');
      child.send({ type: 'collect' } satisfies PeerRequest);
      return (await reply).sent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'close' } satisfies PeerRequest);
      }),
  };
}

function textUpdate(updateId: number, userId: number, text: string): Update {
  const from = { id: userId, is_bot: false, first_name: 'Bench', language_code: 'en' };
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Bench' },
      from,
      text,
    },
  };
}

const CONNECTIONS = 40;

interface Run {
  perSecond: number;
  p99: number;
  delivered: number;
  /**
   * CPU time of this process (the sender, the webhook server and the bot, threads included)
   * per update, in microseconds: unlike the rate, it hardly moves when other programs take
   * the cores, as time spent waiting for a core is not counted.
   */
  cpuPerUpdate: number;
}

/** A bot behind its webhook server, with its own Bot API peer. */
interface Subject {
  label: string;
  /** Delivers `count` question updates, each from a new user, and measures them. */
  run(count: number): Promise<Run>;
  close(): Promise<void>;
}

async function startSubject(
  label: string,
  questions: readonly string[],
  makeBot: (peer: Peer) => Promise<Receiver>,
): Promise<Subject> {
  const peer = await startPeer();
  const receiver = await makeBot(peer);
  const secret = 'bench-secret-0123456789';
  const server = createWebhookServer({
    path: '/hook',
    secretToken: secret,
    logger: createLogger('silent'),
    deliver: receiver.deliver,
  });
  const port = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/hook`;
  const headers = {
    'content-type': 'application/json',
    'X-Telegram-Bot-Api-Secret-Token': secret,
  };
  const postedAt = new Map<number, number>();
  let delivered = 0;
  return {
    label,
    run: async (count) => {
      const first = delivered;
      delivered += count;
      let next = first;
      // Telegram delivers a bot's updates over at most `max_connections` connections (40
      // unless set), one update at a time on each, the next once the bot has answered the last.
      const connection = async () => {
        while (next < first + count) {
          const n = next++;
          const userId = 10_000 + n;
          const question = questions[n % questions.length] ?? 'esim';
          const body = JSON.stringify(textUpdate(n + 1, userId, question));
          postedAt.set(userId, Date.now());
          const response = await fetch(url, { method: 'POST', headers, body });
          await response.text();
        }
      };
      const started = performance.now();
      const cpu = process.cpuUsage();
      await Promise.all(Array.from({ length: CONNECTIONS }, connection));
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const sent = (await peer.collect()).filter(
        (m) => m.chatId >= 10_000 + first && m.chatId < 10_000 + first + count,
      );
      const latencies = sent.map((m) => m.at - (postedAt.get(m.chatId) ?? m.at));
      return {
        perSecond: (count / elapsed) * 1000,
        p99: quantile(latencies, 0.99),
        delivered: sent.length,
        cpuPerUpdate: (used.user + used.system) / count,
      };
    },
    close: async () => {
      await server.close();
      await receiver.close?.();
      await peer.close();
    },
  };
}

/** How a bot behind the webhook takes its updates. */
interface Receiver {
  deliver: (update: InboxUpdate) => Promise<void>;
  close?: () => Promise<void>;
}

/**
 * The FAQ bot's way: each update stored in the durable inbox (SQLite in a temporary DATA_DIR),
 * answered, then marked answered, as in production.
 */
async function throughInbox(bot: Bot<Context>): Promise<Receiver> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'esim-bench-data-'));
  const store = SqliteDeliveryStore.open(dataDir);
  const dispatcher = new UpdateDispatcher({
    store,
    handle: deliverDirectly(bot),
    onError: () => Promise.resolve(),
    logger: createLogger('silent'),
    maxConcurrent: 100,
  });
  return {
    deliver: async (update) => {
      const { answered } = await dispatcher.accept([update]);
      await answered[0];
    },
    close: async () => {
      await dispatcher.stop(1000);
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function endToEnd(): Promise<void> {
  const updates = 1000;
  const questions = questionSet().map((p) => p.q);
  const matcher = new ThreadMatcher();
  const faqBot = (withThread: boolean) => async (peer: Peer) => {
    const config = parseConfig({
      KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'),
      USER_MESSAGES_PER_SECOND: '100',
    });
    const store = await KnowledgeStore.open(config.KNOWLEDGE_DIR);
    const logger = createLogger('silent');
    const settings = botSettings(config);
    const options = peerOptions(peer);
    // As the running bot does: updates through the durable inbox, every question recorded for
    // /stats, questions matched on a thread of their own; or, for comparison, on the event loop.
    const feedbackDir = await mkdtemp(path.join(tmpdir(), 'esim-bench-feedback-'));
    const feedback = SqliteFeedbackStore.open(feedbackDir);
    if (withThread) await matcher.prepare(store.current);
    const deps = { store, logger, settings, feedback, ...(withThread ? { matcher } : {}) };
    const receiver = await throughInbox(createBot(peer.token, deps, options));
    return {
      ...receiver,
      close: async () => {
        await receiver.close?.();
        await feedback.close();
        await rm(feedbackDir, { recursive: true, force: true });
      },
    };
  };
  const threaded = await startSubject('FAQ bot, matcher thread', questions, faqBot(true));
  const inProcess = await startSubject('FAQ bot, in process', questions, faqBot(false));
  const echo = await startSubject('bare grammY echo bot', questions, async (peer) => {
    const bot = new Bot(peer.token, { botInfo: peer.botInfo, client: { apiRoot: peer.apiRoot } });
    bot.on('message:text', (ctx) => ctx.reply(ctx.msg.text));
    return { deliver: deliverDirectly(bot) };
  });
  const measured = [threaded, inProcess];
  // Load from other programs on the machine drifts over seconds, so each round brackets the two
  // FAQ bots between two runs of the echo bot (E A B E, then E B A E) and compares each with the
  // mean of its own round's echo runs: drift within a round hits both sides alike. Untimed
  // rounds come first, as a running bot is warm (compiled code, built converters, open
  // connections); every run starts from a collected heap, so none pays for another's garbage.
  // What is reported is the median of the per-round ratios, with their spread.
  const warmUpRounds = 2;
  const rounds = 12;
  const runs = new Map<Subject, Run[]>([echo, ...measured].map((s) => [s, []]));
  const ratios = new Map<Subject, number[]>(measured.map((s) => [s, []]));
  const cpuRatios = new Map<Subject, number[]>(measured.map((s) => [s, []]));
  const measure = async (subject: Subject): Promise<Run> => {
    globalThis.gc?.();
    return subject.run(updates);
  };
  try {
    for (let r = -warmUpRounds; r < rounds; r++) {
      const order = r % 2 === 0 ? measured : [...measured].reverse();
      const before = await measure(echo);
      const faq = new Map<Subject, Run>();
      for (const subject of order) faq.set(subject, await measure(subject));
      const after = await measure(echo);
      if (r < 0) continue;
      runs.get(echo)?.push(before, after);
      const echoRate = (before.perSecond + after.perSecond) / 2;
      const echoCpu = (before.cpuPerUpdate + after.cpuPerUpdate) / 2;
      for (const [subject, run] of faq) {
        runs.get(subject)?.push(run);
        ratios.get(subject)?.push(run.perSecond / echoRate);
        cpuRatios.get(subject)?.push(echoCpu / run.cpuPerUpdate);
      }
    }
  } finally {
    for (const subject of [...measured, echo]) await subject.close();
    await matcher.close();
  }
  const medianOf = (subject: Subject, key: 'perSecond' | 'p99' | 'cpuPerUpdate') =>
    quantile(
      (runs.get(subject) ?? []).map((x) => x[key]),
      0.5,
    );
  for (const subject of [...measured, echo]) {
    const all = runs.get(subject) ?? [];
    const answered = Math.min(...all.map((x) => x.delivered));
    row(
      subject === threaded ? `5. end to end (${updates} updates)` : '',
      subject.label,
      `${medianOf(subject, 'perSecond').toFixed(0)} updates/s`,
      `p99 ${ms(medianOf(subject, 'p99'))}, CPU ${medianOf(subject, 'cpuPerUpdate').toFixed(0)} µs/update`,
      `≥ ${answered}/${updates} answered in each of ${all.length} runs`,
    );
  }
  const percent = (x: number) => `${(100 * x).toFixed(0)}%`;
  const spread = (label: string, values: readonly number[]) => [
    `${label} median of ${values.length} rounds ${percent(quantile(values, 0.5))}`,
    `quartiles ${percent(quantile(values, 0.25))}–${percent(quantile(values, 0.75))}`,
    `range ${percent(Math.min(...values))}–${percent(Math.max(...values))}; by round ${values.map(percent).join(' ')}`,
  ];
  for (const subject of measured) {
    row('', `${subject.label} / echo bot`, ...spread('throughput', ratios.get(subject) ?? []));
    row('', '', ...spread('CPU per update (echo / FAQ)', cpuRatios.get(subject) ?? []));
  }
}

function peerOptions(peer: Peer) {
  return { apiRoot: peer.apiRoot, botInfo: peer.botInfo };
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (n: string) => only.length === 0 || only.includes(n);
  const inChild = process.env.BENCH_ROWS_TO_STDOUT === '1';
  if (!inChild)
    console.error(
      'esim-faq-bot benchmark (median and p95 over repeated runs; ratios from this run)',
    );
  const parts: [string, (base: Knowledge) => Promise<void>][] = [
    ['1', shippedKnowledge],
    ['2', scale],
    ['3', startUp],
    ['4', reload],
    ['5', endToEnd],
  ];
  const wanted = parts.filter(([name]) => want(name));
  if (wanted.length === 1 || inChild) {
    const base = await loadKnowledge(path.join(ROOT, 'knowledge'));
    for (const [, part] of wanted) await part(base);
  } else {
    // Each part runs in a process of its own, as a bot runs alone: none pays for the heap the
    // one before left (the 50,000-section build's caches, say).
    for (const [name] of wanted) rows.push(...(await partInChild(name)));
  }
  if (inChild) {
    console.log(JSON.stringify(rows));
    return;
  }
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  console.log('');
  for (const r of rows)
    console.log(
      r
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

// Runs one part with this process's node flags; its rows come back on its stdout.
function partInChild(name: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, name], {
      env: { ...process.env, BENCH_ROWS_TO_STDOUT: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench part ${name} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as string[][]);
    });
  });
}

await main();
