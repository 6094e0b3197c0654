import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BotError, type Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { InboxUpdate } from '../delivery/delivery-store.js';
import type { Logger } from '../logger.js';
import { serveMetrics } from '../metrics/metrics-server.js';

/** The header in which Telegram repeats the webhook's secret token. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** What the server accepts; see {@link webhookLimits}. */
export interface WebhookLimits {
  maxBodyBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
  keepAliveTimeoutMs: number;
}

/**
 * What the server accepts from any one peer. Telegram's updates are a few kilobytes and it opens
 * at most 100 connections (`max_connections`); anything far beyond that is not Telegram.
 */
export const webhookLimits: Readonly<WebhookLimits> = Object.freeze({
  /** Larger bodies are refused (413) before they are read, or as soon as they pass it. */
  maxBodyBytes: 1024 * 1024,
  /** A request whose headers take longer is dropped (slow-header attacks). */
  headersTimeoutMs: 10_000,
  /** A request not received whole within this time is dropped. */
  requestTimeoutMs: 30_000,
  /** Connections beyond this are refused, so file descriptors remain for the rest of the bot. */
  maxConnections: 256,
  /** Idle keep-alive connections are closed after this long. */
  keepAliveTimeoutMs: 65_000,
});

export interface WebhookServerOptions {
  /** The path Telegram posts to, taken from WEBHOOK_URL. */
  path: string;
  secretToken: string;
  logger: Logger;
  /**
   * Takes one update. The server answers 200 once it resolves, which must mean the update is
   * answered or durably stored to be answered; 500 when it rejects, so Telegram sends it again.
   */
  deliver: (update: InboxUpdate) => Promise<void>;
  /** Reported by GET /healthz. */
  health?: () => Record<string, unknown>;
  /** Served on GET /metrics (Prometheus text format) when given. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  limits?: Partial<WebhookLimits>;
}

/** A webhook server that can be closed after every request it accepted has been answered. */
export interface WebhookServer {
  server: Server;
  listen(port: number, host: string): Promise<number>;
  /** Refuses new requests (503, so Telegram retries them later) from now on. */
  stopAccepting(): void;
  /** Waits for the requests in progress to be answered, then closes every connection. */
  close(): Promise<void>;
}

/** Why a webhook request carries no update; each is answered 4xx and logged as a warning. */
class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves the bot's webhook on node:http: POST to the webhook path with Telegram's secret header
 * (anything else gets 401 and is not read), and GET /healthz for probes. Bodies are bounded
 * before and while they are read; a body that is not an update gets 400.
 */
export function createWebhookServer(options: WebhookServerOptions): WebhookServer {
  const limits = { ...webhookLimits, ...options.limits };
  const secret = Buffer.from(options.secretToken);
  let inFlight = 0;
  let accepting = true;
  let drained: (() => void) | undefined;

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node enforces the two timeouts above only this often (30 s unless set).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    (req: IncomingMessage, res: ServerResponse) => {
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
        refuse(req, res, 404);
        return;
      }
      if (!hasSecret(req, secret)) {
        refuse(req, res, 401);
        return;
      }
      if (!accepting) {
        refuse(req, res, 503);
        return;
      }
      inFlight++;
      void handle(req, res).finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
    },
  );
  server.maxConnections = limits.maxConnections;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let update: InboxUpdate;
    try {
      update = parseUpdate(await readBody(req, limits.maxBodyBytes));
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      options.logger.warn(
        { status: error.status, reason: error.message },
        'webhook request refused',
      );
      refuse(req, res, error.status);
      return;
    }
    try {
      await options.deliver(update);
      if (!res.headersSent) res.writeHead(200).end();
    } catch (error) {
      // Not stored, so not confirmed: Telegram sends it again.
      options.logger.error({ update: update.update_id, err: error }, 'webhook update not accepted');
      if (!res.headersSent) res.writeHead(500).end();
    }
  };

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    stopAccepting: () => {
      accepting = false;
    },
    close: async () => {
      accepting = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

function hasSecret(req: IncomingMessage, secret: Buffer): boolean {
  const given = req.headers[SECRET_HEADER];
  if (typeof given !== 'string') return false;
  const bytes = Buffer.from(given);
  return bytes.length === secret.length && timingSafeEqual(bytes, secret);
}

// Answers without reading the body, and closes the connection so the unread body goes with it.
function refuse(req: IncomingMessage, res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  const unread = !req.complete;
  res.writeHead(status, unread ? { connection: 'close' } : {}).end();
  if (unread) res.once('finish', () => req.destroy());
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes)
    throw new BadRequest(413, `body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new BadRequest(413, `body over the ${maxBytes}-byte limit`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof BadRequest) throw error;
    throw new BadRequest(400, 'the body could not be read');
  }
  return Buffer.concat(chunks);
}

function parseUpdate(body: Buffer): InboxUpdate {
  if (body.length === 0) throw new BadRequest(400, 'empty body');
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequest(400, 'the body is not JSON');
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Number.isSafeInteger((value as { update_id?: unknown }).update_id)
  ) {
    throw new BadRequest(400, 'the body is not a Telegram update (no update_id)');
  }
  return value as InboxUpdate;
}

/**
 * Hands an update straight to a bot, with no inbox: a failed update goes to the bot's error
 * handler, as under polling. For bots that keep nothing (the benchmark's echo bot, tests).
 */
export function deliverDirectly<C extends Context>(
  bot: Bot<C>,
): (update: InboxUpdate) => Promise<void> {
  return async (update) => {
    try {
      await bot.handleUpdate(update as unknown as Update);
    } catch (error) {
      if (!(error instanceof BotError)) throw error;
      await bot.errorHandler(error as BotError<C>);
    }
  };
}
