import { Worker } from 'node:worker_threads';
import type { KnowledgeSnapshot } from '../knowledge-store.js';
import type { Knowledge, Section } from '../knowledge/types.js';
import type { Logger } from '../logger.js';
import type { Calibration } from '../match/calibrate.js';
import {
  matchQuestion,
  type MatchOptions,
  type MatchResult,
  type ScoredSection,
} from '../match/match-question.js';
import { buildSearchIndexAsync, type SearchIndex } from '../match/search-index.js';
import type { ScoredId, ThreadReply, ThreadRequest } from './protocol.js';

// About two milliseconds of copying per post.
const SECTIONS_PER_POST = 250;

/** Matches a question against one knowledge snapshot. */
export interface QuestionMatcher {
  match(snapshot: KnowledgeSnapshot, question: string, options: MatchOptions): Promise<MatchResult>;
}

// Bundled (dist/bundle/program.cjs), the thread runs the bundle beside it, of the same build;
// compiled (dist/*.js), its compiled file; from source it needs the TypeScript loader
// registered first, which the .mjs entry does.
const WORKER_ENTRY = import.meta.url.endsWith('.cjs')
  ? './matcher-worker.cjs'
  : import.meta.url.endsWith('.js')
    ? './matcher-worker.js'
    : './matcher-worker-entry.mjs';

/** Matches on the calling thread: the console chat, the tests, and every fallback. */
export const inProcessMatcher: QuestionMatcher = {
  match: async (snapshot, question, options) => matchQuestion(snapshot.index, question, options),
};

export interface ThreadMatcherOptions {
  logger?: Logger;
  /** A question the thread has not answered by then is matched on the calling thread. */
  timeoutMs?: number;
  /** The least time between two starts of the thread after it died. */
  restartDelayMs?: number;
}

