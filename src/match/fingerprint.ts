/**
 * A digest of everything a calibration depends on, so that a calibration found once can be
 * used again while none of it changes: each section's languages and texts, the synonyms, the
 * knowledge's languages, the tuning, and a revision of the matcher's code that the caller
 * supplies (the matcher cannot know which build of itself is running).
 */
import { createHash } from 'node:crypto';
import type { Knowledge } from '../knowledge/types.js';
import { matchTuning } from './tuning.js';

// Sections hashed between two yields: a few milliseconds of work for a large knowledge base.
const SECTIONS_PER_STEP = 256;

/** The fingerprint as a stepwise job, for builds that give the event loop back. */
export function* fingerprintSteps(knowledge: Knowledge, revision: string): Generator<void, string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ revision, tuning: matchTuning, languages: knowledge.languages }));
  hash.update(JSON.stringify(knowledge.synonyms));
  for (const [i, section] of knowledge.sections.entries()) {
    if (i % SECTIONS_PER_STEP === 0) yield;
    // The file name, sources and related sections do not shape a score; ids and texts do.
    hash.update(JSON.stringify([section.id, section.langs, section.text]));
  }
  return hash.digest('hex');
}
