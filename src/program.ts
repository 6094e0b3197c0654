import {
  StartupError,
  botSettings,
  feedbackSettings,
  openFeedback,
  startBot,
  type RunningBot,
} from './app.js';
import { CalibrationCache } from './calibration-cache.js';
import { ConfigError, databasePassword, loadConfig } from './config.js';
import { runConsoleChat } from './cli/console-chat.js';
import { DeliveryStoreError } from './delivery/delivery-store.js';
import { SqliteDeliveryStore } from './delivery/sqlite-delivery-store.js';
import { warmUpChinese } from './match/chinese.js';
import { FeedbackStoreError } from './feedback/feedback-store.js';
import { KnowledgeError } from './knowledge/errors.js';
import { loadEveryLibraryNow } from './load-on-use.js';
import { ThreadMatcher } from './match-thread/thread-matcher.js';
import { createLogger, redactSecrets, type Logger } from './logger.js';
import { countingRedeliveries } from './metrics/counting-delivery-store.js';
import { MetricsServerError, startMetricsServer } from './metrics/metrics-server.js';
import { DatabaseError } from './postgres/database-error.js';
import { PreparedKnowledge } from './prepared-knowledge.js';
import { reloadKnowledge } from './reload-knowledge.js';
import { SqliteFileError, type FileCheck } from './sqlite-file.js';

/** How often the database files are checked to still be on disk. */
const FILE_CHECK_INTERVAL_MS = 5_000;
/** How often the process checks that npm, when it started it, is still there. */
const PARENT_CHECK_INTERVAL_MS = 500;

// Side effects only: read the configuration, load the knowledge, wire, start, shut down.
async function main(code: ProgramCode): Promise<void> {
  const config = await loadConfig();
  const secrets = [config.BOT_TOKEN, config.WEBHOOK_SECRET, databasePassword(config)].filter(
    (s): s is string => !!s,
  );
  const logger = createLogger(config.LOG_LEVEL, { secrets });
  // With DATABASE_URL, replicas share one database: its pool, and this replica's own link
  // (liveness, notifications, the single-poller lock).
  // Loaded only then: a single bot never loads the PostgreSQL driver.
  const replicas = config.DATABASE_URL ? await import('./postgres/replicas.js') : undefined;
  const database =
    replicas && config.DATABASE_URL
      ? await replicas.openSharedDatabase(config.DATABASE_URL, logger)
      : undefined;
  const link =
    replicas && database && config.DATABASE_URL
      ? await replicas.ReplicaLink.open(config.DATABASE_URL, logger)
      : undefined;
  if (replicas && database)
    await replicas.restoreKnowledgeFiles(database.pool, config.KNOWLEDGE_DIR, logger);
  // A knowledge version calibrated before (by this build of the matcher) is not calibrated
  // again: a restart answers as soon as the index is built.
  // Files loaded and indexed by the last start, and unchanged since, are not loaded again.
  const [calibrations, prepared] = await Promise.all([
    CalibrationCache.open(config.DATA_DIR, logger),
    PreparedKnowledge.open(config.DATA_DIR, logger),
  ]);
  // A bot matches on a thread of its own, which also calibrates every new version, off the
  // event loop that serves the answers meanwhile.
  const matcher = new ThreadMatcher({ logger });
  const { store, from } = await prepared.openStore(
    config.KNOWLEDGE_DIR,
    config.BOT_TOKEN ? (k) => calibrations.build(k, matcher.buildIndex) : calibrations.build,
  );
  const { knowledge } = store.current;
  if (code === 'bundle, its code cache refused')
    logger.warn(
      'the code cache does not fit this Node.js or its flags: run `npm run build` with them for a faster start',
    );
  logger.info(
    { sections: knowledge.sections.length, dir: config.KNOWLEDGE_DIR, from, code },
    'knowledge loaded',
  );
  const shared =
    replicas && database && link
      ? await replicas.SharedKnowledge.start(database.pool, link, store, logger)
      : undefined;
  // The console chat records into the same DATA_DIR: its /stats show what was typed there.
  const opened = await openFeedback(feedbackSettings(config), logger, database);
  const { feedback } = opened;
  const closeFeedback = async () => {
    await opened.close();
    shared?.stop();
    await link?.close();
    await database?.close();
  };
  const settings = botSettings(config);
  const deps = {
    store,
    logger,
    settings,
    feedback,
    // Replicas book a group's sends in the database: together they stay under its pace.
    ...(replicas && database
      ? {
          sendSlots: new replicas.PostgresSendSlots(database.pool, settings.groupMessagesPerMinute),
        }
      : {}),
  };
  process.on('SIGHUP', () => void reloadKnowledge(store, logger, { signal: 'SIGHUP' }));
  // What the start left for first use is loaded and built a second later, off the answers'
  // way: the libraries, the Traditional converter and the segmenter.
  setTimeout(() => {
    loadEveryLibraryNow();
    warmUpChinese();
  }, 1000).unref();

  if (!config.BOT_TOKEN) {
    await runConsoleChat(deps);
    await prepared.keep(store.current);
    await closeFeedback();
    return;
  }

  const delivery =
    replicas && database && link
      ? new replicas.PostgresDeliveryStore(database.pool, link.replicaId)
      : SqliteDeliveryStore.open(config.DATA_DIR);
  // The console chat counts nothing: the metrics library is loaded for a bot only.
  const { BotMetrics } = await import('./metrics/bot-metrics.js');
  const metrics = new BotMetrics();
  metrics.observe({
    knowledge: () => ({
      version: store.current.version,
      sections: store.current.knowledge.sections.length,
      loadedAt: store.current.loadedAt,
    }),
  });
  const metricsServer =
    config.METRICS_PORT === undefined
      ? undefined
      : await startMetricsServer(metrics, { port: config.METRICS_PORT, host: config.HOST, logger });
  // Set once started; a signal during start-up finds it empty and simply exits.
  const running: { bot?: RunningBot } = {};
  let stopping: Promise<never> | undefined;
  const shutdown = (reason: string, exitCode: number, line?: string): Promise<never> =>
    (stopping ??= (async () => {
      logger.info({ reason }, 'stopping: finishing the answers in progress');
      // Whatever happens below, the process ends a little after the bound.
      setTimeout(
        () => process.exit(exitCode),
        config.SHUTDOWN_TIMEOUT_SECONDS * 1000 + 5000,
      ).unref();
      await running.bot
        ?.stop()
        .catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
      // What a reload loaded is what the next start begins from.
      await prepared.keep(store.current);
      await metricsServer?.close();
      await matcher.close();
      await delivery.close();
      await closeFeedback();
      logger.info(
        { matchedOnThread: matcher.counts.onThread, matchedInProcess: matcher.counts.inProcess },
        'stopped',
      );
      if (line !== undefined) console.error(redactSecrets(line, secrets));
      process.exit(exitCode);
    })());
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  watchParent(logger, () => void shutdown('the npm process that started the bot is gone', 0));
  const files: { name: string; ensureFile: () => FileCheck }[] = [];
  if (opened.kind === 'sqlite')
    files.push({ name: 'feedback', ensureFile: () => opened.feedback.ensureFile() });
  if (delivery instanceof SqliteDeliveryStore)
    files.push({ name: 'delivery', ensureFile: () => delivery.ensureFile() });
  watchFiles(files, logger, (message) => void shutdown('database file replaced', 1, message));

  void matcher.prepare(store.current).then((onThread) => {
    if (onThread) logger.info('matcher thread ready');
    else logger.warn('matcher thread not available; matching in process');
  });
  const bot = await startBot(
    config,
    { ...deps, matcher, metrics },
    {
      token: config.BOT_TOKEN,
      delivery: countingRedeliveries(delivery, metrics),
      ...(replicas && link && delivery instanceof replicas.PostgresDeliveryStore
        ? { replicas: { store: delivery, claimPolling: () => link.claimPolling() } }
        : {}),
    },
  );
  running.bot = bot;
  await bot.stopped.catch((error: unknown) =>
    shutdown('fatal error', 1, error instanceof Error ? error.message : String(error)),
  );
}

