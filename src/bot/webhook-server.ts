import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BotError, webhookCallback, type Bot } from 'grammy';
import type { Logger } from '../logger.js';
import { serveMetrics } from '../metrics/metrics-server.js';
import type { BotContext } from './context.js';

export interface WebhookServerOptions {
  /** The path Telegram posts to, taken from WEBHOOK_URL. */
  path: string;
  secretToken: string;
  logger: Logger;
  /** Reported by GET /healthz. */
  health?: () => Record<string, unknown>;
  /** Served on GET /metrics (Prometheus text format) when given. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

/** A webhook server that can be closed after every request it accepted has been answered. */
export interface WebhookServer {
  server: Server;
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, waits for in-flight updates to finish, then closes. */
  close(): Promise<void>;
  /** Updates accepted and still being handled. */
  inFlight(): number;
}

/**
 * Serves the bot's webhook on node:http: POST to the webhook path with Telegram's secret
 * header (anything else gets 401 from grammY and does nothing), and GET /healthz for probes.
 */
export function createWebhookServer(
  bot: Bot<BotContext>,
  options: WebhookServerOptions,
): WebhookServer {
  const handleUpdate = webhookCallback(bot, 'http', {
    secretToken: options.secretToken,
    // Telegram resends an update it got no answer for; answering late beats answering twice.
    onTimeout: 'return',
    timeoutMilliseconds: 55_000,
  });
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/healthz') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: true, ...options.health?.() }));
      return;
    }
    const metrics = options.metrics;
    if (req.method === 'GET' && url.pathname === '/metrics' && metrics) {
      void serveMetrics(metrics, res, options.logger);
      return;
    }
    if (req.method !== 'POST' || url.pathname !== options.path) {
      res.writeHead(404).end();
      return;
    }
    inFlight++;
    handleUpdate(req, res)
      .catch(async (error: unknown) => {
        // A failed update goes to the bot's error handler, as in polling, and is acknowledged:
        // a 500 would only make Telegram redeliver it (dedupe drops it) and hold back the
        // updates queued behind it while it backs off.
        if (error instanceof BotError) {
          await bot.errorHandler(error as BotError<BotContext>);
          if (!res.headersSent) res.writeHead(200).end();
          return;
        }
        options.logger.error({ err: error }, 'webhook request failed');
        if (!res.headersSent) res.writeHead(500).end();
      })
      .catch((error: unknown) => {
        options.logger.error({ err: error }, 'webhook error handling failed');
        if (!res.headersSent) res.writeHead(500).end();
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
  });

  return {
    server,
    inFlight: () => inFlight,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}
