import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { buildSearchIndexAsync, type SearchIndex } from './match/search-index.js';
import { diffKnowledgeAsync, type KnowledgeDiff } from './knowledge/diff.js';
import { KnowledgeError } from './knowledge/errors.js';
import {
  digestOfFiles,
  isKnowledgeFileName,
  knowledgeOf,
  type KnowledgeFileInput,
  readKnowledgeFolder,
  validateKnowledgeFilesAsync,
} from './knowledge/load.js';
import type { Knowledge } from './knowledge/types.js';

/** Where replaced knowledge files are kept, inside the knowledge folder; the loader skips it. */
export const BACKUP_DIR = '.backups';

/** One loaded version of the knowledge with its index; replaced whole, never edited. */
export interface KnowledgeSnapshot {
  knowledge: Knowledge;
  index: SearchIndex;
  version: number;
  loadedAt: Date;
  /** The digest of the files this version was read from ({@link digestOfFiles}). */
  files: string;
}

/** The outcome of a reload: what changed, or why nothing did. */
export type ReloadOutcome =
  | {
      ok: true;
      sections: number;
      diff: KnowledgeDiff;
      ms: number;
      version: number;
      /** The answer threshold calibrated for the new knowledge. */
      threshold: number;
    }
  | { ok: false; error: KnowledgeError; ms: number };

/** What the knowledge would be with one file added or replaced, or why it cannot be. */
export type CheckOutcome =
  { ok: true; sections: number; diff: KnowledgeDiff } | { ok: false; error: KnowledgeError };

/** The outcome of installing a file: the reload's, plus where the previous version went. */
export type InstallOutcome = ReloadOutcome & {
  /** The backup of the replaced file, relative to the knowledge folder; none for a new file. */
  backup?: string;
};

/** Thrown for a file name that must not be written into the knowledge folder. */
export class KnowledgeFileNameError extends Error {
  override readonly name = 'KnowledgeFileNameError';
}

/** A change of the knowledge in use, as told to {@link KnowledgeStore.onChange} listeners. */
export type KnowledgeChange =
  | { kind: 'reload'; version: number }
  | { kind: 'install'; name: string; text: string; version: number };

/** Options of a reload or an install. */
export interface ChangeOptions {
  /** Tell no listener: the change came from elsewhere (another replica) and is only applied. */
  quiet?: boolean;
}

/** Builds the index of a knowledge version; asynchronous builders may yield to answers. */
export type IndexBuilder = (knowledge: Knowledge) => SearchIndex | Promise<SearchIndex>;

/**
 * Holds the knowledge the bot answers from. A reload reads and indexes the files beside the
 * current snapshot and swaps the reference only when everything is valid, so answers never see
 * a half-loaded state and a broken edit never replaces the good copy.
 */
export class KnowledgeStore {
  private snapshot: KnowledgeSnapshot;
  private pending: Promise<ReloadOutcome> | undefined;
  private readonly listeners = new Set<(change: KnowledgeChange) => void>();

  private constructor(
    readonly dir: string,
    snapshot: KnowledgeSnapshot,
    private readonly build: IndexBuilder,
  ) {
    this.snapshot = snapshot;
  }

  /** Loads `dir` for the first time; throws a {@link KnowledgeError} when it is not valid. */
  static async open(
    dir: string,
    build: IndexBuilder = (k) => buildSearchIndexAsync(k),
  ): Promise<KnowledgeStore> {
    const { knowledge, files } = await readAndValidate(dir);
    const index = await build(knowledge);
    return new KnowledgeStore(
      dir,
      { knowledge, index, version: 1, loadedAt: new Date(), files },
      build,
    );
  }

  /**
   * A store whose first version the caller has loaded and indexed itself, from the folder's
   * files as they are now (a start-up that found its prepared copy, say).
   */
  static withFirstVersion(
    dir: string,
    first: { knowledge: Knowledge; index: SearchIndex; files: string },
    build: IndexBuilder = (k) => buildSearchIndexAsync(k),
  ): KnowledgeStore {
    return new KnowledgeStore(dir, { ...first, version: 1, loadedAt: new Date() }, build);
  }

  /** The snapshot to answer from. Read it once per question, so one answer sees one version. */
  get current(): KnowledgeSnapshot {
    return this.snapshot;
  }

