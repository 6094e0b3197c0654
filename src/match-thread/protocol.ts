import type { Knowledge, Lang } from '../knowledge/types.js';
import type { MatchOptions } from '../match/match-question.js';

/** Messages to the matcher thread. */
export type ThreadRequest =
  | { type: 'load'; version: number; knowledge: Knowledge }
  | { type: 'match'; id: number; version: number; question: string; options: MatchOptions };

/** A scored section, by id: sections stay on the main thread, with the snapshot they belong to. */
export interface ScoredId {
  id: string;
  score: number;
}

/** Messages from the matcher thread. */
export type ThreadReply =
  | { type: 'loaded'; version: number }
  | {
      type: 'matched';
      id: number;
      version: number;
      section: string | undefined;
      score: number;
      best: ScoredId | undefined;
      alternatives: ScoredId[];
      lang: Lang;
    }
  /** The thread holds another version (a reload is on its way) or failed on this question. */
  | { type: 'unanswered'; id: number };
