/**
 * Shared setup for the bot's offline end-to-end tests: a FakeBotApi on loopback, a temporary
 * copy of the test knowledge (test/fixtures/knowledge), a logger that writes into an array, and
 * the real bot from `createBot` pointed at the fake. Updates are fed with `handle`, which behaves like the runner:
 * an error thrown by the middleware goes to the bot's error handler.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { BotError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { botSettings } from '../../src/app.js';
import { createBot } from '../../src/bot/create-bot.js';
import type { BotContext } from '../../src/bot/context.js';
import type { BotDeps, BotSettings } from '../../src/bot/deps.js';
import type { QuestionMatcher } from '../../src/match-thread/thread-matcher.js';
import { parseConfig } from '../../src/config.js';
import type { FeedbackStore } from '../../src/feedback/feedback-store.js';
import { SqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store.js';
import type { Lang, Section } from '../../src/knowledge/types.js';
import { KnowledgeStore } from '../../src/knowledge-store.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { BotMetrics } from '../../src/metrics/bot-metrics.js';
import { sectionText } from '../../src/match/localize.js';
import { FakeBotApi, type RecordedCall, type SentMessage } from './fake-bot-api.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SHIPPED_KNOWLEDGE = path.join(REPO_ROOT, 'knowledge');
/**
 * The knowledge the bot, reliability and end-to-end tests run on: its own small sections, so
 * that an editor changing a sentence of the shipped knowledge breaks none of them.
 */
export const TEST_KNOWLEDGE = path.join(REPO_ROOT, 'test/fixtures/knowledge');

/** A private user, an admin (also listed in ADMIN_IDS) and a supergroup used across tests. */
export const USER_ID = 1001;
export const ADMIN_ID = 42;
export const GROUP_ID = -100123;

/** Copies a knowledge folder (the test one) into a fresh temporary folder tests may break. */
export async function copyKnowledge(from = TEST_KNOWLEDGE): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'esim-faq-knowledge-'));
  await cp(from, dir, { recursive: true });
  return dir;
}

/** Rewrites one file of a knowledge folder. */
export async function editFile(
  dir: string,
  name: string,
  edit: (text: string) => string,
): Promise<void> {
  const file = path.join(dir, name);
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

/** What a temporary section file holds; every string is written as a YAML-safe quoted string. */
export interface SectionInit {
  id: string;
  title: Record<'zh-Hans' | 'en', string>;
  body: Record<'zh-Hans' | 'en', string>;
  questions: Record<'zh-Hans' | 'en', string[]>;
  keywords?: Record<'zh-Hans' | 'en', string[]>;
}

/** Writes a section file in the knowledge format (front matter, then one block per language). */
export async function writeSection(dir: string, name: string, init: SectionInit): Promise<void> {
  const list = (items: readonly string[]) => `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
  const lines = ['---', `id: ${init.id}`];
  if (init.keywords) {
    lines.push(
      'keywords:',
      `  zh-Hans: ${list(init.keywords['zh-Hans'])}`,
      `  en: ${list(init.keywords.en)}`,
    );
  }
  lines.push(
    'questions:',
    `  zh-Hans: ${list(init.questions['zh-Hans'])}`,
    `  en: ${list(init.questions.en)}`,
    '---',
    '',
    `## zh-Hans: ${init.title['zh-Hans']}`,
    '',
    init.body['zh-Hans'],
    '',
    `## en: ${init.title.en}`,
    '',
    init.body.en,
    '',
  );
  await writeFile(path.join(dir, name), lines.join('\n'));
}

/** One parsed pino line. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger (the app's `createLogger`) whose lines land in `lines`, parsed. */
export function captureLogs(
  level = 'info',
  secrets: readonly string[] = [],
): { logger: Logger; lines: LogLine[]; raw: string[] } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const text = String(chunk);
      raw.push(text);
      for (const line of text.split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as LogLine);
      }
      callback();
    },
  });
  return { logger: createLogger(level, { destination, secrets }), lines, raw };
}

/**
 * The bot's settings as the app derives them from a default environment with ADMIN_IDS set,
 * with the per-user flood limit raised so that quick test sequences are never throttled.
 */
export function testSettings(overrides: Partial<BotSettings> = {}): BotSettings {
  return {
    ...botSettings(parseConfig({ ADMIN_IDS: String(ADMIN_ID) })),
    userMessagesPerSecond: 100,
    ...overrides,
  };
}

export interface HarnessOptions {
  settings?: Partial<BotSettings>;
  /** The knowledge folder to copy instead of the shipped one (an operator's own FAQ). */
  knowledgeFrom?: string;
  /** Changes the temporary knowledge folder before the store first loads it. */
  prepareKnowledge?: (dir: string) => Promise<void>;
  /**
   * The feedback store. Default: a SQLite store in a fresh temporary DATA_DIR, closed and
   * removed by `close`. A store passed in is left open (a test may reopen its folder).
   */
  feedback?: FeedbackStore;
  /** The clock the bot reads (question and vote times, report periods, upload expiry). */
  now?: () => Date;
  /** Where questions are matched; default: in process, as without a matcher thread. */
  matcher?: QuestionMatcher;
  /** Counts for `GET /metrics`; none when absent. */
  metrics?: BotMetrics;
}

export interface BotHarness {
  fake: FakeBotApi;
  bot: Bot<BotContext>;
  store: KnowledgeStore;
  deps: BotDeps;
  knowledgeDir: string;
  feedback: FeedbackStore;
  /** The temporary DATA_DIR of the default feedback store; undefined when one was passed in. */
  dataDir: string | undefined;
  logs: LogLine[];
  rawLogs: string[];
  /** Handles one update like the runner does: middleware errors go to `bot.catch`. */
  handle(update: Update): Promise<void>;
  close(): Promise<void>;
}

