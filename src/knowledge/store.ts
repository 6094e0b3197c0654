import { buildSearchIndexAsync, type SearchIndex } from '../match/search-index.js';
import { diffKnowledge, type KnowledgeDiff } from './diff.js';
import { KnowledgeError } from './errors.js';
import { loadKnowledge } from './load.js';
import type { Knowledge } from './types.js';

/** One loaded version of the knowledge with its index; replaced whole, never edited. */
export interface KnowledgeSnapshot {
  knowledge: Knowledge;
  index: SearchIndex;
  version: number;
  loadedAt: Date;
}

/** The outcome of a reload: what changed, or why nothing did. */
export type ReloadOutcome =
  | { ok: true; sections: number; diff: KnowledgeDiff; ms: number; version: number }
  | { ok: false; error: KnowledgeError; ms: number };

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
    const knowledge = await loadKnowledge(dir);
    const index = await build(knowledge);
    return new KnowledgeStore(dir, { knowledge, index, version: 1, loadedAt: new Date() }, build);
  }

  /** The snapshot to answer from. Read it once per question, so one answer sees one version. */
  get current(): KnowledgeSnapshot {
    return this.snapshot;
  }

  /**
   * Reloads from disk. Concurrent calls share one reload: two admins pressing /reload at once,
   * or a SIGHUP during a /reload, read the files once.
   */
  reload(): Promise<ReloadOutcome> {
    this.pending ??= this.doReload().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async doReload(): Promise<ReloadOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const knowledge = await loadKnowledge(this.dir);
      const index = await this.build(knowledge);
      const before = this.snapshot;
      this.snapshot = { knowledge, index, version: before.version + 1, loadedAt: new Date() };
      return {
        ok: true,
        sections: knowledge.sections.length,
        diff: diffKnowledge(before.knowledge, knowledge),
        ms: elapsed(),
        version: this.snapshot.version,
      };
    } catch (error) {
      if (error instanceof KnowledgeError) return { ok: false, error, ms: elapsed() };
      throw error;
    }
  }
}
