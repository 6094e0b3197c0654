import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Lang } from '../knowledge/types.js';
import { SqliteFile, type FileCheck } from '../sqlite-file.js';
import {
  capQuestion,
  FeedbackStoreError,
  voterHash,
  type FeedbackStore,
  type FeedbackSummary,
  type DecisionInput,
  type PruneResult,
  type QuestionRecord,
  type StoredQuestion,
  type SuggestedWording,
  type SuggestionInput,
  type SuggestionOutcome,
  type WordingDecision,
  type UnansweredQuestion,
  type VoteInput,
  type VoteOutcome,
} from './feedback-store.js';

/** The database file inside DATA_DIR. */
export const FEEDBACK_FILE = 'feedback.sqlite';

// 2: questions.delivered, 0 when Telegram refused the answer (the bot was blocked, say).
// 3: suggested wordings and the admins' decisions on them (new tables only).
const SCHEMA_VERSION = 3;

// Times are milliseconds since the epoch: they compare and index as plain integers.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS questions (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  text TEXT NOT NULL,
  lang TEXT NOT NULL,
  best_section TEXT,
  score REAL NOT NULL,
  answered INTEGER NOT NULL CHECK (answered IN (0, 1)),
  chat_type TEXT NOT NULL,
  delivered INTEGER NOT NULL DEFAULT 1 CHECK (delivered IN (0, 1))
);
CREATE INDEX IF NOT EXISTS questions_at ON questions (at);
CREATE INDEX IF NOT EXISTS questions_unanswered ON questions (answered, at);
CREATE TABLE IF NOT EXISTS votes (
  question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  voter TEXT NOT NULL,
  section_id TEXT NOT NULL,
  value INTEGER NOT NULL CHECK (value IN (-1, 1)),
  at INTEGER NOT NULL,
  PRIMARY KEY (question_id, voter)
);
CREATE INDEX IF NOT EXISTS votes_at ON votes (at);
CREATE TABLE IF NOT EXISTS suggestions (
  question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  section_id TEXT NOT NULL,
  source TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (question_id, section_id)
);
CREATE INDEX IF NOT EXISTS suggestions_at ON suggestions (at);
CREATE TABLE IF NOT EXISTS wording_decisions (
  key TEXT PRIMARY KEY,
  decision TEXT NOT NULL CHECK (decision IN ('added', 'dismissed')),
  section_id TEXT,
  at INTEGER NOT NULL
);
`;

interface QuestionRow {
  best_section: string | null;
  answered: number;
}

/** Options of {@link SqliteFeedbackStore.open}. */
export interface SqliteOpenOptions {
  /** Fail instead of creating the folder and the file (the report reads, never creates). */
  mustExist?: boolean;
}

/**
 * The feedback store in one SQLite file, `<DATA_DIR>/feedback.sqlite`, in WAL mode so that the
 * report can read while the bot writes. better-sqlite3 is synchronous; its calls take
 * microseconds, so the promises of the interface resolve at once, except those of recorded
 * questions, which resolve when the turn's questions are committed together.
 */
export class SqliteFeedbackStore implements FeedbackStore {
  private insertQuestions!: (batch: readonly QuestionRecord[]) => number[];
  private questionBatch: QuestionRecord[] = [];
  private questionFlush: Promise<number[]> | undefined;
  private selectQuestion!: Database.Statement<[number], QuestionRow>;
  private selectVote!: Database.Statement<[number, string], { value: number }>;
  private upsertVote!: Database.Statement<[number, string, string, number, number]>;
  private countQuestions!: Database.Statement<
    [number],
    { questions: number; answered: number | null }
  >;
  private countBySection!: Database.Statement<[number], { sectionId: string; count: number }>;
  private countVotes!: Database.Statement<
    [number],
    { sectionId: string; up: number; down: number }
  >;
  private selectUnanswered!: Database.Statement<
    [number, number],
    { text: string; at: number; lang: Lang; best_section: string | null }
  >;
  private selectQuestionText!: Database.Statement<
    [number],
    { text: string; lang: Lang; best_section: string | null; answered: number }
  >;
  private insertSuggestion!: Database.Statement<[number, string, string, number]>;
  private selectSuggestions!: Database.Statement<
    [number, number],
    { text: string; lang: Lang; sectionId: string; count: number; lastAt: number }
  >;
  private upsertDecision!: Database.Statement<[string, WordingDecision, string | null, number]>;
  private selectDecisions!: Database.Statement<
    [],
    { key: string; decision: WordingDecision; section_id: string | null; at: number }
  >;
  private deleteQuestions!: Database.Statement<[number]>;
  private deleteVotes!: Database.Statement<[number]>;
  private countAllVotes!: Database.Statement<[], { n: number }>;
  private vote!: (input: VoteInput) => VoteOutcome;
  private markUndelivered!: Database.Statement<[number]>;
  private salt!: string;

  private readonly database: SqliteFile;

  private constructor(file: string, mustExist: boolean) {
    this.database = new SqliteFile(file, { mustExist, onOpen: (db) => this.prepare(db) });
  }

  /** The database file, for logs and error messages. */
  get file(): string {
    return this.database.file;
  }

  private get db(): Database.Database {
    return this.database.db;
  }

  /** Puts the file back from the open copy when it was deleted (see {@link SqliteFile}). */
  ensureFile(): FileCheck {
    return this.database.ensureFile();
  }

  // Runs on every open of the file: at start, and after the file was put back.
  private prepare(db: Database.Database): void {
    // As in the delivery store: a commit is in the write-ahead log, in the operating system's
    // hands, when it returns, so it survives any crash of the process; only a power cut may lose
    // the last commits before a checkpoint. FULL synced the log to disk on every recorded
    // question, a few milliseconds on the event loop before each answer could go out.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.exec(SCHEMA);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new FeedbackStoreError(
        `${db.name} was written by a newer version of the bot (schema ${version}); update the bot`,
      );
    }
    if (version < SCHEMA_VERSION) {
      const columns = db.prepare('PRAGMA table_info(questions)').all() as { name: string }[];
      if (!columns.some((c) => c.name === 'delivered'))
        db.exec('ALTER TABLE questions ADD COLUMN delivered INTEGER NOT NULL DEFAULT 1');
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    this.markUndelivered = db.prepare('UPDATE questions SET delivered = 0 WHERE id = ?');
    this.salt = this.loadSalt(db);

    const insertQuestion = db.prepare<
      [number, string, Lang, string | null, number, number, string]
    >(
      'INSERT INTO questions (at, text, lang, best_section, score, answered, chat_type) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertQuestions = db.transaction((batch: readonly QuestionRecord[]) =>
      batch.map((question) =>
        Number(
          insertQuestion.run(
            question.at.getTime(),
            capQuestion(question.text),
            question.lang,
            question.bestSection ?? null,
            question.score,
            question.answered ? 1 : 0,
            question.chatType,
          ).lastInsertRowid,
        ),
      ),
    );
    this.selectQuestion = db.prepare('SELECT best_section, answered FROM questions WHERE id = ?');
    this.selectVote = db.prepare('SELECT value FROM votes WHERE question_id = ? AND voter = ?');
    this.upsertVote = db.prepare(
      `INSERT INTO votes (question_id, voter, section_id, value, at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (question_id, voter) DO UPDATE SET value = excluded.value, at = excluded.at`,
    );
    this.countQuestions = db.prepare(
      'SELECT COUNT(*) AS questions, SUM(answered) AS answered FROM questions WHERE at >= ? AND delivered = 1',
    );
    this.countBySection = db.prepare(
      `SELECT best_section AS sectionId, COUNT(*) AS count FROM questions
       WHERE at >= ? AND answered = 1 AND delivered = 1 AND best_section IS NOT NULL
       GROUP BY best_section ORDER BY count DESC, sectionId`,
    );
    this.countVotes = db.prepare(
      `SELECT section_id AS sectionId, SUM(value = 1) AS up, SUM(value = -1) AS down FROM votes
       WHERE at >= ? GROUP BY section_id ORDER BY sectionId`,
    );
    this.selectUnanswered = db.prepare(
      'SELECT text, at, lang, best_section FROM questions WHERE answered = 0 AND delivered = 1 AND at >= ? ORDER BY at DESC, id DESC LIMIT ?',
    );
    this.selectQuestionText = db.prepare(
      'SELECT text, lang, best_section, answered FROM questions WHERE id = ?',
    );
    // Once per question and section: the same press twice is one suggestion.
    this.insertSuggestion = db.prepare(
      `INSERT INTO suggestions (question_id, section_id, source, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (question_id, section_id) DO NOTHING`,
    );
    this.selectSuggestions = db.prepare(
      `SELECT q.text AS text, MIN(q.lang) AS lang, s.section_id AS sectionId, COUNT(*) AS count,
              MAX(s.at) AS lastAt
       FROM suggestions s JOIN questions q ON q.id = s.question_id
       WHERE s.at >= ? GROUP BY q.text, s.section_id
       ORDER BY count DESC, lastAt DESC LIMIT ?`,
    );
    this.upsertDecision = db.prepare(
      `INSERT INTO wording_decisions (key, decision, section_id, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET decision = excluded.decision,
         section_id = excluded.section_id, at = excluded.at`,
    );
    this.selectDecisions = db.prepare(
      'SELECT key, decision, section_id, at FROM wording_decisions',
    );
    this.deleteQuestions = db.prepare('DELETE FROM questions WHERE at < ?');
    this.deleteVotes = db.prepare('DELETE FROM votes WHERE at < ?');
    this.countAllVotes = db.prepare('SELECT COUNT(*) AS n FROM votes');

    // Read and write in one transaction, so two quick presses cannot both count as the first.
    this.vote = db.transaction((input: VoteInput): VoteOutcome => {
      const question = this.selectQuestion.get(input.questionId);
      if (!question || question.answered !== 1 || question.best_section === null)
        return { status: 'unknown' };
      const voter = voterHash(this.salt, input.userId);
      const before = this.selectVote.get(input.questionId, voter)?.value;
      const sectionId = question.best_section;
      if (before === input.value) return { status: 'unchanged', sectionId };
      this.upsertVote.run(input.questionId, voter, sectionId, input.value, input.at.getTime());
      return { status: before === undefined ? 'recorded' : 'changed', sectionId };
    });
  }

  /**
   * Opens (creating the folder, the file and the schema when missing) the store in `dataDir`.
   * Throws a {@link FeedbackStoreError} naming the file when it cannot be used.
   */
  static open(dataDir: string, options: SqliteOpenOptions = {}): SqliteFeedbackStore {
    const file = path.join(dataDir, FEEDBACK_FILE);
    if (options.mustExist && !existsSync(file))
      throw new FeedbackStoreError(
        `No feedback database at ${file}: the bot creates it when it starts (check DATA_DIR)`,
      );
    try {
      return new SqliteFeedbackStore(file, options.mustExist ?? false);
    } catch (error) {
      if (error instanceof FeedbackStoreError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new FeedbackStoreError(`Cannot open the feedback database ${file}: ${reason}`);
    }
  }

  /**
   * Questions are committed together, as the delivery store's marks are: those recorded in the
   * same turn of the event loop share one transaction, which resolves each with its own id.
   * Under load that is one commit for many questions instead of one each.
   */
  async recordQuestion(question: QuestionRecord): Promise<number> {
    const position = this.questionBatch.push(question) - 1;
    this.questionFlush ??= new Promise<number[]>((resolve, reject) => {
      setImmediate(() => {
        const batch = this.questionBatch.splice(0);
        this.questionFlush = undefined;
        try {
          resolve(this.insertQuestions(batch));
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    const ids = await this.questionFlush;
    return ids[position] as number;
  }

  markNotDelivered(questionId: number): Promise<void> {
    this.markUndelivered.run(questionId);
    return Promise.resolve();
  }

  recordVote(vote: VoteInput): Promise<VoteOutcome> {
    return Promise.resolve(this.vote(vote));
  }

  summary(since: Date): Promise<FeedbackSummary> {
    const at = since.getTime();
    const counts = this.countQuestions.get(at);
    return Promise.resolve({
      questions: counts?.questions ?? 0,
      answered: counts?.answered ?? 0,
      answeredBySection: this.countBySection.all(at),
      votes: this.countVotes.all(at),
    });
  }

  unansweredSince(since: Date, limit: number): Promise<UnansweredQuestion[]> {
    const rows = this.selectUnanswered.all(since.getTime(), limit);
    return Promise.resolve(
      rows.map((row) => ({
        text: row.text,
        at: new Date(row.at),
        lang: row.lang,
        bestSection: row.best_section ?? undefined,
      })),
    );
  }

  question(id: number): Promise<StoredQuestion | undefined> {
    const row = this.selectQuestionText.get(id);
    return Promise.resolve(
      row && {
        text: row.text,
        lang: row.lang,
        bestSection: row.best_section ?? undefined,
        answered: row.answered === 1,
      },
    );
  }

  recordSuggestion(input: SuggestionInput): Promise<SuggestionOutcome> {
    if (!this.selectQuestionText.get(input.questionId))
      return Promise.resolve({ status: 'unknown' });
    const info = this.insertSuggestion.run(
      input.questionId,
      input.sectionId,
      input.source,
      input.at.getTime(),
    );
    return Promise.resolve({ status: info.changes > 0 ? 'recorded' : 'unchanged' });
  }

  suggestionsSince(since: Date, limit: number): Promise<SuggestedWording[]> {
    return Promise.resolve(
      this.selectSuggestions
        .all(since.getTime(), limit)
        .map((row) => ({ ...row, lastAt: new Date(row.lastAt) })),
    );
  }

  recordDecision(decision: DecisionInput): Promise<void> {
    this.upsertDecision.run(
      decision.key,
      decision.decision,
      decision.sectionId ?? null,
      decision.at.getTime(),
    );
    return Promise.resolve();
  }

  decisions(): Promise<Map<string, DecisionInput>> {
    return Promise.resolve(
      new Map(
        this.selectDecisions.all().map((row) => [
          row.key,
          {
            key: row.key,
            decision: row.decision,
            sectionId: row.section_id ?? undefined,
            at: new Date(row.at),
          },
        ]),
      ),
    );
  }

  deleteOlderThan(cutoff: Date): Promise<PruneResult> {
    const at = cutoff.getTime();
    const prune = this.db.transaction((): PruneResult => {
      const before = this.countAllVotes.get()?.n ?? 0;
      // Votes on a deleted question go with it (ON DELETE CASCADE), so they are counted here.
      const questions = this.deleteQuestions.run(at).changes;
      this.deleteVotes.run(at);
      return { questions, votes: before - (this.countAllVotes.get()?.n ?? 0) };
    });
    return Promise.resolve(prune());
  }

  async close(): Promise<void> {
    // Questions recorded just before are committed first, not dropped with the connection.
    await this.questionFlush?.catch(() => undefined);
    this.database.close();
  }

  // The salt lives in the database: a restart keeps one vote per user, and a copy of the votes
  // without this table cannot be matched to user ids.
  private loadSalt(db: Database.Database): string {
    // OR IGNORE: two processes opening a new file at once keep whichever salt came first.
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('voter_salt', ?)").run(
      randomBytes(32).toString('base64url'),
    );
    const row = db.prepare("SELECT value FROM meta WHERE key = 'voter_salt'").get() as
      { value: string } | undefined;
    if (!row) throw new FeedbackStoreError(`${db.name} has no voter salt`);
    return row.value;
  }
}
