import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { botSettings } from '../src/app.js';
import { ConfigError, databasePassword, parseConfig } from '../src/config.js';
import { SHIPPED_KNOWLEDGE } from './support/bot-harness.js';
import { exitWithin, removeWorkDir, spawnBot, stopAllBots } from './support/bot-process.js';

const TOKEN = '123456789:AAFakeConfigTestToken_0123456789abcdef';

/** Runs parseConfig expecting a ConfigError, and returns its message. */
function configError(env: Record<string, string | undefined>): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(Object.keys(env))}`);
}

describe('parseConfig on a valid environment', () => {
  test('an empty environment gives the defaults: console mode, polling, no admins', () => {
    const config = parseConfig({});
    expect(config.BOT_TOKEN).toBeUndefined();
    expect(config).toMatchObject({
      MODE: 'polling',
      ADMIN_IDS: [],
      ANONYMOUS_ADMIN_CHAT_IDS: [],
      KNOWLEDGE_DIR: 'knowledge',
      PORT: 8080,
      HOST: '0.0.0.0',
      GROUP_AUTO_ANSWER: false,
      LOG_LEVEL: 'info',
    });
    expect(config.MATCH_THRESHOLD).toBeUndefined();
  });

  test('every setting is read and converted', () => {
    const config = parseConfig({
      BOT_TOKEN: ` ${TOKEN} `,
      ADMIN_IDS: '42, 1001,-100123',
      ANONYMOUS_ADMIN_CHAT_IDS: '-100123',
      KNOWLEDGE_DIR: '/srv/knowledge',
      BOT_API_ROOT: 'http://127.0.0.1:8081',
      MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.com/telegram/hook',
      WEBHOOK_SECRET: 'a_secret_of_enough_length',
      PORT: '3000',
      MATCH_THRESHOLD: '0.5',
      GROUP_AUTO_ANSWER: 'yes',
      GROUP_AUTO_THRESHOLD: '0.8',
      GROUP_AUTO_PER_MINUTE: '2',
      GROUP_MESSAGES_PER_MINUTE: '10',
      USER_MESSAGES_PER_SECOND: '5',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      BOT_TOKEN: TOKEN,
      ADMIN_IDS: [42, 1001, -100123],
      ANONYMOUS_ADMIN_CHAT_IDS: [-100123],
      MODE: 'webhook',
      PORT: 3000,
      MATCH_THRESHOLD: 0.5,
      GROUP_AUTO_ANSWER: true,
      GROUP_AUTO_PER_MINUTE: 2,
    });
    expect(botSettings(config)).toEqual({
      adminIds: [42, 1001, -100123],
      anonymousAdminChatIds: [-100123],
      threshold: 0.5,
      groupAutoAnswer: true,
      groupAutoThreshold: 0.8,
      groupAutoPerMinute: 2,
      groupMessagesPerMinute: 10,
      userMessagesPerSecond: 5,
    });
  });

  test('DATABASE_URL takes a postgres URL, whose password is masked like the token', () => {
    const url = 'postgresql://bot:p%40ss-word@db.internal:5432/faq';
    const config = parseConfig({ DATABASE_URL: url });
    expect(config.DATABASE_URL).toBe(url);
    expect(databasePassword(config)).toBe('p@ss-word');
    expect(databasePassword(parseConfig({ DATABASE_URL: 'postgres://db/faq' }))).toBeUndefined();
    expect(parseConfig({}).DATABASE_URL).toBeUndefined();
  });

  test('decimal numbers and the longest real ids are read', () => {
    const config = parseConfig({
      MATCH_THRESHOLD: '.45',
      ADMIN_IDS: '9007199254740991',
      ANONYMOUS_ADMIN_CHAT_IDS: '-1001234567890',
      SHUTDOWN_TIMEOUT_SECONDS: '2.5',
    });
    expect(config).toMatchObject({
      MATCH_THRESHOLD: 0.45,
      ADMIN_IDS: [Number.MAX_SAFE_INTEGER],
      ANONYMOUS_ADMIN_CHAT_IDS: [-1001234567890],
      SHUTDOWN_TIMEOUT_SECONDS: 2.5,
    });
  });

  test('webhook settings are present in the webhook configuration', () => {
    const config = parseConfig({
      BOT_TOKEN: TOKEN,
      MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.com/hook',
      WEBHOOK_SECRET: 'a_secret_of_enough_length',
    });
    if (config.MODE !== 'webhook') throw new Error('expected the webhook configuration');
    // Typed as strings, not optional ones: no `?? ''` where they are used.
    const url: string = config.WEBHOOK_URL;
    expect(url).toBe('https://bot.example.com/hook');
  });

  test('empty strings count as unset', () => {
    const config = parseConfig({ BOT_TOKEN: '', MODE: ' ', ADMIN_IDS: '' });
    expect(config.BOT_TOKEN).toBeUndefined();
    expect(config.MODE).toBe('polling');
    expect(config.ADMIN_IDS).toEqual([]);
  });
});

describe('parseConfig on a bad value', () => {
  const malformedTokens = [
    '123456789:short',
    'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1',
    `${TOKEN} extra`,
    `bot${TOKEN}`,
  ];

  test.each(malformedTokens)(
    'a malformed BOT_TOKEN is named, its value never shown (%#)',
    (token) => {
      const message = configError({ BOT_TOKEN: token });
      expect(message).toMatch(/^Invalid BOT_TOKEN: /);
      expect(message).not.toContain(token);
      expect(message).not.toContain(token.split(':').at(-1) ?? token);
      expect(message).not.toContain('\n');
    },
  );

  test.each([
    ['ADMIN_IDS', { ADMIN_IDS: '42,12a' }],
    ['ANONYMOUS_ADMIN_CHAT_IDS', { ANONYMOUS_ADMIN_CHAT_IDS: '-100x' }],
    ['MODE', { MODE: 'foo' }],
    ['MATCH_THRESHOLD', { MATCH_THRESHOLD: '2' }],
    ['MATCH_THRESHOLD', { MATCH_THRESHOLD: 'high' }],
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '0x50' }],
    ['PORT', { PORT: '8e3' }],
    ['MATCH_THRESHOLD', { MATCH_THRESHOLD: '0x1' }],
    ['MATCH_THRESHOLD', { MATCH_THRESHOLD: '1e-1' }],
    ['RETENTION_DAYS', { RETENTION_DAYS: 'Infinity' }],
    ['ADMIN_IDS', { ADMIN_IDS: '12345678901234567890' }],
    ['ANONYMOUS_ADMIN_CHAT_IDS', { ANONYMOUS_ADMIN_CHAT_IDS: '-10012345678901234567' }],
    ['SHUTDOWN_TIMEOUT_SECONDS', { SHUTDOWN_TIMEOUT_SECONDS: '0' }],
    ['MAX_CONCURRENT_UPDATES', { MAX_CONCURRENT_UPDATES: '2.5' }],
    ['WEBHOOK_URL', { MODE: 'webhook', WEBHOOK_SECRET: 'a_secret_of_enough_length' }],
    ['WEBHOOK_SECRET', { MODE: 'webhook', WEBHOOK_URL: 'https://bot.example.com/hook' }],
    ['WEBHOOK_URL', { WEBHOOK_URL: 'http://bot.example.com/hook' }],
    ['WEBHOOK_SECRET', { WEBHOOK_SECRET: 'short' }],
    ['BOT_API_ROOT', { BOT_API_ROOT: 'not a url' }],
    ['BOT_API_ROOT', { BOT_API_ROOT: 'ftp://127.0.0.1' }],
    ['GROUP_AUTO_ANSWER', { GROUP_AUTO_ANSWER: 'maybe' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://bot:pw@db/faq' }],
    ['DATABASE_URL', { DATABASE_URL: 'db:5432/faq' }],
    ['METRICS_PORT', { METRICS_PORT: 'metrics' }],
    ['METRICS_PORT', { METRICS_PORT: '70000' }],
  ] as const)('a bad %s is named in one line', (key, env) => {
    // A valid token rides along: whatever fails, the message never quotes it.
    const message = configError({ BOT_TOKEN: TOKEN, MODE: 'polling', ...env });
    expect(message.startsWith(`Invalid ${key}: `)).toBe(true);
    expect(message.length).toBeGreaterThan(`Invalid ${key}: `.length);
    expect(message).not.toContain('\n');
    expect(message).not.toContain(TOKEN);
    expect(message).not.toContain(TOKEN.split(':')[1]);
  });

  test('webhook mode needs a token', () => {
    const message = configError({
      MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.com/hook',
      WEBHOOK_SECRET: 'a_secret_of_enough_length',
    });
    expect(message).toMatch(/^Invalid BOT_TOKEN: .*webhook/);
  });
});

describe('the program with a bad environment', () => {
  afterEach(async () => {
    await stopAllBots();
  });
  afterAll(() => removeWorkDir());

  test('exits 1 printing the one-line reason, without the token', async () => {
    const bot = spawnBot({ BOT_TOKEN: TOKEN, KNOWLEDGE_DIR: SHIPPED_KNOWLEDGE, MODE: 'foo' });
    expect((await exitWithin(bot, 30_000)).code).toBe(1);
    expect(bot.stderr.trim()).toBe(configError({ BOT_TOKEN: TOKEN, MODE: 'foo' }));
    expect(bot.stderr.trim()).toMatch(/^Invalid MODE: [^\n]+$/);
    expect(bot.stdout).toBe('');
    expect(bot.stderr).not.toContain(TOKEN.split(':')[1]);
  });

  test('exits 1 on a malformed token without printing it', async () => {
    const bad = '123456789:not-a-real-token';
    const bot = spawnBot({ BOT_TOKEN: bad, KNOWLEDGE_DIR: SHIPPED_KNOWLEDGE });
    expect((await exitWithin(bot, 30_000)).code).toBe(1);
    expect(bot.stderr.trim()).toMatch(/^Invalid BOT_TOKEN: [^\n]+$/);
    expect(bot.stderr).not.toContain('not-a-real-token');
  });
});
