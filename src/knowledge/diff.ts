import { runInSlices, runToEnd } from '../time-slices.js';
import type { Knowledge, Section, SectionText } from './types.js';

/** What a reload changed, by section id. */
export interface KnowledgeDiff {
  added: string[];
  removed: string[];
  changed: string[];
  synonymsChanged: boolean;
}

/** Compares two knowledge bases section by section, for the reload summary. */
export function diffKnowledge(before: Knowledge, after: Knowledge): KnowledgeDiff {
  return runToEnd(diffSteps(before, after));
}

/**
 * {@link diffKnowledge}, giving the event loop back every few milliseconds: comparing ten
 * thousand sections takes tens of milliseconds, which a reload must not take from the answers.
 */
export function diffKnowledgeAsync(
  before: Knowledge,
  after: Knowledge,
  sliceMs = 5,
): Promise<KnowledgeDiff> {
  return runInSlices(diffSteps(before, after), sliceMs);
}

// Sections compared between two yields.
const SECTIONS_PER_STEP = 256;

function* diffSteps(before: Knowledge, after: Knowledge): Generator<void, KnowledgeDiff> {
  const old = new Map(before.sections.map((s) => [s.id, s]));
  yield;
  const now = new Set(after.sections.map((s) => s.id));
  const changed: string[] = [];
  for (const [i, section] of after.sections.entries()) {
    if (i % SECTIONS_PER_STEP === 0) yield;
    const previous = old.get(section.id);
    if (previous !== undefined && !sameSection(previous, section)) changed.push(section.id);
  }
  return {
    added: after.sections.map((s) => s.id).filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed,
    synonymsChanged: !sameLists(before.synonyms, after.synonyms),
  };
}

// Field by field, without serialising: a reload of thousands of sections compares them all.
function sameSection(a: Section, b: Section): boolean {
  return (
    sameStrings(a.langs, b.langs) &&
    sameStrings(a.related, b.related) &&
    sameStrings(a.sources ?? [], b.sources ?? []) &&
    a.langs.every((lang) => sameText(a.text[lang], b.text[lang]))
  );
}

function sameText(a: SectionText | undefined, b: SectionText | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.title === b.title &&
    a.body === b.body &&
    sameStrings(a.questions, b.questions) &&
    sameStrings(a.keywords, b.keywords)
  );
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function sameLists(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  return a.length === b.length && a.every((group, i) => sameStrings(group, b[i] ?? []));
}
