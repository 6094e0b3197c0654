import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { BotMetrics } from './bot-metrics.js';

/** The metrics port cannot be listened on; the message names the key. */
export class MetricsServerError extends Error {
  override readonly name = 'MetricsServerError';
}

/** The metrics endpoint of a polling bot, which has no webhook server to serve it. */
export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `GET /metrics` (and `GET /healthz`) on METRICS_PORT. */
export async function startMetricsServer(
  metrics: BotMetrics,
  options: { port: number; host: string; logger: Logger },
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/metrics')
      void serveMetrics(() => metrics.exposition(), res, options.logger);
    else if (req.method === 'GET' && path === '/healthz')
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    else res.writeHead(404).end();
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new MetricsServerError(
          `Cannot serve metrics on METRICS_PORT ${options.port}: ${error.code ?? error.message}`,
        ),
      ),
    );
    server.listen(options.port, options.host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    });
  });
  options.logger.info({ port }, 'metrics server listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers a scrape; a failing collector is a 500 with the error logged, never a crash. */
export async function serveMetrics(
  metrics: () => Promise<{ contentType: string; body: string }>,
  res: ServerResponse,
  logger: Logger,
): Promise<void> {
  try {
    const { contentType, body } = await metrics();
    res.writeHead(200, { 'content-type': contentType }).end(body);
  } catch (error) {
    logger.error({ err: error }, 'metrics collection failed');
    if (!res.headersSent) res.writeHead(500).end();
  }
}