/** Starts the fake, copies the knowledge, opens the store and wires the real bot to the fake. */
export async function startBotHarness(options: HarnessOptions = {}): Promise<BotHarness> {
  const fake = await FakeBotApi.start();
  const knowledgeDir = await copyKnowledge(options.knowledgeFrom);
  const dataDir = options.feedback
    ? undefined
    : await mkdtemp(path.join(tmpdir(), 'esim-faq-data-'));
  const feedback = options.feedback ?? SqliteFeedbackStore.open(dataDir ?? '');
  const cleanUp = async () => {
    await fake.close();
    await rm(knowledgeDir, { recursive: true, force: true });
    if (dataDir !== undefined) {
      await feedback.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  };
  try {
    await options.prepareKnowledge?.(knowledgeDir);
    const store = await KnowledgeStore.open(knowledgeDir);
    const { logger, lines, raw } = captureLogs('info', [fake.token]);
    const deps: BotDeps = {
      store,
      logger,
      settings: testSettings(options.settings),
      feedback,
      ...(options.now ? { now: options.now } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.matcher ? { matcher: options.matcher } : {}),
    };
    const bot = createBot(fake.token, deps, { botInfo: fake.botInfo, apiRoot: fake.apiRoot });
    return {
      fake,
      bot,
      store,
      deps,
      knowledgeDir,
      feedback,
      dataDir,
      logs: lines,
      rawLogs: raw,
      handle: async (update) => {
        try {
          await bot.handleUpdate(update);
        } catch (error) {
          if (!(error instanceof BotError)) throw error;
          await bot.errorHandler(error as BotError<BotContext>);
        }
      },
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Reading what the bot sent

/** A button of an inline keyboard as it was sent. */
export interface SentButton {
  text: string;
  callback_data?: string;
}

/** The inline keyboard of a sent message, row by row (empty without one). */
export function keyboardOf(sent: SentMessage | RecordedCall): SentButton[][] {
  const markup = sent.payload.reply_markup;
  const parsed: unknown = typeof markup === 'string' ? JSON.parse(markup) : markup;
  if (typeof parsed !== 'object' || parsed === null || !('inline_keyboard' in parsed)) return [];
  return (parsed as { inline_keyboard: SentButton[][] }).inline_keyboard;
}

/** A button as sent, with its link when it is a URL button. */
export interface SentUrlButton extends SentButton {
  url?: string;
}

/** The buttons that open a section (`s:` callback data): alternatives and topic lists. */
export function sectionButtons(sent: SentMessage | RecordedCall): SentButton[] {
  return buttonsOf(sent).filter((b) => b.callback_data?.startsWith('s:'));
}

/** The row under an answer: 👍 and 👎 (`v:` callback data) and the share link. */
export function answerActionButtons(sent: SentMessage | RecordedCall): SentUrlButton[] {
  return buttonsOf(sent).filter(
    (b: SentUrlButton) => b.callback_data?.startsWith('v:') || b.url !== undefined,
  );
}

/** All buttons of a sent message, in order. */
export function buttonsOf(sent: SentMessage | RecordedCall): SentButton[] {
  return keyboardOf(sent).flat();
}

/** The text the user sees (after Telegram parsed the HTML). */
export function visibleText(sent: SentMessage): string {
  return sent.message.text ?? '';
}

// Talking to the bot under test

/** What a bot under test needs to be spoken to: the fake Bot API and a way to hand it updates. */
export type SpokenTo = Pick<BotHarness, 'fake' | 'handle'>;

/** Hands `update` to the bot and returns the messages it then sent to `chat`. */
export async function sentInResponse(
  bot: SpokenTo,
  chat: number,
  update: Update,
): Promise<SentMessage[]> {
  const before = bot.fake.sent(chat).length;
  await bot.handle(update);
  return bot.fake.sent(chat).slice(before);
}

/** Sends a private message and returns the messages the user got in response. */
export function askPrivately(bot: SpokenTo, userId: number, text: string): Promise<SentMessage[]> {
  return sentInResponse(bot, userId, bot.fake.privateText(userId, text));
}

/** Sends a private message and returns the texts the user saw in response. */
export async function privateReplies(
  bot: SpokenTo,
  userId: number,
  text: string,
): Promise<string[]> {
  return (await askPrivately(bot, userId, text)).map((s) => visibleText(s));
}

/** The section with `id` in the store's current knowledge; throws when it is missing. */
export function sectionById(store: KnowledgeStore, id: string): Section {
  const section = store.current.knowledge.sections.find((s) => s.id === id);
  if (!section) throw new Error(`no section "${id}" in the knowledge`);
  return section;
}

/** A section's title in `lang`, as the bot shows it. */
export function titleOf(store: KnowledgeStore, id: string, lang: Lang): string {
  return sectionText(sectionById(store, id), lang).title;
}

/** The log lines with this message. */
export function logsWith(lines: readonly LogLine[], msg: string): LogLine[] {
  return lines.filter((line) => line.msg === msg);
}

/** Log lines at error level or above (pino: 50 error, 60 fatal). */
export function errorLogs(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((line) => line.level >= 50);
}

/**
 * Resolves once `condition` holds, checking every 10 ms; for states that no event announces
 * (a call still pending, a child's output). Rejects after `timeoutMs` naming `what`.
 */
export async function waitUntil(
  condition: () => boolean,
  what = 'condition',
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A starter for test files that run one harness per test: it remembers the harness it started
 * and closes it after the test, so each file does not repeat that bookkeeping.
 */
export function harnessPerTest(): (options?: HarnessOptions) => Promise<BotHarness> {
  let current: BotHarness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options = {}) => {
    current = await startBotHarness(options);
    return current;
  };
}
