/**
 * The real bot from `createBot`, wired to a FakeBotApi on loopback, for the reliability tests.
 * Unlike the shared harness it takes the options those tests need (shorter network retries,
 * a feedback store, the production flood limit) and counts what escapes the bot: an update that
 * fails goes to the bot's error handler, as under the runner, and anything else thrown is kept
 * in `escaped` so that a test can assert there was none.
 */
import { rm } from 'node:fs/promises';
import { BotError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotContext } from '../../src/bot/context.js';
import { createBot } from '../../src/bot/create-bot.js';
import type { BotDeps, BotSettings } from '../../src/bot/deps.js';
import type { NetworkRetryOptions } from '../../src/bot/middlewares/network-retry.js';
import type { FeedbackStore } from '../../src/feedback/feedback-store.js';
import { KnowledgeStore } from '../../src/knowledge-store.js';
import { captureLogs, copyKnowledge, testSettings, type LogLine } from './bot-harness.js';
import { FakeBotApi } from './fake-bot-api.js';

export interface ReliabilityBotOptions {
  /** Overrides of the test settings (ADMIN_IDS=42, user flood limit 100/s). */
  settings?: Partial<BotSettings>;
  /** Network retries; short by default so that storms stay fast. */
  networkRetry?: NetworkRetryOptions;
  /** Changes the temporary knowledge copy before the store loads it. */
  prepareKnowledge?: (dir: string) => Promise<void>;
  feedback?: FeedbackStore;
  /** Pino level of the captured logs. */
  logLevel?: string;
  /** Passed to the logger as secrets to mask; the fake's token by default. */
  secrets?: (fake: FakeBotApi) => readonly string[];
}

export interface ReliabilityBot {
  fake: FakeBotApi;
  bot: Bot<BotContext>;
  store: KnowledgeStore;
  deps: BotDeps;
  knowledgeDir: string;
  logs: LogLine[];
  rawLogs: string[];
  /** Errors thrown by `handle` that were not the bot's own (BotError): should stay empty. */
  escaped: unknown[];
  /** Updates whose middleware failed and went to the error handler. */
  failedUpdates: number[];
  /** Handles one update like the runner: a middleware error goes to the bot's error handler. */
  handle(update: Update): Promise<void>;
  close(): Promise<void>;
}

export const FAST_NETWORK_RETRY: NetworkRetryOptions = { retries: 4, initialDelayMs: 20 };

/** Starts a fake Bot API, copies the shipped knowledge and wires the real bot to them. */
export async function startReliabilityBot(
  options: ReliabilityBotOptions = {},
): Promise<ReliabilityBot> {
  const fake = await FakeBotApi.start();
  const knowledgeDir = await copyKnowledge();
  const cleanUp = async () => {
    await fake.close();
    await rm(knowledgeDir, { recursive: true, force: true });
  };
  try {
    await options.prepareKnowledge?.(knowledgeDir);
    const store = await KnowledgeStore.open(knowledgeDir);
    const secrets = options.secrets ? options.secrets(fake) : [fake.token];
    const { logger, lines, raw } = captureLogs(options.logLevel ?? 'info', secrets);
    const deps: BotDeps = {
      store,
      logger,
      settings: testSettings(options.settings),
      ...(options.feedback ? { feedback: options.feedback } : {}),
    };
    const bot = createBot(fake.token, deps, {
      botInfo: fake.botInfo,
      apiRoot: fake.apiRoot,
      networkRetry: options.networkRetry ?? FAST_NETWORK_RETRY,
    });
    const escaped: unknown[] = [];
    const failedUpdates: number[] = [];
    return {
      fake,
      bot,
      store,
      deps,
      knowledgeDir,
      logs: lines,
      rawLogs: raw,
      escaped,
      failedUpdates,
      handle: async (update) => {
        try {
          await bot.handleUpdate(update);
        } catch (error) {
          if (!(error instanceof BotError)) {
            escaped.push(error);
            return;
          }
          failedUpdates.push(update.update_id);
          try {
            await bot.errorHandler(error as BotError<BotContext>);
          } catch (handlerError) {
            escaped.push(handlerError);
          }
        }
      },
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
