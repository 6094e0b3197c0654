import { BotError } from 'grammy';
import type { Config } from './config.js';
import type { BotContext } from './bot/context.js';
import { createBot } from './bot/create-bot.js';
import { registerCommands } from './bot/commands.js';
import { optionalCall, probeBotApi, type RetryOptions } from './bot/connect.js';
import type { BotDeps, BotSettings } from './bot/deps.js';
import type { RunningBot } from './bot/running-bot.js';
import { startPolling } from './bot/start-polling.js';
import { startWebhook } from './bot/start-webhook.js';
import { ANSWERED_IDS_KEPT_MS, type DeliveryStore } from './delivery/delivery-store.js';
import { UpdateDispatcher } from './delivery/update-dispatcher.js';
import { scheduleRetention } from './feedback/retention.js';
import { SqliteFeedbackStore } from './feedback/sqlite-feedback-store.js';
import type { Logger } from './logger.js';

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

/**
 * Opens the feedback store in DATA_DIR and starts retention: records older than
 * RETENTION_DAYS are deleted now and once a day.
 */
export function openFeedback(
  settings: FeedbackSettings,
  logger: Logger,
): { feedback: SqliteFeedbackStore; close: () => Promise<void> } {
  const feedback = SqliteFeedbackStore.open(settings.dataDir);
  logger.info(
    { file: feedback.file, retentionDays: settings.retentionDays },
    'feedback store open',
  );
  const retention = scheduleRetention(feedback, { retentionDays: settings.retentionDays, logger });
  return {
    feedback,
    close: async () => {
      retention.stop();
      await retention.firstRun;
      await feedback.close();
    },
  };
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
}

/**
 * Connects to Telegram (retrying transient failures), registers the menus (optional), and
 * starts receiving updates by long polling or webhook, through the durable inbox.
 */
export async function startBot(
  config: Config,
  deps: BotDeps,
  options: StartOptions,
): Promise<RunningBot> {
  const { logger } = deps;
  const apiRoot = config.BOT_API_ROOT;
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
  logger.info({ bot: botInfo.username }, 'connected to the Bot API');

  if (config.MODE === 'webhook') {
    return startWebhook({
      config,
      api: bot.api,
      allowedUpdates: ALLOWED_UPDATES,
      dispatcher,
      logger,
      retry,
      shutdownTimeoutMs,
      health: () => ({ knowledgeVersion: deps.store.current.version }),
    });
  }
  return startPolling({
    token: options.token,
    apiRoot,
    allowedUpdates: ALLOWED_UPDATES,
    dispatcher,
    logger,
    retry,
    shutdownTimeoutMs,
  });
}
