import type pg from 'pg';
import { DatabaseError, inTransaction } from './connect.js';

/** One step of the schema; applied once, in order, never edited after release. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema of the shared database, oldest first. Times are `timestamptz`; ids that vote
 * buttons carry are `bigint` identities.
 */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'feedback: questions, votes and the voter salt',
    sql: `
CREATE TABLE meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE questions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  text text NOT NULL,
  lang text NOT NULL,
  best_section text,
  score double precision NOT NULL,
  answered boolean NOT NULL,
  chat_type text NOT NULL
);
CREATE INDEX questions_at ON questions (at);
CREATE INDEX questions_unanswered ON questions (at) WHERE NOT answered;
CREATE TABLE votes (
  question_id bigint NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  voter text NOT NULL,
  section_id text NOT NULL,
  value smallint NOT NULL CHECK (value IN (-1, 1)),
  at timestamptz NOT NULL,
  PRIMARY KEY (question_id, voter)
);
CREATE INDEX votes_at ON votes (at);
`,
  },
  {
    version: 2,
    name: 'delivery: the updates accepted, pending or answered, and who answers them',
    sql: `
CREATE TABLE updates (
  update_id bigint PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('pending', 'answered')),
  body json,
  owner integer,
  accepted_at timestamptz NOT NULL,
  answered_at timestamptz,
  CHECK ((state = 'pending') = (body IS NOT NULL AND owner IS NOT NULL))
);
CREATE INDEX updates_pending ON updates (owner) WHERE state = 'pending';
CREATE INDEX updates_answered_at ON updates (answered_at) WHERE state = 'answered';
`,
  },
  {
    version: 3,
    name: 'knowledge files uploaded by admins, for every replica',
    sql: `
CREATE TABLE knowledge_files (
  name text PRIMARY KEY,
  text text NOT NULL,
  updated_at timestamptz NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'group pacing shared by replicas: the booked send times per group',
    sql: `
CREATE TABLE group_send_slots (
  chat text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX group_send_slots_chat_at ON group_send_slots (chat, at);
`,
  },
  {
    version: 5,
    name: 'feedback: questions whose answer Telegram refused (403) leave the figures',
    sql: `ALTER TABLE questions ADD COLUMN delivered boolean NOT NULL DEFAULT true;`,
  },
  {
    version: 6,
    name: 'feedback: suggested wordings and the admins decisions on them',
    sql: `CREATE TABLE suggestions (
  question_id bigint NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  section_id text NOT NULL,
  source text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (question_id, section_id)
);
CREATE INDEX suggestions_at ON suggestions (at);
CREATE TABLE wording_decisions (
  key text PRIMARY KEY,
  decision text NOT NULL CHECK (decision IN ('added', 'dismissed')),
  section_id text,
  at timestamptz NOT NULL
);
`,
  },
]);

/**
 * The key of the advisory lock that migrations hold: any constant unlikely to clash with
 * another application's locks on the same database ("esim-faq" in ASCII).
 */
export const MIGRATION_LOCK_KEY = 0x6573_696d_2d66_6171n;

/** What {@link migrate} did. */
export interface MigrationResult {
  /** The versions applied by this call; empty when the schema was up to date. */
  applied: number[];
  version: number;
}

/**
 * Brings the schema up to date. Replicas starting at once serialise on a transaction-level
 * advisory lock: the first applies what is missing, the others wait, then find nothing to do.
 * Every pending step runs in that one transaction, so a failure leaves the schema as it was.
 */
export async function migrate(
  pool: pg.Pool,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    const current = rows[0]?.version ?? 0;
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest)
      throw new DatabaseError(
        `The database schema is version ${current}, newer than this bot knows (${latest}): update the bot`,
      );
    const applied: number[] = [];
    for (const step of migrations) {
      if (step.version <= current) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        step.version,
        step.name,
      ]);
      applied.push(step.version);
    }
    return { applied, version: Math.max(current, latest) };
  });
}
