import type { Knowledge, Lang, Section } from '../knowledge/types.js';
import type { Calibration } from '../match/calibrate.js';
import type { MatchOptions } from '../match/match-question.js';

/**
 * Messages to the matcher thread. A knowledge base arrives in parts, a few hundred sections
 * each and all under one `transfer` number, so that no single post holds the sender's event
 * loop for long. The closing message says what to do with it: `load` indexes it as `version`
 * with the calibration the sender already has; `build` indexes and calibrates it for a reload
 * still under way, kept aside (staged) and its calibration sent back; `adopt` makes a staged
 * build the version the thread answers for, without sending the sections again.
 */
export type ThreadRequest =
  | { type: 'load-part'; transfer: number; sections: readonly Section[] }
  | {
      type: 'load';
      transfer: number;
      version: number;
      synonyms: Knowledge['synonyms'];
      languages: Knowledge['languages'];
      calibration: Calibration;
    }
  | {
      type: 'build';
      transfer: number;
      synonyms: Knowledge['synonyms'];
      languages: Knowledge['languages'];
    }
  | { type: 'adopt'; transfer: number; version: number }
  | { type: 'match'; id: number; version: number; question: string; options: MatchOptions };

/** A scored section, by id: sections stay on the main thread, with the snapshot they belong to. */
export interface ScoredId {
  id: string;
  score: number;
}

/** Messages from the matcher thread. */
export type ThreadReply =
  | { type: 'loaded'; version: number }
  /** A staged build is ready; its calibration, for the sender's own index. */
  | { type: 'built'; transfer: number; calibration: Calibration }
  /** The staged build to adopt is no longer kept (a newer one replaced it): send it again. */
  | { type: 'unstaged'; version: number }
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
