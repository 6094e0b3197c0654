import { Api, GrammyError, HttpError } from 'grammy';
import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Config } from './config.js';
import { createBot } from './bot/create-bot.js';
import { registerCommands } from './bot/commands.js';
import type { BotDeps, BotSettings } from './bot/deps.js';
import { createWebhookServer } from './bot/webhook-server.js';
import type { FeedbackStore } from './feedback/feedback-store.js';
import { scheduleRetention } from './feedback/retention.js';
import { PostgresFeedbackStore } from './feedback/postgres-feedback-store.js';
import { SqliteFeedbackStore } from './feedback/sqlite-feedback-store.js';
import { openSharedDatabase, type SharedDatabase } from './postgres/database.js';
import { formatProblem } from './knowledge/errors.js';
import type { KnowledgeStore } from './knowledge/store.js';
import type { Logger } from './logger.js';

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
  /** A PostgreSQL database shared by replicas, instead of the SQLite file. */
  databaseUrl?: string | undefined;
}

/** Takes the feedback storage settings out of the configuration. */
export function feedbackSettings(config: Config): FeedbackSettings {
  return {
    dataDir: config.DATA_DIR,
    retentionDays: config.RETENTION_DAYS,
    databaseUrl: config.DATABASE_URL,
  };
}

/**
 * Opens the feedback store (the PostgreSQL database of DATABASE_URL, else the SQLite file in
 * DATA_DIR) and starts retention: records older than RETENTION_DAYS are deleted now and once a
 * day.
 */
export async function openFeedback(
  settings: FeedbackSettings,
  logger: Logger,
): Promise<{ feedback: FeedbackStore; database?: SharedDatabase; close: () => Promise<void> }> {
  const database = settings.databaseUrl
    ? await openSharedDatabase(settings.databaseUrl, logger)
    : undefined;
  let feedback: FeedbackStore;
  if (database) {
    feedback = await PostgresFeedbackStore.open(database.pool);
    logger.info(
      { database: database.name, retentionDays: settings.retentionDays },
      'feedback store open',
    );
  } else {
    const file = SqliteFeedbackStore.open(settings.dataDir);
    feedback = file;
    logger.info({ file: file.file, retentionDays: settings.retentionDays }, 'feedback store open');
  }
  const retention = scheduleRetention(feedback, { retentionDays: settings.retentionDays, logger });
  return {
    feedback,
    ...(database ? { database } : {}),
    close: async () => {
      retention.stop();
      await retention.firstRun;
      await feedback.close();
      await database?.close();
    },
  };
}

/** A clear reason for a start-up failure, for the one line printed before exiting. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** A running bot: `stop` finishes every accepted update, then returns. */
export interface RunningBot {
  stop(): Promise<void>;
  /** Settles when the bot stops by itself (a fatal error such as a polling conflict). */
  stopped: Promise<void>;
}

/** Reloads the knowledge and logs the outcome; used by SIGHUP. */
export async function reloadAndLog(store: KnowledgeStore, logger: Logger): Promise<void> {
  const outcome = await store.reload();
  if (outcome.ok)
    logger.info(
      { ...outcome.diff, ms: outcome.ms, version: outcome.version },
      'knowledge reloaded',
    );
  else
    logger.warn(
      { errors: outcome.error.problems.map(formatProblem) },
      'knowledge reload rejected; previous version kept',
    );
}

/**
 * Connects to Telegram and starts receiving updates by long polling or webhook, as configured.
 */
export async function startBot(config: Config, deps: BotDeps, token: string): Promise<RunningBot> {
  const { logger, metrics } = deps;
  // The newest update handled, to confirm to Telegram after stopping: the runner does not, and
  // an unconfirmed update would be answered again after a restart.
  let lastUpdateId: number | undefined;
  const bot = createBot(token, deps, {
    ...(config.BOT_API_ROOT ? { apiRoot: config.BOT_API_ROOT } : {}),
    onUpdateHandled: (id) => (lastUpdateId = Math.max(lastUpdateId ?? id, id)),
  });
  try {
    // One plain getMe: bot.init() and the auto-retry transformer on bot.api both retry network
    // errors without end, which would leave a bot that cannot reach the Bot API hanging
    // silently instead of exiting with the reason.
    const probe = new Api(token, {
      ...(config.BOT_API_ROOT ? { apiRoot: config.BOT_API_ROOT } : {}),
      timeoutSeconds: 30,
    });
    bot.botInfo = await probe.getMe();
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 401) {
      throw new StartupError(
        'Telegram rejected BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather',
      );
    }
    if (error instanceof HttpError)
      throw new StartupError(`Cannot reach the Bot API: ${String(error.error)}`);
    throw error;
  }
  await registerCommands(bot.api, deps.settings.adminIds, logger);

  if (config.MODE === 'webhook') {
    const url = new URL(config.WEBHOOK_URL ?? '');
    const server = createWebhookServer(bot, {
      path: url.pathname,
      secretToken: config.WEBHOOK_SECRET ?? '',
      logger,
      health: () => ({ knowledgeVersion: deps.store.current.version }),
      ...(metrics ? { metrics: () => metrics.exposition() } : {}),
    });
    metrics?.observe({ queueDepth: () => server.inFlight() });
    const port = await server.listen(config.PORT, config.HOST);
    await bot.api.setWebhook(url.href, {
      secret_token: config.WEBHOOK_SECRET ?? '',
      allowed_updates: ALLOWED_UPDATES,
    });
    logger.info(
      { bot: bot.botInfo.username, port, path: url.pathname },
      'webhook server listening',
    );
    let resolveStopped: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
    return {
      stopped,
      stop: async () => {
        await server.close();
        resolveStopped();
      },
    };
  }

  await bot.api.deleteWebhook();
  await checkNoOtherPoller(bot.api);
  const runner: RunnerHandle = run(bot, {
    runner: {
      fetch: { allowed_updates: ALLOWED_UPDATES },
      silent: true,
      maxRetryTime: 15 * 60_000,
    },
  });
  metrics?.observe({ queueDepth: () => runner.size() });
  logger.info({ bot: bot.botInfo.username }, 'polling for updates');
  const stopped = (runner.task() ?? Promise.resolve()).catch((error: unknown) => {
    if (error instanceof GrammyError && error.error_code === 409) {
      throw new StartupError(
        'Another instance is receiving updates for this bot (409 Conflict): stop it, or use one instance only',
      );
    }
    throw error;
  });
  return {
    stopped,
    stop: async () => {
      if (runner.isRunning()) await runner.stop();
      // The runner stops fetching but does not wait for the updates it has already handed to
      // the bot: wait for them, so that an answer in progress is sent, then confirmed below.
      await drain(runner, 60_000);
      if (lastUpdateId !== undefined) {
        await bot.api
          .getUpdates({ offset: lastUpdateId + 1, limit: 1, timeout: 0 })
          .catch(() => undefined);
      }
    },
  };
}

// Resolves once the runner handles no update any more, or after `timeoutMs`.
async function drain(runner: RunnerHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (runner.size() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Asks for updates without confirming any: only another poller makes this fail, with 409.
async function checkNoOtherPoller(api: Api): Promise<void> {
  try {
    await api.getUpdates({ limit: 1, timeout: 0 });
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 409) {
      throw new StartupError(
        'Another instance is receiving updates for this bot (409 Conflict): stop it, or use one instance only',
      );
    }
    throw error;
  }
}