  /**
   * Reloads from disk. Concurrent calls share one reload: two admins pressing /reload at once,
   * or a SIGHUP during a /reload, read the files once.
   */
  reload(options: ChangeOptions = {}): Promise<ReloadOutcome> {
    this.pending ??= this.doReload()
      .then((outcome) => {
        if (outcome.ok && !options.quiet) this.tell({ kind: 'reload', version: outcome.version });
        return outcome;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /**
   * Calls `listener` after every successful reload and install, unless it was quiet; returns
   * the function that stops it. A throwing listener never fails the change.
   */
  onChange(listener: (change: KnowledgeChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(change: KnowledgeChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // the listener's own failure, reported by the listener
      }
    }
  }

  /**
   * Checks the folder as it would be with `name` holding `text`, with the loader's own
   * validation, and compares the result with the knowledge in use. Writes nothing.
   */
  async check(name: string, text: string): Promise<CheckOutcome> {
    this.assertFileName(name);
    let files: KnowledgeFileInput[];
    try {
      files = await readKnowledgeFolder(this.dir);
    } catch (error) {
      if (error instanceof KnowledgeError) return { ok: false, error };
      throw error;
    }
    // In slices, like a reload: checking an upload against thousands of files must not hold
    // up the answers.
    const checked = await validateKnowledgeFilesAsync(
      [...files.filter((f) => f.name !== name), { name, text }],
      this.dir,
    );
    if (!checked.ok) return { ok: false, error: new KnowledgeError(checked.problems) };
    return {
      ok: true,
      sections: checked.knowledge.sections.length,
      diff: await diffKnowledgeAsync(this.snapshot.knowledge, checked.knowledge),
    };
  }

  /**
   * Writes `name` into the folder and reloads. The file is checked first (nothing is written
   * when the result would not load); the previous version is copied to `.backups/` with the
   * time in its name; the new text goes to a temporary file in the folder, then is renamed
   * over the old one, so no reader ever sees half a file. Should the reload still fail (another
   * edit in the meantime), the previous version is put back.
   */
  async install(
    name: string,
    text: string,
    now: Date = new Date(),
    options: ChangeOptions = {},
  ): Promise<InstallOutcome> {
    const started = performance.now();
    const checked = await this.check(name, text);
    if (!checked.ok)
      return { ok: false, error: checked.error, ms: Math.round(performance.now() - started) };

    const target = path.join(this.dir, name);
    let backup: string | undefined;
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    try {
      await mkdir(path.join(this.dir, BACKUP_DIR), { recursive: true });
      backup = path.join(BACKUP_DIR, `${stamp}-${name}`);
      await backUp(target, path.join(this.dir, backup));
    } catch (error) {
      if (!isMissing(error)) throw error;
      backup = undefined;
    }
    await writeAtomically(target, text);

    const outcome = await this.freshReload();
    if (!outcome.ok) {
      if (backup === undefined) await rm(target, { force: true });
      else await restore(path.join(this.dir, backup), target);
    } else if (!options.quiet) {
      this.tell({ kind: 'install', name, text, version: outcome.version });
    }
    return backup === undefined ? outcome : { ...outcome, backup };
  }

  // A plain file name, or the name of a section file the loader itself read from the folder
  // (which may be written in any script, such as 01-营业时间.md).
  private assertFileName(name: string): void {
    if (isKnowledgeFileName(name)) return;
    if (this.snapshot.knowledge.sections.some((s) => s.file === name)) return;
    throw new KnowledgeFileNameError(`"${name}" is not a knowledge file name`);
  }

  // A reload that certainly reads the folder after now: one already running may have read it
  // before a file was written, so it is waited for rather than joined.
  private async freshReload(): Promise<ReloadOutcome> {
    while (this.pending) await this.pending.catch(() => undefined);
    // Quiet: the install tells its listeners itself, with the file.
    return this.reload({ quiet: true });
  }

  private async doReload(): Promise<ReloadOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const { knowledge, files } = await readAndValidate(this.dir);
      const index = await this.build(knowledge);
      const before = this.snapshot;
      // Before the swap: the reload summary is compared in slices, like the build.
      const diff = await diffKnowledgeAsync(before.knowledge, knowledge);
      this.snapshot = {
        knowledge,
        index,
        version: before.version + 1,
        loadedAt: new Date(),
        files,
      };
      return {
        ok: true,
        sections: knowledge.sections.length,
        diff,
        ms: elapsed(),
        version: this.snapshot.version,
        threshold: index.calibration.threshold,
      };
    } catch (error) {
      if (error instanceof KnowledgeError) return { ok: false, error, ms: elapsed() };
      throw error;
    }
  }
}

// What loadKnowledge does, keeping the digest of the files read.
async function readAndValidate(dir: string): Promise<{ knowledge: Knowledge; files: string }> {
  const files = await readKnowledgeFolder(dir);
  return { knowledge: await knowledgeOf(files, dir), files: await digestOfFiles(files) };
}

// Same folder, so the rename is atomic: a reader sees the old text or the new, never half.
export async function writeAtomically(target: string, text: string | Uint8Array): Promise<void> {
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

// A link is backed up as the link it is, never as the file it points to: copying through it
// would read whatever it leads to into the backups.
async function backUp(target: string, backup: string): Promise<void> {
  const info = await lstat(target);
  if (info.isSymbolicLink()) await symlink(await readlink(target), backup);
  else await copyFile(target, backup, constants.COPYFILE_EXCL);
}

// Puts a backup back in place of `target`: a link as a link, a file by an atomic rewrite.
async function restore(backup: string, target: string): Promise<void> {
  const info = await lstat(backup);
  if (!info.isSymbolicLink()) {
    await writeAtomically(target, await readFile(backup, 'utf8'));
    return;
  }
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  await symlink(await readlink(backup), temporary);
  await rename(temporary, target);
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
