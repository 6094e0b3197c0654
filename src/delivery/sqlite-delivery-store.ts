import path from 'node:path';
import type Database from 'better-sqlite3';
import { SqliteFile, type FileCheck } from '../sqlite-file.js';
import {
  DeliveryStoreError,
  type AcceptOutcome,
  type DeliveryStore,
  type InboxUpdate,
} from './delivery-store.js';

/** The database file inside DATA_DIR. */
export const DELIVERY_FILE = 'delivery.sqlite';

const SCHEMA_VERSION = 1;

// Times are milliseconds since the epoch. The update is kept as the JSON Telegram sent.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox (
  update_id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  accepted_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS answered (
  update_id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS answered_at ON answered (at);
`;

interface Statements {
  insert: Database.Statement<[number, string, number, number]>;
  isAnswered: Database.Statement<[number], { n: number }>;
  remove: Database.Statement<[number]>;
  remember: Database.Statement<[number, number]>;
  all: Database.Statement<[], { body: string }>;
  forget: Database.Statement<[number]>;
  countPending: Database.Statement<[], { n: number }>;
  countAnswered: Database.Statement<[], { n: number }>;
  accept: (batch: readonly { updates: readonly InboxUpdate[]; at: number }[]) => AcceptOutcome[][];
  answer: (answered: readonly (readonly [updateId: number, at: number])[]) => void;
}

/**
 * The delivery store in `<DATA_DIR>/delivery.sqlite`, beside the feedback file and apart from
 * it, so either can be reset alone. better-sqlite3 is synchronous and a commit takes
 * microseconds, so the promises resolve at once. WAL with `synchronous = NORMAL`: a commit is
 * in the write-ahead log, in the operating system's hands, before `accept` resolves, so it
 * survives any crash of the process (kill -9, out of memory); a power cut may lose the last
 * commits before a checkpoint. FULL would sync every commit to disk, on the event loop, two syncs
 * per update: a few milliseconds each, which would cut the bot's throughput several times.
 */
export class SqliteDeliveryStore implements DeliveryStore {
  private statements!: Statements;
  private acceptBatch: { updates: readonly InboxUpdate[]; at: number }[] = [];
  private acceptFlush: Promise<AcceptOutcome[][]> | undefined;
  private answeredBatch: [updateId: number, at: number][] = [];
  private answeredFlush: Promise<void> | undefined;
  private readonly database: SqliteFile;

  private constructor(file: string) {
    this.database = new SqliteFile(file, { onOpen: (db) => this.prepare(db) });
  }

  /** Opens (creating the folder, the file and the schema when missing) the store in `dataDir`. */
  static open(dataDir: string): SqliteDeliveryStore {
    const file = path.join(dataDir, DELIVERY_FILE);
    try {
      return new SqliteDeliveryStore(file);
    } catch (error) {
      if (error instanceof DeliveryStoreError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new DeliveryStoreError(`Cannot open the delivery database ${file}: ${reason}`);
    }
  }

  /** The database file, for logs and error messages. */
  get file(): string {
    return this.database.file;
  }

  /**
   * Accepts are committed together, as marks are: the webhook receives each update on a request
   * of its own, and those arriving in the same turn of the event loop share one transaction,
   * which resolves each caller with its own outcomes once it is committed.
   */
  async accept(updates: readonly InboxUpdate[], at: Date): Promise<AcceptOutcome[]> {
    const position = this.acceptBatch.push({ updates, at: at.getTime() }) - 1;
    this.acceptFlush ??= new Promise<AcceptOutcome[][]>((resolve, reject) => {
      setImmediate(() => {
        const batch = this.acceptBatch.splice(0);
        this.acceptFlush = undefined;
        try {
          resolve(this.statements.accept(batch));
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    return (await this.acceptFlush)[position] ?? [];
  }

  pending(): Promise<InboxUpdate[]> {
    return Promise.resolve(
      this.statements.all.all().map((row) => JSON.parse(row.body) as InboxUpdate),
    );
  }

  /**
   * Marks are committed together: those made in the same turn of the event loop share one
   * transaction, which resolves them all. Under load that is one commit for many answers.
   */
  markAnswered(updateId: number, at: Date): Promise<void> {
    this.answeredBatch.push([updateId, at.getTime()]);
    this.answeredFlush ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        const batch = this.answeredBatch.splice(0);
        this.answeredFlush = undefined;
        try {
          this.statements.answer(batch);
          resolve();
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    return this.answeredFlush;
  }

  forgetAnsweredBefore(cutoff: Date): Promise<number> {
    return Promise.resolve(this.statements.forget.run(cutoff.getTime()).changes);
  }

  counts(): Promise<{ pending: number; answered: number }> {
    return Promise.resolve({
      pending: this.statements.countPending.get()?.n ?? 0,
      answered: this.statements.countAnswered.get()?.n ?? 0,
    });
  }

  /** Puts the file back from the open copy when it was deleted (see {@link SqliteFile}). */
  ensureFile(): FileCheck {
    return this.database.ensureFile();
  }

  async close(): Promise<void> {
    // Accepts and marks still waiting for their commit go in before the file closes.
    await this.acceptFlush?.catch(() => undefined);
    await this.answeredFlush?.catch(() => undefined);
    this.database.close();
  }

  private prepare(db: Database.Database): void {
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new DeliveryStoreError(
        `${db.name} was written by a newer version of the bot (schema ${version}); update the bot`,
      );
    }
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
    const s = {
      // Stores an update neither answered nor in the inbox already: one statement for the
      // common case, a new update.
      insert: db.prepare(
        `INSERT OR IGNORE INTO inbox (update_id, body, accepted_at)
         SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM answered WHERE update_id = ?)`,
      ),
      isAnswered: db.prepare('SELECT COUNT(*) AS n FROM answered WHERE update_id = ?'),
      remove: db.prepare('DELETE FROM inbox WHERE update_id = ?'),
      remember: db.prepare('INSERT OR REPLACE INTO answered (update_id, at) VALUES (?, ?)'),
      all: db.prepare('SELECT body FROM inbox ORDER BY update_id'),
      forget: db.prepare('DELETE FROM answered WHERE at < ?'),
      countPending: db.prepare('SELECT COUNT(*) AS n FROM inbox'),
      countAnswered: db.prepare('SELECT COUNT(*) AS n FROM answered'),
    } as Omit<Statements, 'accept' | 'answer'>;
    this.statements = {
      ...s,
      accept: db.transaction((batch: readonly { updates: readonly InboxUpdate[]; at: number }[]) =>
        batch.map(({ updates, at }) =>
          updates.map((update): AcceptOutcome => {
            const id = update.update_id;
            if (s.insert.run(id, JSON.stringify(update), at, id).changes > 0) return 'stored';
            return (s.isAnswered.get(id)?.n ?? 0) > 0 ? 'answered' : 'pending';
          }),
        ),
      ),
      answer: db.transaction((answered: readonly (readonly [number, number])[]) => {
        for (const [updateId, at] of answered) {
          s.remove.run(updateId);
          s.remember.run(updateId, at);
        }
      }),
    };
  }
}