interface Pending {
  resolve: (reply: ThreadReply | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * Runs the matcher on a thread of its own. The matcher is the one CPU-heavy step of an answer;
 * on the event loop it delays every other update's network work, on a second core it does not.
 * The thread keeps its own index of the snapshot it was last sent. Whenever it cannot answer
 * (starting, loading a new version after a reload, dead, too slow), the question is matched on
 * the calling thread: same answer, only slower, so no question ever waits on the thread.
 */
export class ThreadMatcher implements QuestionMatcher {
  private worker: Worker | undefined;
  private loadedVersion: number | undefined;
  private loadingVersion: number | undefined;
  private readonly pending = new Map<number, Pending>();
  private waiters: { version: number; resolve: (loaded: boolean) => void }[] = [];
  // Builds the thread is calibrating for a reload, by transfer; and the knowledge each
  // finished one was for, so that the snapshot made of it is adopted rather than sent again.
  private readonly builds = new Map<number, (calibration: Calibration | undefined) => void>();
  private staged = new WeakMap<Knowledge, { worker: Worker; transfer: number }>();
  private adopting: KnowledgeSnapshot | undefined;
  private nextId = 0;
  private nextTransfer = 0;
  private lastStart = -Infinity;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly restartDelayMs: number;

  constructor(private readonly options: ThreadMatcherOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.restartDelayMs = options.restartDelayMs ?? 5000;
  }

  /** Questions matched on the thread, and on the calling thread instead, since the start. */
  readonly counts = { onThread: 0, inProcess: 0 };

  /** Sections posted to the thread since the start: a staged build is adopted, not sent again. */
  readonly posted = { sections: 0 };

  /**
   * Starts the thread and sends it `snapshot`, so that the first questions need not fall
   * back; resolves true once the thread holds it, false if it cannot.
   */
  prepare(snapshot: KnowledgeSnapshot): Promise<boolean> {
    if (this.ensureLoaded(snapshot)) return Promise.resolve(true);
    if (this.loadingVersion !== snapshot.version) return Promise.resolve(false);
    return new Promise((resolve) => this.waiters.push({ version: snapshot.version, resolve }));
  }

  /**
   * The knowledge store's index builder while the thread runs: the thread indexes and
   * calibrates the new knowledge (staged until its snapshot is first asked about), then this
   * thread indexes it without calibrating and takes the thread's calibration, which is the
   * same, being pure. Calibrating builds several indexes more; off this event loop, their
   * garbage no longer holds up the answers with long collections. Should the thread be
   * unavailable or die meanwhile, the whole build runs here, as without a thread.
   */
  readonly buildIndex = async (knowledge: Knowledge): Promise<SearchIndex> => {
    const worker = this.closed ? undefined : (this.worker ?? this.start());
    if (!worker) return buildSearchIndexAsync(knowledge);
    const transfer = ++this.nextTransfer;
    const calibrated = new Promise<Calibration | undefined>((resolve) =>
      this.builds.set(transfer, resolve),
    );
    const { synonyms, languages } = knowledge;
    this.sendParts(worker, transfer, knowledge.sections, () => this.worker === worker)
      .then((sent) => {
        if (sent) this.post({ type: 'build', transfer, synonyms, languages });
        else this.settleBuild(transfer, undefined);
      })
      .catch((error: unknown) => {
        this.options.logger?.error({ err: error }, 'matcher thread build failed');
        this.settleBuild(transfer, undefined);
      });
    // Indexed here only once the thread has calibrated: meanwhile this heap holds one index
    // (the one answering), not two, so its full collections stay short.
    const calibration = await calibrated;
    if (!calibration) {
      this.options.logger?.warn('matcher thread unavailable; calibrating in process');
      return buildSearchIndexAsync(knowledge);
    }
    // Given the calibration, the build only indexes, and reuses the unchanged sections' analyses.
    const index = await buildSearchIndexAsync(knowledge, { calibration });
    this.staged.set(knowledge, { worker, transfer });
    return index;
  };

  async match(
    snapshot: KnowledgeSnapshot,
    question: string,
    options: MatchOptions,
  ): Promise<MatchResult> {
    if (this.ensureLoaded(snapshot)) {
      const reply = await this.ask(snapshot, question, options);
      if (reply?.type === 'matched' && reply.version === snapshot.version) {
        const result = toResult(snapshot, reply);
        if (result) {
          this.counts.onThread++;
          return result;
        }
      }
    }
    this.counts.inProcess++;
    return matchQuestion(snapshot.index, question, options);
  }

  /** Stops the thread; later questions are matched on the calling thread. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.stopped();
    await worker?.terminate();
  }

  // True when the thread holds `snapshot` (it keeps answering for it while it indexes a newer
  // one); otherwise starts it or sends the snapshot, for the questions after this one. Only a
  // version newer than the one loading is sent: a question that read the snapshot just
  // before a reload must not send the thread back to it.
  private ensureLoaded(snapshot: KnowledgeSnapshot): boolean {
    if (this.closed) return false;
    const worker = this.worker ?? this.start();
    if (!worker) return false;
    if (this.loadedVersion === snapshot.version) return true;
    if (this.loadingVersion === undefined || this.loadingVersion < snapshot.version) {
      this.loadingVersion = snapshot.version;
      const staged = this.staged.get(snapshot.knowledge);
      if (staged?.worker === worker) {
        this.adopting = snapshot;
        this.post({ type: 'adopt', transfer: staged.transfer, version: snapshot.version });
        return false;
      }
      this.sendOrStop(worker, snapshot);
    }
    return false;
  }

  // A snapshot that cannot be sent is treated as a thread failure: the thread is stopped, the
  // questions are matched in process, and a later one starts it again.
  private sendOrStop(worker: Worker, snapshot: KnowledgeSnapshot): void {
    this.send(worker, snapshot).catch((error: unknown) => {
      this.options.logger?.error({ err: error }, 'matcher thread load failed; matching in process');
      void worker.terminate();
    });
  }

  // Sends the snapshot for the thread to index, with the calibration it already has. Stops
  // when a newer version or another thread takes over.
  private async send(worker: Worker, snapshot: KnowledgeSnapshot): Promise<void> {
    const { sections, synonyms, languages } = snapshot.knowledge;
    const { version } = snapshot;
    const transfer = ++this.nextTransfer;
    const current = () => this.worker === worker && this.loadingVersion === version;
    if (!(await this.sendParts(worker, transfer, sections, current))) return;
    this.post({
      type: 'load',
      transfer,
      version,
      synonyms,
      languages,
      calibration: snapshot.index.calibration,
    });
  }

  // Posts sections in parts, giving the event loop back between them: one post of ten
  // thousand sections would copy them all in one go. False when `current` stops holding.
  private async sendParts(
    worker: Worker,
    transfer: number,
    sections: readonly Section[],
    current: () => boolean,
  ): Promise<boolean> {
    for (let at = 0; at < sections.length; at += SECTIONS_PER_POST) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve));
      if (!current()) return false;
      this.posted.sections += Math.min(SECTIONS_PER_POST, sections.length - at);
      worker.postMessage({
        type: 'load-part',
        transfer,
        sections: sections.slice(at, at + SECTIONS_PER_POST),
      } satisfies ThreadRequest);
    }
    return current();
  }

  private start(): Worker | undefined {
    if (performance.now() - this.lastStart < this.restartDelayMs) return undefined;
    this.lastStart = performance.now();
    this.loadedVersion = undefined;
    this.loadingVersion = undefined;
    this.staged = new WeakMap();
    const worker = new Worker(new URL(WORKER_ENTRY, import.meta.url));
    // The thread never keeps the process alive: shutting down is the bot's decision.
    worker.unref();
    worker.on('message', (reply: ThreadReply) => this.onReply(reply));
    worker.on('error', (error) =>
      this.options.logger?.error({ err: error }, 'matcher thread failed; matching in process'),
    );
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.stopped();
    });
    this.worker = worker;
    return worker;
  }

  // The thread is gone: every question waiting on it is matched in process.
  private stopped(): void {
    for (const [id, pending] of this.pending) this.settle(id, pending, undefined);
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters = [];
    for (const transfer of [...this.builds.keys()]) this.settleBuild(transfer, undefined);
  }

  private settleBuild(transfer: number, calibration: Calibration | undefined): void {
    this.builds.get(transfer)?.(calibration);
    this.builds.delete(transfer);
  }

  private post(request: ThreadRequest): void {
    this.worker?.postMessage(request);
  }

  private ask(
    snapshot: KnowledgeSnapshot,
    question: string,
    options: MatchOptions,
  ): Promise<ThreadReply | undefined> {
    return new Promise((resolve) => {
      const id = ++this.nextId;
      const timer = setTimeout(() => {
        const pending = this.pending.get(id);
        if (pending) this.settle(id, pending, undefined);
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.post({ type: 'match', id, version: snapshot.version, question, options });
    });
  }

  private onReply(reply: ThreadReply): void {
    if (reply.type === 'built') {
      this.settleBuild(reply.transfer, reply.calibration);
      return;
    }
    if (reply.type === 'unstaged') {
      // The build is gone: the snapshot is sent in full instead.
      const snapshot = this.adopting;
      const worker = this.worker;
      if (worker && snapshot?.version === reply.version && reply.version === this.loadingVersion)
        this.sendOrStop(worker, snapshot);
      return;
    }
    if (reply.type === 'loaded') {
      if (reply.version === this.loadingVersion) this.loadedVersion = reply.version;
      const ready = this.waiters.filter((w) => w.version <= reply.version);
      this.waiters = this.waiters.filter((w) => w.version > reply.version);
      for (const waiter of ready) waiter.resolve(waiter.version === this.loadedVersion);
      return;
    }
    const pending = this.pending.get(reply.id);
    if (pending) this.settle(reply.id, pending, reply);
  }

  private settle(id: number, pending: Pending, reply: ThreadReply | undefined): void {
    clearTimeout(pending.timer);
    this.pending.delete(id);
    pending.resolve(reply);
  }
}

// Maps the thread's ids back to the snapshot's sections; undefined should one be missing.
function toResult(
  snapshot: KnowledgeSnapshot,
  reply: Extract<ThreadReply, { type: 'matched' }>,
): MatchResult | undefined {
  const byId = sectionsById(snapshot);
  const scored = (s: ScoredId): ScoredSection | undefined => {
    const section = byId.get(s.id);
    return section && { section, score: s.score };
  };
  const section = reply.section === undefined ? undefined : byId.get(reply.section);
  const best = reply.best && scored(reply.best);
  const alternatives = reply.alternatives.map(scored);
  if ((reply.section !== undefined && !section) || (reply.best && !best)) return undefined;
  if (alternatives.some((a) => a === undefined)) return undefined;
  return {
    section,
    score: reply.score,
    best,
    alternatives: alternatives as ScoredSection[],
    lang: reply.lang,
  };
}

const sectionMaps = new WeakMap<KnowledgeSnapshot, Map<string, Section>>();

function sectionsById(snapshot: KnowledgeSnapshot): Map<string, Section> {
  let map = sectionMaps.get(snapshot);
  if (!map) {
    map = new Map(snapshot.knowledge.sections.map((s) => [s.id, s]));
    sectionMaps.set(snapshot, map);
  }
  return map;
}
