import { BotError } from 'grammy';
import type { Config } from './config.js';
import type { BotContext } from './bot/context.js';
import { createBot } from './bot/create-bot.js';
import { registerCommands } from './bot/commands.js';
import { optionalCall, probeBotApi, StartupError, type RetryOptions } from './bot/connect.js';
import type { BotDeps, BotSettings } from './bot/deps.js';
import type { RunningBot } from './bot/running-bot.js';
import { startPolling } from './bot/start-polling.js';
import { startWebhook } from './bot/start-webhook.js';
import { ANSWERED_IDS_KEPT_MS, type DeliveryStore } from './delivery/delivery-store.js';
import { UpdateDispatcher } from './delivery/update-dispatcher.js';
import type { FeedbackStore } from './feedback/feedback-store.js';
import { scheduleRetention } from './feedback/retention.js';
import { SqliteFeedbackStore } from './feedback/sqlite-feedback-store.js';
import type { Logger } from './logger.js';
import type { SharedDatabase } from './postgres/database.js';
import type { PostgresDeliveryStore } from './postgres/postgres-delivery-store.js';

export { StartupError } from './bot/connect.js';
export type { RunningBot } from './bot/running-bot.js';

/** The update kinds the bot handles; everything else Telegram need not send. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'inline_query'] as const;

/** Takes the bot's settings out of the configuration. */
export function botSettings(config: Config): BotSettings {
  return {
    adminIds: config.ADMIN_IDS,
    anonymousAdminChatIds: config.ANONYMOUS_ADMIN_CHAT_IDS,
    threshold: config.MATCH_THRESHOLD,
    groupAutoAnswer: config.GROUP_AUTO_ANSWER,
    groupAutoThreshold: config.GROUP_AUTO_THRESHOLD,
    groupAutoPerMinute: config.GROUP_AUTO_PER_MINUTE,
    groupMessagesPerMinute: config.GROUP_MESSAGES_PER_MINUTE,
    userMessagesPerSecond: config.USER_MESSAGES_PER_SECOND,
  };
}

/** Where feedback is kept and for how long, from the configuration. */
export interface FeedbackSettings {
  /** The folder of `feedback.sqlite`; created when missing. */
  dataDir: string;
  retentionDays: number;
}

/** Takes the feedback storage settings out of the configuration. */
export function feedbackSettings(config: Config): FeedbackSettings {
  return { dataDir: config.DATA_DIR, retentionDays: config.RETENTION_DAYS };
}

/** The feedback store in use: the SQLite file (checked to stay on disk), or the shared database. */
export type OpenFeedback =
  | { kind: 'sqlite'; feedback: SqliteFeedbackStore; close: () => Promise<void> }
  | { kind: 'postgres'; feedback: FeedbackStore; close: () => Promise<void> };

/**
 * Opens the feedback store (in the shared database when its pool is given, else in DATA_DIR)
 * and starts retention: records older than RETENTION_DAYS are deleted now and once a day. With
 * replicas every one runs retention; the deletes are idempotent.
 */
export async function openFeedback(
  settings: FeedbackSettings,
  logger: Logger,
  database?: Pick<SharedDatabase, 'pool' | 'name'>,
): Promise<OpenFeedback> {
  let opened: Omit<OpenFeedback, 'close'>;
  if (database) {
    const { PostgresFeedbackStore } = await import('./feedback/postgres-feedback-store.js');
    opened = { kind: 'postgres', feedback: await PostgresFeedbackStore.open(database.pool) };
    logger.info(
      { database: database.name, retentionDays: settings.retentionDays },
      'feedback store open',
    );
  } else {
    const feedback = SqliteFeedbackStore.open(settings.dataDir);
    opened = { kind: 'sqlite', feedback };
    logger.info(
      { file: feedback.file, retentionDays: settings.retentionDays },
      'feedback store open',
    );
  }
  const { feedback } = opened;
  const retention = scheduleRetention(feedback, { retentionDays: settings.retentionDays, logger });
  return {
    ...opened,
    close: async () => {
      retention.stop();
      await retention.firstRun;
      await feedback.close();
    },
  } as OpenFeedback;
}

const FORGET_INTERVAL_MS = 6 * 60 * 60 * 1000;

async function forgetOldAnswers(delivery: DeliveryStore, logger: Logger): Promise<void> {
  try {
    const forgotten = await delivery.forgetAnsweredBefore(
      new Date(Date.now() - ANSWERED_IDS_KEPT_MS),
    );
    logger.debug({ forgotten }, 'old answered update ids forgotten');
  } catch (error) {
    logger.warn({ err: error }, 'old answered update ids not forgotten');
  }
}

