/**
 * Remembers the calibration of each knowledge version in `DATA_DIR/calibration.json`, so that a
 * restart or a reload of knowledge already calibrated once skips calibrating: for a small
 * knowledge base that is most of the time between process start and the first answer.
 *
 * An entry is found by the knowledge's fingerprint, which covers the matcher's code as well, so
 * an upgraded bot never reuses a threshold its predecessor found. The file is a cache only: a
 * missing, unreadable, oversized or malformed file is ignored (and replaced at the next save),
 * a failed save is logged, and neither ever fails a build.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { codeRevision, readCacheFile } from './cache-file.js';
import { writeAtomically } from './knowledge-store.js';
import { errorText } from './knowledge/load.js';
import type { Knowledge } from './knowledge/types.js';
import type { Calibration } from './match/calibrate.js';
import { fingerprintSteps } from './match/fingerprint.js';
import { buildSearchIndexAsync, type SearchIndex } from './match/search-index.js';
import type { Logger } from './logger.js';
import { runInSlices } from './time-slices.js';

/** The file name inside DATA_DIR. */
export const CALIBRATION_FILE = 'calibration.json';

/** Knowledge versions remembered: enough for editing back and forth, small enough to read fast. */
const MAX_ENTRIES = 8;
/** A larger file is not this cache's: it is ignored, never read into memory. */
const MAX_FILE_BYTES = 1 << 20;

const confusableSchema = z.object({
  question: z.string(),
  section: z.string(),
  matched: z.string(),
  score: z.number(),
});
const figures = {
  threshold: z.number().min(0).max(1),
  answerProbes: z.number().int().nonnegative(),
  answeredRight: z.number().int().nonnegative(),
  declineProbes: z.number().int().nonnegative(),
  rejectedRight: z.number().int().nonnegative(),
  confusable: z.array(confusableSchema).max(1000),
};
const calibrationSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('calibrated'), ...figures }),
  z.object({ source: z.literal('fallback'), reason: z.string(), ...figures }),
]);
const fileSchema = z.object({
  entries: z
    .array(
      z.object({
        fingerprint: z.string().regex(/^[0-9a-f]{64}$/u),
        calibration: calibrationSchema,
      }),
    )
    .max(MAX_ENTRIES * 4),
});

interface Entry {
  fingerprint: string;
  calibration: Calibration;
}

export class CalibrationCache {
  private entries: Entry[];
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly revision: string,
    entries: Entry[],
    private readonly logger: Logger | undefined,
  ) {
    this.entries = entries;
  }

  /** Reads the cache in `dataDir`; never throws for what the file holds. */
  static async open(dataDir: string, logger?: Logger): Promise<CalibrationCache> {
    const file = path.join(dataDir, CALIBRATION_FILE);
    const [revision, entries] = await Promise.all([matcherRevision(), readEntries(file, logger)]);
    return new CalibrationCache(file, revision, entries, logger);
  }

  /** How many knowledge versions it remembers. */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Builds the index of `knowledge` in slices, with the remembered calibration when there is
   * one, and remembers a new one otherwise, found by `calibrate` (a build elsewhere, such as on
   * the matcher thread). The knowledge store's index builder.
   */
  readonly build = async (
    knowledge: Knowledge,
    calibrate: (knowledge: Knowledge) => Promise<SearchIndex> = (k) => buildSearchIndexAsync(k),
  ): Promise<SearchIndex> => {
    const fingerprint = await runInSlices(fingerprintSteps(knowledge, this.revision));
    const known = this.entries.find((entry) => entry.fingerprint === fingerprint)?.calibration;
    const index = known
      ? await buildSearchIndexAsync(knowledge, { calibration: known })
      : await calibrate(knowledge);
    // Saved before the index is handed out: a process stopped right after it is ready (a
    // supervisor's health check, a quick restart) has still kept the calibration.
    if (!known) await this.remember(fingerprint, index.calibration);
    return index;
  };

  /** Resolves once every save begun so far has ended (for an orderly stop, and for tests). */
  flushed(): Promise<void> {
    return this.saving;
  }

  private remember(fingerprint: string, calibration: Calibration): Promise<void> {
    this.entries = [
      { fingerprint, calibration },
      ...this.entries.filter((entry) => entry.fingerprint !== fingerprint),
    ].slice(0, MAX_ENTRIES);
    const text = `${JSON.stringify({ entries: this.entries })}\n`;
    this.saving = this.saving.then(async () => {
      try {
        await mkdir(path.dirname(this.file), { recursive: true });
        await writeAtomically(this.file, text);
      } catch (error) {
        this.logger?.warn(
          { error: errorText(error) },
          'calibration not saved: the next start calibrates again',
        );
      }
    });
    return this.saving;
  }
}

async function readEntries(file: string, logger: Logger | undefined): Promise<Entry[]> {
  const bytes = await readCacheFile(file, MAX_FILE_BYTES, 'calibration cache', logger);
  if (!bytes) return [];
  try {
    const parsed = fileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    if (parsed.success) return parsed.data.entries.slice(0, MAX_ENTRIES);
  } catch {
    // Not JSON: reported below like any other malformed file.
  }
  logger?.warn('calibration cache malformed; ignored');
  return [];
}

// The matcher's code: a calibration found by another build of it is never reused.
function matcherRevision(): Promise<string> {
  return codeRevision([new URL('./match/', import.meta.url)], new URL(import.meta.url));
}
