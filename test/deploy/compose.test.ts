/**
 * The deployment files as far as a machine without a container engine can check them: the
 * compose file parses, every service has a health check, the replicas get settings the bot
 * accepts, and the proxy forwards the webhook path to exactly those replicas, nothing else.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { configShape, parseConfig } from '../../src/config.js';
import { REPO_ROOT } from '../support/bot-harness.js';

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

async function compose(): Promise<{ services: Record<string, Service> }> {
  const text = await readFile(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
  return parse(text, { merge: true }) as { services: Record<string, Service> };
}

// What `${VAR:?…}` and `${VAR:-default}` would become with the variable set.
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::[?-][^}]*)?\}/g, (_, name: string) => vars[name] ?? '');
}

describe('docker-compose.yml', () => {
  test('PostgreSQL, two webhook replicas and a proxy, each with a health check', async () => {
    const { services } = await compose();
    expect(Object.keys(services).sort()).toEqual(['bot-1', 'bot-2', 'db', 'proxy']);
    for (const [name, service] of Object.entries(services))
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
    for (const name of ['bot-1', 'bot-2']) {
      const bot = services[name] as Service;
      expect(bot.build).toBe('.');
      expect(bot.depends_on?.db?.condition).toBe('service_healthy');
      const env = Object.fromEntries(
        Object.entries(bot.environment ?? {}).map(([k, v]) => [
          k,
          interpolate(String(v), { POSTGRES_PASSWORD: 'pw' }),
        ]),
      );
      for (const key of Object.keys(env)) expect(Object.keys(configShape)).toContain(key);
      // With the keys a .env adds, the bot accepts them as they are.
      const config = parseConfig({
        ...env,
        BOT_TOKEN: '123456789:AAComposeCheckToken_0123456789abcdef',
        WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
        WEBHOOK_SECRET: 'compose_check_secret_0123',
      });
      expect(config.MODE).toBe('webhook');
      expect(new URL(config.DATABASE_URL ?? '').hostname).toBe('db');
      expect(config.PORT).toBe(8080);
    }
    expect(services.proxy?.depends_on?.['bot-1']?.condition).toBe('service_healthy');
  });

  test('the proxy sends the webhook path and /healthz to both replicas, and nothing else', async () => {
    const caddyfile = await readFile(path.join(REPO_ROOT, 'deploy', 'Caddyfile'), 'utf8');
    const upstreams = /reverse_proxy ([^{\n]+)\{/.exec(caddyfile)?.[1]?.trim().split(/\s+/);
    expect(upstreams).toEqual(['bot-1:8080', 'bot-2:8080']);
    expect(caddyfile).toMatch(/@webhook path \{\$WEBHOOK_PATH\} \/healthz\n/);
    expect(caddyfile).toMatch(/handle \{\n\s+respond 404\n\s+\}/);
    const directives = caddyfile
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    expect(directives).not.toContain('/metrics');
  });
});