/** What a running bot needs besides the bot's own dependencies. */
export interface StartOptions {
  token: string;
  /** The inbox and the answered ids. */
  delivery: DeliveryStore;
  /**
   * With replicas on a shared database: the store to sweep for the updates of replicas that
   * died, and the refusal of a second poller.
   */
  replicas?: {
    store: PostgresDeliveryStore;
    claimPolling: () => Promise<boolean>;
  };
}

/** How often a replica looks for updates a dead replica left unanswered. */
export const ORPHAN_SWEEP_MS = 2_000;

/**
 * Connects to Telegram (retrying transient failures), registers the menus (optional), and
 * starts receiving updates by long polling or webhook, through the durable inbox.
 */
export async function startBot(
  config: Config,
  deps: BotDeps,
  options: StartOptions,
): Promise<RunningBot> {
  const { logger, metrics } = deps;
  const apiRoot = config.BOT_API_ROOT;
  // Telegram gives one bot's updates to one poller: a second one would take turns with the
  // first, and each would confirm what the other has not answered.
  if (config.MODE === 'polling' && options.replicas && !(await options.replicas.claimPolling()))
    throw new StartupError(
      'Another instance is already polling for this bot with the same DATABASE_URL: long polling allows one; run more replicas in webhook mode',
    );
  const retry: RetryOptions = { logger, budgetMs: config.STARTUP_RETRY_SECONDS * 1000 };
  const botInfo = await probeBotApi(options.token, apiRoot, retry);

  const bot = createBot(options.token, deps, {
    ...(apiRoot ? { apiRoot } : {}),
    botInfo,
    stopping: () => dispatcher.stopSignal,
    cutoff: () => dispatcher.cutoffSignal,
  });
  const dispatcher = new UpdateDispatcher({
    store: options.delivery,
    handle: async (update) => {
      await bot.handleUpdate(update as never);
    },
    onError: async (error, update) => {
      if (error instanceof BotError) await bot.errorHandler(error as BotError<BotContext>);
      else logger.error({ update: update.update_id, err: error }, 'update failed');
    },
    logger,
    maxConcurrent: config.MAX_CONCURRENT_UPDATES,
  });
  await optionalCall(
    'setMyCommands',
    () => registerCommands(bot.api, deps.settings.adminIds, logger),
    retry,
  );
  await forgetOldAnswers(options.delivery, logger);
  // And every few hours, so that a bot running for weeks keeps a day or two of ids, not all.
  setInterval(() => void forgetOldAnswers(options.delivery, logger), FORGET_INTERVAL_MS).unref();
  const shutdownTimeoutMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
  metrics?.observe({ queueDepth: () => dispatcher.size });
  const sweep = options.replicas
    ? sweepOrphans(options.replicas.store, dispatcher, logger)
    : undefined;
  logger.info({ bot: botInfo.username }, 'connected to the Bot API');

  let running: RunningBot;
  if (config.MODE === 'webhook') {
    running = await startWebhook({
      config,
      api: bot.api,
      allowedUpdates: ALLOWED_UPDATES,
      dispatcher,
      logger,
      retry,
      shutdownTimeoutMs,
      health: () => ({ knowledgeVersion: deps.store.current.version }),
      ...(metrics ? { metrics: () => metrics.exposition() } : {}),
    });
  } else {
    running = await startPolling({
      token: options.token,
      apiRoot,
      allowedUpdates: ALLOWED_UPDATES,
      dispatcher,
      logger,
      retry,
      shutdownTimeoutMs,
    });
  }
  sweep?.start();
  return {
    stopped: running.stopped,
    stop: async () => {
      sweep?.stop();
      await running.stop();
    },
  };
}

/**
 * Hands the updates of replicas that died to this one's dispatcher every few seconds. Accepting
 * them takes each over once (see {@link PostgresDeliveryStore.accept}), however many replicas
 * sweep together; they are the updates a dead replica had stored, whose webhook requests were
 * answered or whose redelivery went elsewhere.
 */
function sweepOrphans(
  store: PostgresDeliveryStore,
  dispatcher: UpdateDispatcher,
  logger: Logger,
): { start(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const sweep = async () => {
    if (running || dispatcher.stopSignal.aborted) return;
    running = true;
    try {
      const orphans = await store.orphans();
      if (orphans.length > 0) {
        await dispatcher.whenRoom();
        const { answered } = await dispatcher.accept(orphans);
        logger.info({ updates: orphans.length }, 'answering updates a stopped replica left');
        void Promise.all(answered);
      }
    } catch (error) {
      logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'orphan sweep failed',
      );
    } finally {
      running = false;
    }
  };
  return {
    start: () => {
      timer = setInterval(() => void sweep(), ORPHAN_SWEEP_MS);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}
