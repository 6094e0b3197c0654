import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Which file a database handle has open, to notice when the path no longer leads to it. */
interface FileIdentity {
  dev: number;
  ino: number;
}

/** What {@link SqliteFile.ensureFile} found. */
export type FileCheck = 'intact' | 'recreated';

/** Thrown when the file on disk is not the one open any more and cannot be put back. */
export class SqliteFileError extends Error {
  override readonly name = 'SqliteFileError';
}

/**
 * One SQLite file of the bot's own (in DATA_DIR), in WAL mode, that notices being deleted.
 *
 * A deleted file stays readable and writable through the open handle, so nothing fails: the bot
 * would silently write into a file nobody can see, lost at the next start. `ensureFile` checks
 * the path still leads to the open file; when it is gone, the open copy, which has everything, is
 * written back to the path with `VACUUM INTO` and reopened there, so nothing is lost. A path that
 * leads to another file (restored from a backup, say) is left alone and reported.
 */
export class SqliteFile {
  private handle: Database.Database;
  private identity: FileIdentity | undefined;

  constructor(
    readonly file: string,
    private readonly options: { mustExist?: boolean; onOpen: (db: Database.Database) => void },
  ) {
    if (!options.mustExist) mkdirSync(path.dirname(file), { recursive: true });
    this.handle = this.open();
  }

  get db(): Database.Database {
    return this.handle;
  }

  get isOpen(): boolean {
    return this.handle.open;
  }

  ensureFile(): FileCheck {
    if (!this.handle.open || this.identity === undefined) return 'intact';
    const now = identityOf(this.file);
    if (now && now.dev === this.identity.dev && now.ino === this.identity.ino) return 'intact';
    if (now) {
      throw new SqliteFileError(
        `${this.file} was replaced by another file while the bot ran: restart the bot to use it`,
      );
    }
    mkdirSync(path.dirname(this.file), { recursive: true });
    this.handle.prepare('VACUUM INTO ?').run(this.file);
    // Closing checkpoints into the deleted file and removes its -wal and -shm by name, before the
    // new file opens its own.
    this.handle.close();
    this.handle = this.open();
    return 'recreated';
  }

  close(): void {
    if (this.handle.open) this.handle.close();
  }

  private open(): Database.Database {
    const db = new Database(this.file, { fileMustExist: this.options.mustExist ?? false });
    try {
      db.pragma('journal_mode = WAL');
      // Another process (the report, a second instance during a restart) may hold the lock briefly.
      db.pragma('busy_timeout = 5000');
      this.identity = identityOf(this.file);
      this.options.onOpen(db);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }
}

function identityOf(file: string): FileIdentity | undefined {
  try {
    const info = statSync(file);
    return { dev: info.dev, ino: info.ino };
  } catch {
    return undefined;
  }
}
