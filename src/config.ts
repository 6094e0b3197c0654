import { z } from 'zod';

const TOKEN = /^\d{5,}:[A-Za-z0-9_-]{30,}$/;
// Plain decimal notation only: `Number()` would also take 0x50, 1e3 or "Infinity".
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const INTEGER = /^[+-]?\d+$/;

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const idList = z.string().transform((value, ctx) => {
  const ids = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  // Telegram ids fit in 52 bits: a longer number would be rounded to someone else's id.
  const bad = ids.find((id) => !INTEGER.test(id) || !Number.isSafeInteger(Number(id)));
  if (bad !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${bad}" is not a numeric Telegram id (comma-separated ids)`,
    });
    return z.NEVER;
  }
  return ids.map(Number);
});

const number = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(DECIMAL, 'must be a decimal number such as 0.5 or 12')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const integer = (min: number, max: number, what = 'a whole number') =>
  z
    .string()
    .trim()
    .regex(INTEGER, `must be ${what} in decimal digits`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const webhookUrl = z.url({
  protocol: /^https$/,
  error: 'must be an https URL Telegram can reach',
});
const webhookSecret = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -');
const botToken = z
  .string()
  .trim()
  .regex(
    TOKEN,
    'does not look like a bot token: provide the token from @BotFather (digits, a colon, then letters)',
  );

const common = {
  BOT_TOKEN: botToken.optional(),
  ADMIN_IDS: idList.default([]),
  ANONYMOUS_ADMIN_CHAT_IDS: idList.default([]),
  KNOWLEDGE_DIR: z.string().trim().min(1).default('knowledge'),
  DATA_DIR: z.string().trim().min(1).default('data'),
  DATABASE_URL: z
    .url({
      protocol: /^postgres(ql)?$/,
      error: 'must be a postgres:// URL such as postgres://bot:password@db:5432/faq',
    })
    .optional(),
  RETENTION_DAYS: number(1, 3650).default(90),
  BOT_API_ROOT: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8081' })
    .optional(),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PORT: integer(0, 65535, 'a port number').default(8080),
  METRICS_PORT: integer(0, 65535, 'a port number').optional(),
  MATCH_THRESHOLD: number(0, 1).optional(),
  GROUP_AUTO_ANSWER: flag.default(false),
  GROUP_AUTO_THRESHOLD: number(0, 1).default(0.7),
  GROUP_AUTO_PER_MINUTE: number(0, 20).default(3),
  GROUP_MESSAGES_PER_MINUTE: number(1, 20).default(18),
  USER_MESSAGES_PER_SECOND: number(1, 100).default(3),
  /** How long a stop waits for the answers in progress; the rest waits in the inbox. */
  SHUTDOWN_TIMEOUT_SECONDS: number(0.1, 300).default(10),
  /** How long start-up keeps retrying a Bot API that fails transiently (5xx, 429, network). */
  STARTUP_RETRY_SECONDS: number(0, 3600).default(60),
  /** Updates answered at once; also the most a crash can make the bot answer twice. */
  MAX_CONCURRENT_UPDATES: integer(1, 1000).default(100),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
};

const pollingShape = z.object({
  ...common,
  MODE: z.literal('polling'),
  // Not used when polling, but still checked, so that switching MODE later is no surprise.
  WEBHOOK_URL: webhookUrl.optional(),
  WEBHOOK_SECRET: webhookSecret.optional(),
});

const webhookShape = z.object({
  ...common,
  MODE: z.literal('webhook'),
  BOT_TOKEN: z.string({ error: 'is required in webhook mode' }).pipe(botToken),
  WEBHOOK_URL: z.string({ error: 'is required in webhook mode' }).pipe(webhookUrl),
  WEBHOOK_SECRET: z
    .string({ error: 'is required in webhook mode, so that only Telegram can post updates' })
    .pipe(webhookSecret),
});

/** Every setting the bot reads from the environment, with its default, by MODE. */
export const configSchema = z.discriminatedUnion('MODE', [pollingShape, webhookShape], {
  error: 'must be polling or webhook',
});

/** Every key the configuration reads, whatever the MODE. */
export const configShape = {
  ...webhookShape.shape,
  ...pollingShape.shape,
  MODE: z.enum(['polling', 'webhook']),
};

/** The validated configuration; read once at start-up and passed down. */
export type Config = z.infer<typeof configSchema>;
/** The configuration of a webhook bot, where the webhook settings are required. */
export type WebhookConfig = z.infer<typeof webhookShape>;

/** The password inside DATABASE_URL, masked in logs like the token. */
export function databasePassword(config: Pick<Config, 'DATABASE_URL'>): string | undefined {
  if (!config.DATABASE_URL) return undefined;
  const password = new URL(config.DATABASE_URL).password;
  return password ? decodeURIComponent(password) : undefined;
}

/** Thrown for a bad setting; its message is one line that names the key and never its value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates an environment. Pure: tests pass plain objects. Empty strings count as unset, as
 * they do in most `.env` files.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  return parseWith(configSchema, { MODE: 'polling', ...present(env) });
}

function present(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => {
      const value = entry[1];
      return value !== undefined && value.trim() !== '';
    }),
  );
}

function parseWith<T>(schema: z.ZodType<T>, env: Record<string, string>): T {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0] === undefined ? 'configuration' : String(issue.path[0]);
  throw new ConfigError(`Invalid ${key}: ${issue?.message ?? 'invalid value'}`);
}

/** Reads `.env` from the working directory (when present) into `env`, without overriding it. */
export async function loadDotenv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true, processEnv: env });
}

/** Reads `.env` (when present) into the environment, then validates it. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  await loadDotenv(env);
  return parseConfig(env);
}

const matcherShape = z.object({
  KNOWLEDGE_DIR: common.KNOWLEDGE_DIR,
  MATCH_THRESHOLD: common.MATCH_THRESHOLD,
});

/** The settings the offline tools (ask, knowledge check) use. */
export type MatcherConfig = z.infer<typeof matcherShape>;

/**
 * Reads only the matcher's settings: the offline tools must not refuse to run because of a
 * bot setting (a webhook URL, a port) they never use.
 */
export async function loadMatcherConfig(
  env: NodeJS.ProcessEnv = process.env,
): Promise<MatcherConfig> {
  await loadDotenv(env);
  return parseWith(matcherShape, present(env));
}
