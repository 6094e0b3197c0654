import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALIBRATION_FILE, CalibrationCache } from '../src/calibration-cache.js';
import { loadKnowledge } from '../src/knowledge/load.js';
import type { Knowledge } from '../src/knowledge/types.js';
import { buildSearchIndex } from '../src/match/search-index.js';
import { captureLogs, TEST_KNOWLEDGE } from './support/bot-harness.js';

let dataDir: string;
let knowledge: Knowledge;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'calibration-cache-'));
  knowledge = await loadKnowledge(TEST_KNOWLEDGE);
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const cacheFile = () => path.join(dataDir, CALIBRATION_FILE);

async function savedEntries(): Promise<
  { fingerprint: string; calibration: { threshold: number } }[]
> {
  return (JSON.parse(await readFile(cacheFile(), 'utf8')) as { entries: never[] }).entries;
}

// Rewrites the threshold of every remembered calibration, so that a build which takes the
// remembered one instead of calibrating shows it.
async function plantThreshold(threshold: number): Promise<void> {
  const entries = await savedEntries();
  for (const entry of entries) entry.calibration.threshold = threshold;
  await writeFile(cacheFile(), JSON.stringify({ entries }));
}

// The cache after calibrating the test knowledge once, its remembered threshold rewritten to
// `threshold`, opened again as a restart opens it.
async function restartedWithPlantedThreshold(threshold: number): Promise<CalibrationCache> {
  const first = await CalibrationCache.open(dataDir);
  await first.build(knowledge);
  await first.flushed();
  await plantThreshold(threshold);
  return CalibrationCache.open(dataDir);
}

function edited(from: Knowledge): Knowledge {
  const [first, ...rest] = from.sections;
  if (!first) throw new Error('the test knowledge has no sections');
  const lang = first.langs[0] as string;
  const text = first.text[lang];
  if (!text) throw new Error('the first section has no text in its first language');
  return {
    ...from,
    sections: [
      {
        ...first,
        text: {
          ...first.text,
          [lang]: { ...text, questions: [...text.questions, 'one more wording'] },
        },
      },
      ...rest,
    ],
  };
}

describe('CalibrationCache', () => {
  it('calibrates a knowledge version once and remembers the result on disk', async () => {
    const cache = await CalibrationCache.open(dataDir);
    const index = await cache.build(knowledge);
    await cache.flushed();
    expect(index.calibration).toEqual(buildSearchIndex(knowledge).calibration);
    const entries = await savedEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.calibration).toEqual(JSON.parse(JSON.stringify(index.calibration)));
  });

  it('has the calibration on disk by the time the index is handed out', async () => {
    const cache = await CalibrationCache.open(dataDir);
    await cache.build(knowledge);
    // No flush: a process killed right after the build must already have kept it.
    expect(await savedEntries()).toHaveLength(1);
  });

  it('takes the remembered calibration for the same knowledge after a restart', async () => {
    const restarted = await restartedWithPlantedThreshold(0.123);
    expect(restarted.size).toBe(1);
    const index = await restarted.build(await loadKnowledge(TEST_KNOWLEDGE));
    expect(index.calibration.threshold).toBe(0.123);
  });

  it('calibrates again when a section changes, and keeps both versions', async () => {
    const restarted = await restartedWithPlantedThreshold(0.123);
    const changed = edited(knowledge);
    const index = await restarted.build(changed);
    await restarted.flushed();
    expect(index.calibration).toEqual(buildSearchIndex(changed).calibration);
    expect(await savedEntries()).toHaveLength(2);
  });

  it.each([
    ['not JSON', '{"entries": ['],
    ['the wrong shape', JSON.stringify({ entries: [{ fingerprint: 'x', calibration: 1 }] })],
    [
      'a threshold out of range',
      JSON.stringify({
        entries: [
          { fingerprint: 'a'.repeat(64), calibration: { source: 'calibrated', threshold: 7 } },
        ],
      }),
    ],
    ['over a megabyte', `{"entries":[],"pad":"${'x'.repeat(1 << 20)}"}`],
  ])('ignores a cache file holding %s, warns, and replaces it', async (_, text) => {
    await writeFile(cacheFile(), text);
    const { logger, lines } = captureLogs('warn');
    const cache = await CalibrationCache.open(dataDir, logger);
    expect(cache.size).toBe(0);
    expect(lines.some((line) => /calibration cache/u.test(String(line.msg)))).toBe(true);
    const index = await cache.build(knowledge);
    await cache.flushed();
    expect(index.calibration).toEqual(buildSearchIndex(knowledge).calibration);
    expect(await savedEntries()).toHaveLength(1);
  });

  it('still builds when the cache cannot be written, and says so once per failed save', async () => {
    const blocked = path.join(dataDir, 'not-a-folder');
    await writeFile(blocked, 'a file where DATA_DIR should be');
    const { logger, lines } = captureLogs('warn');
    const cache = await CalibrationCache.open(blocked, logger);
    const index = await cache.build(knowledge);
    await cache.flushed();
    expect(index.calibration).toEqual(buildSearchIndex(knowledge).calibration);
    const warnings = lines.filter((line) => /calibration not saved/u.test(String(line.msg)));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).not.toContain(dataDir);
  });
});
