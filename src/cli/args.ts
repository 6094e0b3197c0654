import { parseArgs } from 'node:util';
import { z } from 'zod';

const askArgsSchema = z.object({
  jsonl: z.boolean().default(false),
  json: z.boolean().default(false),
  dir: z.string().min(1).optional(),
  threshold: z.coerce.number().min(0).max(1).optional(),
  question: z.string().optional(),
});

/** The validated command line of `npm run ask`. */
export type AskArgs = z.infer<typeof askArgsSchema>;

/** Parses `ask`'s arguments: `--jsonl`, `--json`, `--dir DIR`, `--threshold N`, then the question. */
export function parseAskArgs(argv: readonly string[]): AskArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      jsonl: { type: 'boolean' },
      json: { type: 'boolean' },
      dir: { type: 'string' },
      threshold: { type: 'string' },
    },
  });
  const parsed = askArgsSchema.safeParse({
    ...values,
    question: positionals.length > 0 ? positionals.join(' ') : undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`--${String(issue?.path[0] ?? 'arguments')}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