// Under `npm start`, npm passes SIGTERM and SIGINT on but dies of SIGHUP, leaving the bot
// behind it; a bot whose npm is gone stops, so that a restart does not find two of them.
function watchParent(logger: Logger, onGone: () => void): void {
  if (process.env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    logger.warn({ parent }, 'the npm process that started the bot exited');
    onGone();
  }, PARENT_CHECK_INTERVAL_MS);
  timer.unref();
}

// A database file deleted while the bot runs is put back from the open copy; one replaced by
// another file stops the bot with one line.
function watchFiles(
  files: { name: string; ensureFile: () => FileCheck }[],
  logger: Logger,
  onReplaced: (message: string) => void,
): void {
  const timer = setInterval(() => {
    for (const file of files) {
      try {
        if (file.ensureFile() === 'recreated')
          logger.warn(
            { database: file.name },
            'database file was deleted while the bot ran; written back from the open copy',
          );
      } catch (error) {
        clearInterval(timer);
        const message = error instanceof Error ? error.message : String(error);
        logger.error({ database: file.name, error: message }, 'database file lost');
        onReplaced(message);
        return;
      }
    }
  }, FILE_CHECK_INTERVAL_MS);
  timer.unref();
}

/**
 * How the program was started (see src/main.ts): as the compiled or source modules, or as the
 * bundle, with its code cache or with none V8 would take.
 */
export type ProgramCode =
  | 'modules'
  | 'bundle, with its code cache'
  | 'bundle, its code cache refused'
  | 'bundle, no code cache';

/** Runs the bot (or the console chat) until it stops; a failure to start is one line and exit 1. */
export function runProgram(code: ProgramCode): void {
  main(code).catch((error: unknown) => {
    const known =
      error instanceof ConfigError ||
      error instanceof StartupError ||
      error instanceof FeedbackStoreError ||
      error instanceof DeliveryStoreError ||
      error instanceof SqliteFileError ||
      error instanceof DatabaseError ||
      error instanceof MetricsServerError;
    if (error instanceof KnowledgeError)
      console.error(`The knowledge cannot be loaded:\n${error.message}`);
    else
      console.error(
        redactSecrets(
          known
            ? (error as Error).message
            : error instanceof Error
              ? (error.stack ?? error.message)
              : String(error),
        ),
      );
    process.exit(1);
  });
}
