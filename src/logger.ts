import { pino, type Logger } from 'pino';

export type { Logger };

// Anything that looks like a bot token is masked wherever it appears in a log line, because
// errors from HTTP clients quote the request URL, which carries the token; a URL may carry it
// with the colon percent-encoded.
const TOKEN_PATTERN = /\d{5,}(?::|%3A)[A-Za-z0-9_-]{30,}/gi;
// The secret half of a token given as a secret, masked on its own as well.
const TOKEN_SECRET = /^\d{5,}:([A-Za-z0-9_-]{30,})$/;

/** Masks bot tokens in a string. Used on every log line and on every error shown to a person. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(TOKEN_PATTERN, '[redacted]');
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    out = out.split(secret).join('[redacted]');
    const half = TOKEN_SECRET.exec(secret)?.[1];
    if (half) out = out.split(half).join('[redacted]');
  }
  return out;
}

/**
 * Creates the process logger: JSON lines on stderr (stdout belongs to CLI output) with tokens
 * and the webhook secret masked.
 */
export function createLogger(
  level: string,
  options: { secrets?: readonly string[]; destination?: NodeJS.WritableStream } = {},
): Logger {
  const secrets = options.secrets ?? [];
  const destination = options.destination ?? process.stderr;
  const stream = {
    write(line: string) {
      destination.write(redactSecrets(line, secrets));
    },
  };
  return pino({ level, base: undefined }, stream);
}
