/**
 * Keeps the knowledge as the last start loaded and indexed it, in `DATA_DIR/prepared-knowledge`,
 * so that a restart over the same files skips parsing, validating and indexing them: for the
 * shipped knowledge that is most of the time between process start and the first answer, and
 * for a knowledge base of thousands of sections, seconds.
 *
 * The copy is found by a digest of the files' names and texts, as the loader reads them, and of
 * the loader's and the matcher's code, so an edited file or an upgraded bot never answers from
 * it. Its payload carries its own checksum. The file is a cache only: missing, unreadable,
 * oversized, damaged or made by another build, it is ignored and replaced; a failed save is
 * logged; neither ever fails a start. Reloads read the files as always; a graceful stop keeps
 * the version in use (`keep`), so a restart after a reload starts from what it loaded. After a
 * crash, the next start loads the files once and keeps them again.
 *
 * The file holds data only (`v8.serialize` cannot carry code), and sits in the data folder
 * beside the bot's databases: whoever can write there could as well rewrite those.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { z } from 'zod';
import { codeRevision, readCacheFile } from './cache-file.js';
import {
  type IndexBuilder,
  KnowledgeStore,
  type KnowledgeSnapshot,
  writeAtomically,
} from './knowledge-store.js';
import { digestOfFiles, errorText, knowledgeOf, readKnowledgeFolder } from './knowledge/load.js';
import type { Knowledge } from './knowledge/types.js';
import type { SearchIndex } from './match/search-index.js';
import {
  isStoredIndex,
  restoredIndex,
  storedIndex,
  type StoredIndex,
} from './match/stored-index.js';
import type { Logger } from './logger.js';

/** The file name inside DATA_DIR. */
export const PREPARED_FILE = 'prepared-knowledge';

/** Raised whenever the layout of the file changes, so that no run reads another's layout. */
const FORMAT = 2;
/** A larger file is not this cache's (50,000 sections take a few hundred megabytes). */
const MAX_FILE_BYTES = 1 << 30;
/** The header line, before the payload: a few hundred bytes. */
const MAX_HEADER_BYTES = 1024;

const headerSchema = z.object({
  format: z.literal(FORMAT),
  /** The digest of the files and the code the payload was made from. */
  source: z.string().regex(/^[0-9a-f]{64}$/u),
  /** The SHA-256 of the payload, and its length. */
  payload: z.string().regex(/^[0-9a-f]{64}$/u),
  bytes: z.number().int().nonnegative(),
});

interface Payload {
  knowledge: Knowledge;
  index: StoredIndex;
}

/** How the first version of the knowledge was obtained at start-up. */
export type FirstLoad = 'prepared copy' | 'files';

export class PreparedKnowledge {
  // The files digest of the version the file holds, when this process read or wrote it.
  private kept: string | undefined;

  private constructor(
    readonly file: string,
    private readonly revision: string,
    private readonly logger: Logger | undefined,
  ) {}

  /** The prepared copy in `dataDir`; reads nothing yet. */
  static async open(dataDir: string, logger?: Logger): Promise<PreparedKnowledge> {
    const revision = await codeRevision(
      [new URL('./knowledge/', import.meta.url), new URL('./match/', import.meta.url)],
      new URL(import.meta.url),
    );
    return new PreparedKnowledge(path.join(dataDir, PREPARED_FILE), revision, logger);
  }

  /**
   * Opens the knowledge store of `dir`: from the prepared copy when it was made from exactly
   * the files there now, otherwise by validating and indexing those files (throwing a
   * `KnowledgeError` when they are not valid) and keeping the result for the next start.
   */
  async openStore(
    dir: string,
    build: IndexBuilder,
  ): Promise<{ store: KnowledgeStore; from: FirstLoad }> {
    const inputs = await readKnowledgeFolder(dir);
    const files = await digestOfFiles(inputs);
    const kept = await this.read(this.sourceDigest(files));
    if (kept) {
      this.kept = files;
      return {
        store: KnowledgeStore.withFirstVersion(dir, { ...kept, files }, build),
        from: 'prepared copy',
      };
    }

    const knowledge = await knowledgeOf(inputs, dir);
    const index = await build(knowledge);
    const store = KnowledgeStore.withFirstVersion(dir, { knowledge, index, files }, build);
    await this.keep(store.current);
    return { store, from: 'files' };
  }

  /**
   * Keeps `snapshot` for the next start unless the file already holds its version: a graceful
   * stop calls it, so that a restart after a reload starts from what the reload loaded. Never
   * throws; a copy that cannot be written is logged.
   */
  async keep(snapshot: KnowledgeSnapshot): Promise<void> {
    if (snapshot.files === this.kept) return;
    if (!(await this.save(this.sourceDigest(snapshot.files), snapshot.knowledge, snapshot.index)))
      return;
    this.kept = snapshot.files;
    this.logger?.info(
      { version: snapshot.version, sections: snapshot.knowledge.sections.length },
      'prepared knowledge kept for the next start',
    );
  }

  // Which files, read by which build of the loader and matcher.
  private sourceDigest(files: string): string {
    return createHash('sha256')
      .update(JSON.stringify({ format: FORMAT, revision: this.revision, files }))
      .digest('hex');
  }

  // The kept knowledge and index when the file holds those of `source`; never throws.
  private async read(
    source: string,
  ): Promise<{ knowledge: Knowledge; index: SearchIndex } | undefined> {
    const bytes = await readCacheFile(this.file, MAX_FILE_BYTES, 'prepared knowledge', this.logger);
    if (!bytes) return undefined;
    const end = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a);
    const header = end < 0 ? undefined : parseHeader(bytes.subarray(0, end).toString('utf8'));
    // Made from other files or by another build: expected after every edit and upgrade.
    if (header?.source !== source) return undefined;
    const payload = bytes.subarray(end + 1);
    const intact =
      payload.length === header.bytes &&
      createHash('sha256').update(payload).digest('hex') === header.payload;
    const restored = intact ? unpack(payload) : undefined;
    if (!restored) this.logger?.warn('prepared knowledge damaged; ignored');
    return restored;
  }

  private async save(source: string, knowledge: Knowledge, index: SearchIndex): Promise<boolean> {
    try {
      const payload = serialize({ knowledge, index: storedIndex(index) } satisfies Payload);
      const header = {
        format: FORMAT,
        source,
        payload: createHash('sha256').update(payload).digest('hex'),
        bytes: payload.length,
      } satisfies z.infer<typeof headerSchema>;
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeAtomically(
        this.file,
        Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), payload]),
      );
      return true;
    } catch (error) {
      this.logger?.warn(
        { error: errorText(error) },
        'prepared knowledge not saved: the next start loads the files again',
      );
      return false;
    }
  }
}

function parseHeader(line: string): z.infer<typeof headerSchema> | undefined {
  try {
    const parsed = headerSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

// The payload's checksum has matched: what is left to fear is a file of an older layout under
// the same format number, which the shape check below turns away.
function unpack(payload: Buffer): { knowledge: Knowledge; index: SearchIndex } | undefined {
  try {
    const { knowledge, index } = deserialize(payload) as Payload;
    if (!isStoredIndex(index, knowledge.sections.length)) return undefined;
    return { knowledge, index: restoredIndex(index, knowledge) };
  } catch {
    return undefined;
  }
}
