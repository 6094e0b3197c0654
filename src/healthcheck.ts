/**
 * `node dist/healthcheck.js` (the container's HEALTHCHECK): exits 0 when the bot's webhook
 * server answers GET /healthz within a few seconds, 1 otherwise. A polling bot serves no port,
 * so there is nothing to probe and it exits 0: its liveness is the process itself.
 */
import { loadConfig } from './config.js';

const TIMEOUT_MS = 4000;

async function main(): Promise<number> {
  const config = await loadConfig();
  if (config.MODE !== 'webhook') return 0;
  // Listening on every interface (0.0.0.0 or ::) includes loopback.
  const host = ['0.0.0.0', '::'].includes(config.HOST) ? '127.0.0.1' : config.HOST;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}/healthz`;
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  return response.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`unhealthy: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
