import type { Api } from 'grammy';
import type { WebhookConfig } from '../config.js';
import type { UpdateDispatcher } from '../delivery/update-dispatcher.js';
import type { Logger } from '../logger.js';
import { retryTransient, StartupError, type RetryOptions } from './connect.js';
import type { RunningBot } from './running-bot.js';
import { createWebhookServer } from './webhook-server.js';

export interface WebhookOptions {
  config: Pick<WebhookConfig, 'WEBHOOK_URL' | 'WEBHOOK_SECRET' | 'PORT' | 'HOST'>;
  api: Api;
  allowedUpdates: readonly string[];
  dispatcher: UpdateDispatcher;
  logger: Logger;
  retry: RetryOptions;
  shutdownTimeoutMs: number;
  health: () => Record<string, unknown>;
  /** Served on GET /metrics when given. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

/**
 * The longest a webhook request waits for its answer before it is acknowledged anyway: the
 * update is stored by then, and Telegram gives up on a request after about a minute.
 */
export const WEBHOOK_ANSWER_WAIT_MS = 50_000;

/**
 * Serves the webhook and registers it with Telegram. An update is acknowledged (200) once it is
 * answered, or, when that takes long or the bot stops, once it is stored in the inbox; one
 * already answered (a redelivery, even across a restart) is acknowledged without a second answer.
 */
export async function startWebhook(options: WebhookOptions): Promise<RunningBot> {
  const { config, dispatcher, logger } = options;
  const url = new URL(config.WEBHOOK_URL);
  const stopBegun = new Promise<void>((resolve) =>
    dispatcher.stopSignal.addEventListener('abort', () => resolve(), { once: true }),
  );
  const server = createWebhookServer({
    path: url.pathname,
    secretToken: config.WEBHOOK_SECRET,
    logger,
    health: options.health,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    deliver: async (update) => {
      const { answered } = await dispatcher.accept([update]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        answered[0],
        stopBegun,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, WEBHOOK_ANSWER_WAIT_MS))),
      ]);
      clearTimeout(timer);
    },
  });
  const recovered = await dispatcher.recover();
  if (recovered > 0) logger.info({ updates: recovered }, 'answering the updates left from before');
  const port = await listen(server, config.PORT, config.HOST);
  try {
    await retryTransient(
      'setWebhook',
      () =>
        options.api.setWebhook(url.href, {
          secret_token: config.WEBHOOK_SECRET,
          allowed_updates: options.allowedUpdates as never,
        }),
      options.retry,
    );
  } catch (error) {
    await server.close();
    if (error instanceof StartupError) throw error;
    throw new StartupError(
      `Telegram refused WEBHOOK_URL ${url.origin}${url.pathname}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  logger.info({ port, path: url.pathname }, 'webhook server listening');

  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  return {
    stopped,
    stop: () =>
      (stopping ??= (async () => {
        server.stopAccepting();
        const report = await dispatcher.stop(options.shutdownTimeoutMs);
        if (!report.finished)
          logger.warn(
            { leftInInbox: report.leftInInbox },
            'stopped before every answer was sent; the rest is answered at the next start',
          );
        await server.close();
        resolveStopped();
      })()),
  };
}

async function listen(
  server: ReturnType<typeof createWebhookServer>,
  port: number,
  host: string,
): Promise<number> {
  try {
    return await server.listen(port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new StartupError(
        `PORT ${port} is already in use on HOST ${host}: stop the other program or choose another PORT`,
      );
    if (code === 'EACCES')
      throw new StartupError(
        `PORT ${port} needs privileges on HOST ${host}: choose a PORT above 1023`,
      );
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      throw new StartupError(
        `HOST ${host} cannot be resolved: set HOST to an address of this machine`,
      );
    if (code === 'EADDRNOTAVAIL')
      throw new StartupError(
        `HOST ${host} is not an address of this machine: set HOST to one that is`,
      );
    throw new StartupError(
      `Cannot listen on HOST ${host} PORT ${port}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
