import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, test } from 'vitest';

// The layering rules of eslint.config.js, run through ESLint itself on a one-line module placed
// (in name only: nothing is written) in each layer of src/.
const root = fileURLToPath(new URL('..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The messages of the layering rule for `source` as the file `file` of the repository. */
async function layeringErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport type Probe = typeof probe;\n`, {
    filePath: `${root}/${file}`,
  });
  if (!result) throw new Error(`ESLint returned no result for ${file}`);
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`ESLint could not parse the probe for ${file}: ${fatal.message}`);
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2)
    .map((m) => m.message);
}

describe('imports against the dependency direction are lint errors', () => {
  test.each([
    [
      'src/knowledge/probe.ts',
      "import { buildSearchIndex as probe } from '../match/search-index.js';",
    ],
    ['src/knowledge/probe.ts', "import { KnowledgeStore as probe } from '../knowledge-store.js';"],
    ['src/knowledge/probe.ts', "import type { BotDeps as probe } from '../bot/deps.js';"],
    ['src/knowledge/probe.ts', "import { parseArgs as probe } from '../cli/args.js';"],
    ['src/knowledge/probe.ts', "import { BotMetrics as probe } from '../metrics/bot-metrics.js';"],
    ['src/knowledge/probe.ts', "import { Bot as probe } from 'grammy';"],
    ['src/match/probe.ts', "import type { BotDeps as probe } from '../bot/deps.js';"],
    [
      'src/match/probe.ts',
      "import type { KnowledgeSnapshot as probe } from '../knowledge-store.js';",
    ],
    [
      'src/match/probe.ts',
      "import type { DeliveryStore as probe } from '../delivery/delivery-store.js';",
    ],
    [
      'src/match/probe.ts',
      "import { openSharedDatabase as probe } from '../postgres/database.js';",
    ],
    ['src/match/probe.ts', "import { Composer as probe } from 'grammy';"],
    ['src/match/probe.ts', "import { autoRetry as probe } from '@grammyjs/auto-retry';"],
    ['src/match-thread/probe.ts', "import type { BotDeps as probe } from '../bot/deps.js';"],
    ['src/knowledge-store.ts', "import type { BotDeps as probe } from './bot/deps.js';"],
    [
      'src/postgres/probe.ts',
      "import { groupPace as probe } from '../bot/middlewares/group-pace.js';",
    ],
    ['src/delivery/probe.ts', "import type { BotContext as probe } from '../bot/context.js';"],
    ['src/feedback/probe.ts', "import { renderAnswer as probe } from '../bot/render.js';"],
    ['src/feedback/probe.ts', "import { createBot as probe } from '../bot/create-bot.js';"],
    ['src/metrics/probe.ts', "import type { BotDeps as probe } from '../bot/deps.js';"],
    ['src/postgres/deeper/probe.ts', "import type { BotDeps as probe } from '../../bot/deps.js';"],
    ['src/bot/features/probe.ts', "import { botSettings as probe } from '../../app.js';"],
  ])('%s: %s', async (file, source) => {
    expect(await layeringErrors(file, source)).toHaveLength(1);
  });

  test('a re-export is caught like an import', async () => {
    const errors = await layeringErrors(
      'src/knowledge/probe.ts',
      "export { matchQuestion } from '../match/match-question.js';\nconst probe = 1;",
    );
    expect(errors).toHaveLength(1);
  });
});

describe('imports along the dependency direction pass', () => {
  test.each([
    ['src/knowledge/probe.ts', "import { KnowledgeError as probe } from './errors.js';"],
    ['src/knowledge/probe.ts', "import { runToEnd as probe } from '../time-slices.js';"],
    ['src/match/probe.ts', "import type { Section as probe } from '../knowledge/types.js';"],
    ['src/match/probe.ts', "import { matchTuning as probe } from './tuning.js';"],
    [
      'src/knowledge-store.ts',
      "import { buildSearchIndex as probe } from './match/search-index.js';",
    ],
    ['src/postgres/probe.ts', "import type { SendSlots as probe } from '../send-slots.js';"],
    [
      'src/postgres/probe.ts',
      "import type { KnowledgeStore as probe } from '../knowledge-store.js';",
    ],
    ['src/feedback/probe.ts', "import { normalizeText as probe } from '../match/normalize.js';"],
    ['src/bot/probe.ts', "import { matchQuestion as probe } from '../match/match-question.js';"],
    ['src/bot/probe.ts', "import { Composer as probe } from 'grammy';"],
    ['src/cli/probe.ts', "import { createBot as probe } from '../bot/create-bot.js';"],
    ['src/main.ts', "import { createBot as probe } from './bot/create-bot.js';"],
  ])('%s: %s', async (file, source) => {
    expect(await layeringErrors(file, source)).toEqual([]);
  });
});
