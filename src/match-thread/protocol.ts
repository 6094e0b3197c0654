import type { Knowledge, Lang, Section } from '../knowledge/types.js';
import type { Calibration } from '../match/calibrate.js';
import type { MatchOptions } from '../match/match-question.js';

/**
 * Messages to the matcher thread. A knowledge version arrives in parts, a few hundred sections
 * each, so that no single post holds the sender's event loop for long; the closing `load`
 * carries the synonyms and the calibration the sender already computed.
 */
export type ThreadRequest =
  | { type: 'load-part'; version: number; sections: readonly Section[] }
  | {
      type: 'load';
      version: number;
      synonyms: Knowledge['synonyms'];
      languages: Knowledge['languages'];
      calibration: Calibration;
    }
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
