import { z } from 'zod';

const TOKEN = /^\d{5,}:[A-Za-z0-9_-]{30,}$/;

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const idList = z.string().transform((value, ctx) => {
  const ids = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const bad = ids.find((id) => !/^-?\d{1,20}$/.test(id));
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
  z.coerce
    .number({ error: 'must be a number' })
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const envShape = z.object({
  BOT_TOKEN: z
    .string()
    .trim()
    .regex(
      TOKEN,
      'does not look like a bot token: provide the token from @BotFather (digits, a colon, then letters)',
    )
    .optional(),
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
  MODE: z.enum(['polling', 'webhook'], { error: 'must be polling or webhook' }).default('polling'),
  WEBHOOK_URL: z
    .url({ protocol: /^https$/, error: 'must be an https URL Telegram can reach' })
    .optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(8080),
  METRICS_PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int()
    .min(0)
    .max(65535)
    .optional(),
  MATCH_THRESHOLD: number(0, 1).optional(),
  GROUP_AUTO_ANSWER: flag.default(false),
  GROUP_AUTO_THRESHOLD: number(0, 1).default(0.7),
  GROUP_AUTO_PER_MINUTE: number(0, 20).default(3),
  GROUP_MESSAGES_PER_MINUTE: number(1, 20).default(18),
  USER_MESSAGES_PER_SECOND: number(1, 100).default(3),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

/** Every setting the bot reads from the environment, with its default. */
export const configSchema = envShape.superRefine((env, ctx) => {
  if (env.MODE === 'webhook') {
    if (!env.BOT_TOKEN)
      ctx.addIssue({
        code: 'custom',
        path: ['BOT_TOKEN'],
        message: 'is required in webhook mode',
      });
    if (!env.WEBHOOK_URL)
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_URL'],
        message: 'is required in webhook mode',
      });
    if (!env.WEBHOOK_SECRET)
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_SECRET'],
        message: 'is required in webhook mode, so that only Telegram can post updates',
      });
  }
});

/** The validated configuration; read once at start-up and passed down. */
export type Config = z.infer<typeof configSchema>;

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
  return parseWith(configSchema, env);
}

function parseWith<T>(schema: z.ZodType<T>, env: Record<string, string | undefined>): T {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0] === undefined ? 'configuration' : String(issue.path[0]);
  throw new ConfigError(`Invalid ${key}: ${issue?.message ?? 'invalid value'}`);
}

/** Reads `.env` (when present) into the environment, then validates it. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true, processEnv: env });
  return parseConfig(env);
}

const matcherShape = envShape.pick({ KNOWLEDGE_DIR: true, MATCH_THRESHOLD: true });

/** The settings the offline tools (ask, knowledge check) use. */
export type MatcherConfig = z.infer<typeof matcherShape>;

/**
 * Reads only the matcher's settings: the offline tools must not refuse to run because of a
 * bot setting (a webhook URL, a port) they never use.
 */
export async function loadMatcherConfig(
  env: NodeJS.ProcessEnv = process.env,
): Promise<MatcherConfig> {
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true, processEnv: env });
  return parseWith(matcherShape, env);
}
