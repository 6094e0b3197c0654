import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { z } from 'zod';
import { isKnowledgeFileName } from '../knowledge/load.js';
import { writeAtomically, type KnowledgeChange, type KnowledgeStore } from '../knowledge-store.js';
import type { Logger } from '../logger.js';
import type { ReplicaLink } from './replica-link.js';

/** The channel replicas tell each other about knowledge changes on. */
export const KNOWLEDGE_CHANNEL = 'esim_faq_knowledge';

const eventSchema = z.object({
  origin: z.number().int(),
  kind: z.enum(['reload', 'install']),
  name: z.string().optional(),
});

/** A knowledge change as sent between replicas: who, what, and the file (its text is in the table). */
export type KnowledgeEvent = z.infer<typeof eventSchema>;

/**
 * Writes the knowledge files admins uploaded (kept in the database) into the local folder,
 * before the knowledge is loaded: a new or restarted replica starts from what the others serve.
 * Returns the names it wrote; files already the same are left alone.
 */
export async function restoreKnowledgeFiles(
  pool: pg.Pool,
  dir: string,
  logger: Logger,
): Promise<string[]> {
  const { rows } = await pool.query<{ name: string; text: string }>(
    'SELECT name, text FROM knowledge_files ORDER BY name',
  );
  const written: string[] = [];
  for (const row of rows) {
    if (!isKnowledgeFileName(row.name)) continue;
    const target = path.join(dir, row.name);
    const local = await readFile(target, 'utf8').catch(() => undefined);
    if (local === row.text) continue;
    await writeAtomically(target, row.text);
    written.push(row.name);
  }
  if (written.length > 0)
    logger.info({ files: written }, 'uploaded knowledge files restored from the database');
  return written;
}

/**
 * Keeps the replicas' knowledge the same. A reload (SIGHUP, /reload) or a confirmed upload on
 * one replica is sent to the others with NOTIFY; an uploaded file is stored in the database
 * first, so every replica, also one started later, reads it from there. Each replica applies
 * what it is told quietly (it tells nobody back), one change at a time, in the order sent.
 */
export class SharedKnowledge {
  private applying: Promise<void> = Promise.resolve();
  private stopListening: () => void = () => undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly link: ReplicaLink,
    private readonly store: KnowledgeStore,
    private readonly logger: Logger,
  ) {}

  static async start(
    pool: pg.Pool,
    link: ReplicaLink,
    store: KnowledgeStore,
    logger: Logger,
  ): Promise<SharedKnowledge> {
    const shared = new SharedKnowledge(pool, link, store, logger);
    await link.listen(KNOWLEDGE_CHANNEL, (payload) => shared.receive(payload));
    shared.stopListening = store.onChange((change) => void shared.publish(change));
    return shared;
  }

  /** Settles once every change received so far is applied (for tests and shutdown). */
  settled(): Promise<void> {
    return this.applying;
  }

  stop(): void {
    this.stopListening();
  }

  private async publish(change: KnowledgeChange): Promise<void> {
    try {
      if (change.kind === 'install') {
        await this.pool.query(
          `INSERT INTO knowledge_files (name, text, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (name) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
          [change.name, change.text],
        );
      }
      const event: KnowledgeEvent = {
        origin: this.link.replicaId,
        kind: change.kind,
        ...(change.kind === 'install' ? { name: change.name } : {}),
      };
      await this.link.notify(KNOWLEDGE_CHANNEL, JSON.stringify(event));
      this.logger.info(
        { kind: change.kind, version: change.version },
        'knowledge change sent to the other replicas',
      );
    } catch (error) {
      this.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'knowledge change not sent to the other replicas; they keep their version until theirs reload',
      );
    }
  }

  private receive(payload: string): void {
    let event: KnowledgeEvent;
    try {
      event = eventSchema.parse(JSON.parse(payload));
    } catch {
      this.logger.warn('ignored a malformed knowledge notification');
      return;
    }
    if (event.origin === this.link.replicaId) return;
    this.applying = this.applying.then(() => this.apply(event));
  }

  private async apply(event: KnowledgeEvent): Promise<void> {
    try {
      let outcome;
      if (event.kind === 'install' && event.name !== undefined) {
        const { rows } = await this.pool.query<{ text: string }>(
          'SELECT text FROM knowledge_files WHERE name = $1',
          [event.name],
        );
        const text = rows[0]?.text;
        if (text === undefined) return;
        outcome = await this.store.install(event.name, text, new Date(), { quiet: true });
      } else {
        outcome = await this.store.reload({ quiet: true });
      }
      if (outcome.ok)
        this.logger.info(
          { from: event.origin, kind: event.kind, version: outcome.version, ...outcome.diff },
          'knowledge change of another replica applied',
        );
      else
        this.logger.warn(
          { from: event.origin, kind: event.kind, errors: outcome.error.problems.length },
          'knowledge change of another replica rejected here; previous version kept',
        );
    } catch (error) {
      this.logger.error(
        { from: event.origin, err: error instanceof Error ? error.message : String(error) },
        'knowledge change of another replica failed',
      );
    }
  }
}
