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
  insert: Database.Statement<[number, string, number]>;
  inInbox: Database.Statement<[number], { n: number }>;
  isAnswered: Database.Statement<[number], { n: number }>;
  remove: Database.Statement<[number]>;
  remember: Database.Statement<[number, number]>;
  all: Database.Statement<[], { body: string }>;
  forget: Database.Statement<[number]>;
  countPending: Database.Statement<[], { n: number }>;
  countAnswered: Database.Statement<[], { n: number }>;
  accept: (updates: readonly InboxUpdate[], at: number) => AcceptOutcome[];
  answer: (updateId: number, at: number) => void;
}

/**
 * The delivery store in `<DATA_DIR>/delivery.sqlite`, beside the feedback file and apart from
 * it, so either can be reset alone. better-sqlite3 is synchronous and a commit takes
 * microseconds, so the promises resolve at once. WAL with `synchronous = FULL`: a commit is on
 * disk before `accept` resolves, so it survives a crash of the machine as well as the process.
 */
export class SqliteDeliveryStore implements DeliveryStore {
  private statements!: Statements;
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

  accept(updates: readonly InboxUpdate[], at: Date): Promise<AcceptOutcome[]> {
    return Promise.resolve(this.statements.accept(updates, at.getTime()));
  }

  pending(): Promise<InboxUpdate[]> {
    return Promise.resolve(
      this.statements.all.all().map((row) => JSON.parse(row.body) as InboxUpdate),
    );
  }

  markAnswered(updateId: number, at: Date): Promise<void> {
    this.statements.answer(updateId, at.getTime());
    return Promise.resolve();
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

  close(): Promise<void> {
    this.database.close();
    return Promise.resolve();
  }

  private prepare(db: Database.Database): void {
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new DeliveryStoreError(
        `${db.name} was written by a newer version of the bot (schema ${version}); update the bot`,
      );
    }
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
    const s = {
      insert: db.prepare('INSERT INTO inbox (update_id, body, accepted_at) VALUES (?, ?, ?)'),
      inInbox: db.prepare('SELECT COUNT(*) AS n FROM inbox WHERE update_id = ?'),
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
      accept: db.transaction((updates: readonly InboxUpdate[], at: number) =>
        updates.map((update): AcceptOutcome => {
          const id = update.update_id;
          if ((s.isAnswered.get(id)?.n ?? 0) > 0) return 'answered';
          if ((s.inInbox.get(id)?.n ?? 0) > 0) return 'pending';
          s.insert.run(id, JSON.stringify(update), at);
          return 'stored';
        }),
      ),
      answer: db.transaction((updateId: number, at: number) => {
        s.remove.run(updateId);
        s.remember.run(updateId, at);
      }),
    };
  }
}
