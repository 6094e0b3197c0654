import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Lang } from '../knowledge/types.js';
import { inTransaction } from '../postgres/connect.js';
import {
  capQuestion,
  FeedbackStoreError,
  voterHash,
  type FeedbackStore,
  type DecisionInput,
  type FeedbackSummary,
  type PruneResult,
  type QuestionRecord,
  type StoredQuestion,
  type SuggestedWording,
  type SuggestionInput,
  type SuggestionOutcome,
  type UnansweredQuestion,
  type WordingDecision,
  type VoteInput,
  type VoteOutcome,
} from './feedback-store.js';

/**
 * The feedback store in a PostgreSQL database shared by every replica: the same rules as the
 * SQLite file, on the schema of `src/postgres/migrations.ts` (run before this opens). The pool
 * belongs to the caller, who closes it.
 */
export class PostgresFeedbackStore implements FeedbackStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly salt: string,
  ) {}

  /**
   * Opens the store on a migrated database, creating the voter salt on first use. With
   * `mustExist` (the report) it writes nothing, and a database the bot never started on is a
   * {@link FeedbackStoreError}.
   */
  static async open(
    pool: pg.Pool,
    options: { mustExist?: boolean } = {},
  ): Promise<PostgresFeedbackStore> {
    if (options.mustExist) {
      const { rows } = await pool.query<{ table: string | null }>(
        "SELECT to_regclass('meta')::text AS table",
      );
      if (!rows[0]?.table)
        throw new FeedbackStoreError(
          'No feedback records in the database of DATABASE_URL: the bot creates them when it starts',
        );
    } else {
      // DO NOTHING: replicas opening a new database at once all keep whichever salt came first.
      await pool.query(
        "INSERT INTO meta (key, value) VALUES ('voter_salt', $1) ON CONFLICT (key) DO NOTHING",
        [randomBytes(32).toString('base64url')],
      );
    }
    const { rows } = await pool.query<{ value: string }>(
      "SELECT value FROM meta WHERE key = 'voter_salt'",
    );
    const salt = rows[0]?.value;
    if (salt === undefined) throw new FeedbackStoreError('The database has no voter salt');
    return new PostgresFeedbackStore(pool, salt);
  }

  async recordQuestion(question: QuestionRecord): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO questions (at, text, lang, best_section, score, answered, chat_type)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        question.at,
        capQuestion(question.text),
        question.lang,
        question.bestSection ?? null,
        question.score,
        question.answered,
        question.chatType,
      ],
    );
    return Number(rows[0]?.id);
  }

  async markNotDelivered(questionId: number): Promise<void> {
    await this.pool.query('UPDATE questions SET delivered = false WHERE id = $1', [questionId]);
  }

  // The question's row is locked for the vote, so two quick presses (on two replicas, even)
  // cannot both count as the first.
  recordVote(vote: VoteInput): Promise<VoteOutcome> {
    return inTransaction(this.pool, async (client): Promise<VoteOutcome> => {
      const question = await client.query<{ best_section: string }>(
        `SELECT best_section FROM questions
         WHERE id = $1 AND answered AND best_section IS NOT NULL FOR UPDATE`,
        [vote.questionId],
      );
      const sectionId = question.rows[0]?.best_section;
      if (sectionId === undefined) return { status: 'unknown' };
      const voter = voterHash(this.salt, vote.userId);
      const before = await client.query<{ value: number }>(
        'SELECT value FROM votes WHERE question_id = $1 AND voter = $2',
        [vote.questionId, voter],
      );
      const previous = before.rows[0]?.value;
      if (previous === vote.value) return { status: 'unchanged', sectionId };
      await client.query(
        `INSERT INTO votes (question_id, voter, section_id, value, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (question_id, voter) DO UPDATE SET value = excluded.value, at = excluded.at`,
        [vote.questionId, voter, sectionId, vote.value, vote.at],
      );
      return { status: previous === undefined ? 'recorded' : 'changed', sectionId };
    });
  }

  async summary(since: Date): Promise<FeedbackSummary> {
    const [counts, bySection, votes] = await Promise.all([
      this.pool.query<{ questions: number; answered: number }>(
        `SELECT count(*)::int AS questions, count(*) FILTER (WHERE answered)::int AS answered
         FROM questions WHERE at >= $1 AND delivered`,
        [since],
      ),
      this.pool.query<{ sectionId: string; count: number }>(
        `SELECT best_section AS "sectionId", count(*)::int AS count FROM questions
         WHERE at >= $1 AND answered AND delivered AND best_section IS NOT NULL
         GROUP BY best_section ORDER BY count DESC, best_section COLLATE "C"`,
        [since],
      ),
      this.pool.query<{ sectionId: string; up: number; down: number }>(
        `SELECT section_id AS "sectionId", count(*) FILTER (WHERE value = 1)::int AS up,
                count(*) FILTER (WHERE value = -1)::int AS down
         FROM votes WHERE at >= $1 GROUP BY section_id ORDER BY section_id COLLATE "C"`,
        [since],
      ),
    ]);
    return {
      questions: counts.rows[0]?.questions ?? 0,
      answered: counts.rows[0]?.answered ?? 0,
      answeredBySection: bySection.rows,
      votes: votes.rows,
    };
  }

  async unansweredSince(since: Date, limit: number): Promise<UnansweredQuestion[]> {
    const { rows } = await this.pool.query<{
      text: string;
      at: Date;
      lang: Lang;
      best_section: string | null;
    }>(
      `SELECT text, at, lang, best_section FROM questions
       WHERE NOT answered AND delivered AND at >= $1
       ORDER BY at DESC, id DESC LIMIT $2`,
      [since, limit],
    );
    return rows.map((row) => ({
      text: row.text,
      at: row.at,
      lang: row.lang,
      bestSection: row.best_section ?? undefined,
    }));
  }

  async question(id: number): Promise<StoredQuestion | undefined> {
    const { rows } = await this.pool.query<{
      text: string;
      lang: Lang;
      best_section: string | null;
      answered: boolean;
    }>('SELECT text, lang, best_section, answered FROM questions WHERE id = $1', [id]);
    const row = rows[0];
    return (
      row && {
        text: row.text,
        lang: row.lang,
        bestSection: row.best_section ?? undefined,
        answered: row.answered,
      }
    );
  }

  // Once per question and section: the same press twice, on any replica, is one suggestion.
  async recordSuggestion(input: SuggestionInput): Promise<SuggestionOutcome> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO suggestions (question_id, section_id, source, at)
       SELECT id, $2, $3, $4 FROM questions WHERE id = $1
       ON CONFLICT (question_id, section_id) DO NOTHING`,
      [input.questionId, input.sectionId, input.source, input.at],
    );
    if ((rowCount ?? 0) > 0) return { status: 'recorded' };
    return (await this.question(input.questionId))
      ? { status: 'unchanged' }
      : { status: 'unknown' };
  }

  async suggestionsSince(since: Date, limit: number): Promise<SuggestedWording[]> {
    const { rows } = await this.pool.query<SuggestedWording>(
      `SELECT q.text AS text, min(q.lang) AS lang, s.section_id AS "sectionId",
              count(*)::int AS count, max(s.at) AS "lastAt"
       FROM suggestions s JOIN questions q ON q.id = s.question_id
       WHERE s.at >= $1 GROUP BY q.text, s.section_id
       ORDER BY count DESC, "lastAt" DESC LIMIT $2`,
      [since, limit],
    );
    return rows;
  }

  async recordDecision(decision: DecisionInput): Promise<void> {
    await this.pool.query(
      `INSERT INTO wording_decisions (key, decision, section_id, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET decision = excluded.decision,
         section_id = excluded.section_id, at = excluded.at`,
      [decision.key, decision.decision, decision.sectionId ?? null, decision.at],
    );
  }

  async decisions(): Promise<Map<string, DecisionInput>> {
    const { rows } = await this.pool.query<{
      key: string;
      decision: WordingDecision;
      section_id: string | null;
      at: Date;
    }>('SELECT key, decision, section_id, at FROM wording_decisions');
    return new Map(
      rows.map((row) => [
        row.key,
        {
          key: row.key,
          decision: row.decision,
          sectionId: row.section_id ?? undefined,
          at: row.at,
        },
      ]),
    );
  }

  deleteOlderThan(cutoff: Date): Promise<PruneResult> {
    return inTransaction(this.pool, async (client) => {
      // The votes first, those on the questions about to go included, so both are counted.
      const votes = await client.query(
        `DELETE FROM votes WHERE at < $1
         OR question_id IN (SELECT id FROM questions WHERE at < $1)`,
        [cutoff],
      );
      const questions = await client.query('DELETE FROM questions WHERE at < $1', [cutoff]);
      return { questions: questions.rowCount ?? 0, votes: votes.rowCount ?? 0 };
    });
  }

  /** The pool is the caller's: closing the store leaves it open for the other users. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
