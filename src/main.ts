import {
  StartupError,
  botSettings,
  feedbackSettings,
  openFeedback,
  reloadAndLog,
  startBot,
} from './app.js';
import { ConfigError, databasePassword, loadConfig } from './config.js';
import { runConsoleChat } from './cli/console-chat.js';
import { warmUpTraditional } from './match/chinese.js';
import { FeedbackStoreError } from './feedback/feedback-store.js';
import { KnowledgeError } from './knowledge/errors.js';
import { DatabaseError } from './postgres/connect.js';
import { KnowledgeStore } from './knowledge/store.js';
import { ThreadMatcher } from './match-thread/thread-matcher.js';
import { BotMetrics } from './metrics/bot-metrics.js';
import { MetricsServerError, startMetricsServer } from './metrics/metrics-server.js';
import { createLogger, redactSecrets } from './logger.js';

// Side effects only: read the configuration, load the knowledge, wire, start, shut down.
async function main(): Promise<void> {
  const config = await loadConfig();
  const secrets = [config.BOT_TOKEN, config.WEBHOOK_SECRET, databasePassword(config)].filter(
    (s): s is string => !!s,
  );
  const logger = createLogger(config.LOG_LEVEL, { secrets });
  const store = await KnowledgeStore.open(config.KNOWLEDGE_DIR);
  const { knowledge } = store.current;
  logger.info(
    { sections: knowledge.sections.length, dir: config.KNOWLEDGE_DIR },
    'knowledge loaded',
  );
  // The console chat records into the same DATA_DIR: its /stats show what was typed there.
  const { feedback, close: closeFeedback } = await openFeedback(feedbackSettings(config), logger);
  const deps = { store, logger, settings: botSettings(config), feedback };
  process.on('SIGHUP', () => void reloadAndLog(store, logger));

  if (!config.BOT_TOKEN) {
    await runConsoleChat(deps);
    await closeFeedback();
    return;
  }

  const matcher = new ThreadMatcher({ logger });
  void matcher.prepare(store.current).then((onThread) => {
    if (onThread) logger.info('matcher thread ready');
    else logger.warn('matcher thread not available; matching in process');
  });
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
  const bot = await startBot(config, { ...deps, matcher, metrics }, config.BOT_TOKEN);
  // Build the Traditional converter soon after start, not inside the first zh-Hant answer.
  setTimeout(warmUpTraditional, 1000).unref();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the answers in progress');
    await bot.stop();
    await metricsServer?.close();
    await matcher.close();
    await closeFeedback();
    logger.info(
      { matchedOnThread: matcher.counts.onThread, matchedInProcess: matcher.counts.inProcess },
      'stopped',
    );
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await bot.stopped;
}

main().catch((error: unknown) => {
  const known =
    error instanceof ConfigError ||
    error instanceof StartupError ||
    error instanceof FeedbackStoreError ||
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
