import { hash } from 'node:crypto';
import type { Knowledge, Section } from '../knowledge/types.js';
import { runInSlices, runToEnd } from '../time-slices.js';
import { calibrationSteps, type Calibration } from './calibrate.js';
import { hanPairs, NO_PAIRS } from './han-pairs.js';
import { homophoneSteps, type HomophoneTable } from './homophones.js';
import { normalizeText } from './normalize.js';
import {
  CONCEPT_PREFIX,
  createConceptFinder,
  isSingleHan,
  tokenizeMany,
  type ConceptFinder,
} from './tokenize.js';
import { matchTuning } from './tuning.js';
import { typoVocabulary, type TypoVocabulary } from './typo.js';

/** One alternate question or title, as the matcher compares it with a user's question. */
export interface IndexedEntry {
  /** The normalised text, for Fuse.js. */
  text: string;
  isTitle: boolean;
  /** Token ids, unique. */
  tokens: Int32Array;
  /** Euclidean norm of the entry's weighted token vector, cached for cosine similarity. */
  norm: number;
  /** Its adjacent Chinese character pairs (`han-pairs.ts`), empty for a text without any. */
  hanPairs: Float64Array;
}

/** One keyword of a section. */
export interface KeywordEntry {
  text: string;
  tokens: Int32Array;
}

/**
 * The searchable form of a knowledge base. Built once per knowledge version and never mutated,
 * so a reload builds a new one beside it and swaps the reference.
 */
export interface SearchIndex {
  sections: readonly Section[];
  concepts: ConceptFinder;
  tokenIds: ReadonlyMap<string, number>;
  /** Per token id: its weight (inverse section frequency, softened for single characters). */
  weights: Float64Array;
  /** The weight of an unseen token before `unknownShare`: that of the rarest known one. */
  unknownWeight: number;
  /** Per token id: the sections whose questions, titles or keywords contain it. */
  strongPostings: readonly Int32Array[];
  /**
   * Parallel to `strongPostings`: how firmly the token belongs to that section, 0..1. A word of
   * the title or keywords belongs fully; a word in one alternate question out of many, less.
   */
  strongStrength: readonly Float32Array[];
  /** Per token id: the sections whose body alone contains it. */
  weakPostings: readonly Int32Array[];
  entries: readonly (readonly IndexedEntry[])[];
  /** Per section: its title entries (one per language), the ones Fuse.js reads beside keywords. */
  titles: readonly (readonly IndexedEntry[])[];
  /** Per section: its keywords, normalised, with their tokens, for Fuse.js. */
  keywords: readonly (readonly KeywordEntry[])[];
  /** The knowledge's English words, for correcting misspelt ones. */
  typos: TypoVocabulary;
  /** The knowledge's Chinese words by sound, for correcting pinyin-input slips. */
  homophones: HomophoneTable;
  /** The threshold derived from this knowledge, and how it was found. */
  calibration: Calibration;
}

/** An index before its calibration, which it needs to be built first. */
export type UncalibratedIndex = Omit<SearchIndex, 'calibration'>;

const { index: tuning } = matchTuning;

// Tokens handled between two yields of a sliced build: a few milliseconds of work.
const TOKENS_PER_STEP = 4096;

/** How a build runs, and what it may take as known. */
export interface BuildOptions {
  /** Give the event loop back after this many milliseconds of work (sliced builds only). */
  sliceMs?: number;
  /**
   * The calibration found earlier for exactly this knowledge (same fingerprint): the build
   * then skips calibrating, which is most of its cost for a small knowledge base.
   */
  calibration?: Calibration;
}

/** Builds the {@link SearchIndex} of a knowledge base, calibrated. Pure and deterministic. */
export function buildSearchIndex(knowledge: Knowledge, options: BuildOptions = {}): SearchIndex {
  return runToEnd(calibratedIndexSteps(knowledge, options.calibration));
}

/**
 * Builds the same index as {@link buildSearchIndex}, giving the event loop back every
 * `sliceMs`, so that answers keep flowing while a large knowledge base is reindexed and
 * calibrated.
 */
export function buildSearchIndexAsync(
  knowledge: Knowledge,
  options: BuildOptions = {},
): Promise<SearchIndex> {
  return runInSlices(
    calibratedIndexSteps(knowledge, options.calibration),
    options.sliceMs ?? tuning.sliceMs,
  );
}

function* calibratedIndexSteps(
  knowledge: Knowledge,
  known: Calibration | undefined,
): Generator<void, SearchIndex> {
  // The calibration indexes the same sections again, most of them unchanged, and so does the
  // next build (a reload reads every file again): their normalised and tokenised lines are
  // kept for both.
  const analyses = new SectionAnalyses(knowledge.synonyms);
  const index = yield* indexSteps(knowledge, analyses);
  const calibration = known ?? (yield* calibrationSteps(knowledge, (k) => indexSteps(k, analyses)));
  analyses.keepForNextBuild();
  return { ...index, calibration };
}

interface SectionLine {
  text: string;
  kind: 'title' | 'question' | 'keyword' | 'body';
}

/**
 * The sections' lines, normalised, and their tokens, as one build read them: by section for the
 * calibration's indexes within the build, and by content for the next build. Analysing a
 * section (normalising, segmenting its Chinese) is most of the cost of indexing it, and an
 * analysis depends on nothing but the section's texts and the synonyms.
 */
export class SectionAnalyses {
  /** The strings the analyses' token and word numbers stand for. */
  readonly strings: StringNumbers;
  private readonly bySection = new Map<Section, SectionAnalysis>();
  private readonly byContent = new Map<string, SectionAnalysis>();
  private readonly synonyms: string;
  private readonly previous: ReadonlyMap<string, SectionAnalysis>;

  constructor(synonyms: Knowledge['synonyms']) {
    this.synonyms = JSON.stringify(synonyms);
    // The last build's analyses come with the numbering they were written in; one that has
    // grown far past any one knowledge base (years of edits) starts again, analyses and all.
    const reuse =
      kept?.synonyms === this.synonyms && kept.strings.size <= MAX_NUMBERED_STRINGS
        ? kept
        : undefined;
    this.previous = reuse?.byContent ?? new Map();
    this.strings = reuse?.strings ?? new StringNumbers();
  }

  /** The section's analysis, from this build or the last one, or made now. */
  get(section: Section, concepts: ConceptFinder): SectionAnalysis {
    const known = this.bySection.get(section);
    if (known) return known;
    const key = contentKey(section);
    const analysis =
      this.byContent.get(key) ??
      this.previous.get(key) ??
      analyseSection(section, concepts, this.strings);
    this.bySection.set(section, analysis);
    this.byContent.set(key, analysis);
    return analysis;
  }

  /**
   * Hands this build's analyses to the next build, in place of the last one's: one generation
   * is kept, so the memory held is that of one knowledge base's lines, not of every version.
   */
  keepForNextBuild(): void {
    kept = { synonyms: this.synonyms, byContent: this.byContent, strings: this.strings };
  }
}

let kept:
  | { synonyms: string; byContent: ReadonlyMap<string, SectionAnalysis>; strings: StringNumbers }
  | undefined;

const MAX_NUMBERED_STRINGS = 4_000_000;

/**
 * Tokens and words by number, one number per distinct string, the same for every build that
 * shares the analyses. A build then finds a token's id, or whether it has seen a word, in an
 * array slot: hashing every token of every section again took a tenth of a large build.
 */
export class StringNumbers {
  private readonly numbers = new Map<string, number>();
  private readonly strings: string[] = [];

  get size(): number {
    return this.strings.length;
  }

  numberOf(text: string): number {
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.strings.length;
      this.numbers.set(text, n);
      this.strings.push(text);
    }
    return n;
  }

  stringOf(n: number): string {
    return this.strings[n] as string;
  }

  // For `distinct`: per number, the call that last saw it.
  private seen = new Int32Array(0);
  private call = 0;

  /** The numbers of `texts`, each once, in order of first occurrence. */
  distinct(texts: Iterable<string>): Int32Array {
    const numbers: number[] = [];
    for (const text of texts) numbers.push(this.numberOf(text));
    if (this.seen.length < this.strings.length || this.call === 0x7fffffff) {
      this.seen = new Int32Array(Math.max(1024, 2 * this.strings.length));
      this.call = 0;
    }
    const call = ++this.call;
    const out = new Int32Array(numbers.length);
    let count = 0;
    for (const n of numbers) {
      if (this.seen[n] === call) continue;
      this.seen[n] = call;
      out[count++] = n;
    }
    return out.slice(0, count);
  }
}

// Everything `analyseSection` reads of a section, as one digest.
function contentKey(section: Section): string {
  return hash('sha1', JSON.stringify([section.langs, section.text]), 'base64');
}

interface SectionAnalysis {
  lines: SectionLine[];
  /** Per line, its tokens' numbers (a body's each once). */
  tokenized: Int32Array[];
  /** Per line, its Chinese character pairs (titles and questions only). */
  pairs: Float64Array[];
  /** The numbers of the English words of all its lines, unstemmed, each once, for the typos. */
  words: Int32Array;
}

const LATIN_WORD = /[a-z][a-z']*/gu;
const NO_TOKENS = new Int32Array(0);

// Every line of the section is tokenised in one batch: one segmenter call per section.
function analyseSection(
  section: Section,
  concepts: ConceptFinder,
  strings: StringNumbers,
): SectionAnalysis {
  const lines: SectionLine[] = [];
  for (const lang of section.langs) {
    const text = section.text[lang];
    if (!text) continue;
    lines.push({ text: normalizeText(text.title), kind: 'title' });
    for (const q of text.questions) lines.push({ text: normalizeText(q), kind: 'question' });
    for (const k of text.keywords) lines.push({ text: normalizeText(k), kind: 'keyword' });
    lines.push({
      text: normalizeText(stripMarkdown(text.body), { maxChars: Infinity }),
      kind: 'body',
    });
  }
  // A body counts by the tokens it has, not how often: each is kept once.
  const tokenized = tokenizeMany(
    lines.map((l) => l.text),
    concepts,
  ).map((tokens, i) =>
    lines[i]?.kind === 'body'
      ? strings.distinct(tokens)
      : new Int32Array(tokens.map((token) => strings.numberOf(token))),
  );
  const pairs = lines.map(({ text, kind }) =>
    kind === 'title' || kind === 'question' ? hanPairs(text) : NO_PAIRS,
  );
  const words = strings.distinct(lines.flatMap((line) => line.text.match(LATIN_WORD) ?? []));
  // Nothing reads a body's text again once it is tokenised: the kept analysis drops it.
  for (const line of lines) if (line.kind === 'body') line.text = '';
  return { lines, tokenized, pairs, words };
}

/**
 * The build as a generator that yields after each small unit of work (a section, a block of
 * tokens), so that one implementation serves the synchronous and the sliced builder.
 */
export function* indexSteps(
  knowledge: Knowledge,
  reuse?: SectionAnalyses,
): Generator<void, UncalibratedIndex> {
  const concepts = createConceptFinder(knowledge.synonyms);
  const strings = reuse?.strings ?? new StringNumbers();
  const tokenIds = new Map<string, number>();
  let tokenCount = 0;
  // Per string number, its token id in this index plus one (0: none yet), and whether the
  // typo vocabulary has the word; grown as the analyses number new strings.
  let idPlusOne = new Int32Array(strings.size + 1024);
  let wordSeen = new Uint8Array(strings.size + 1024);
  const room = (n: number) => {
    if (n < idPlusOne.length) return;
    const length = Math.max(n + 1, 2 * idPlusOne.length);
    const ids = new Int32Array(length);
    ids.set(idPlusOne);
    idPlusOne = ids;
    const seen = new Uint8Array(length);
    seen.set(wordSeen);
    wordSeen = seen;
  };
  // Every posting as it is found, section by section: (token, section, strength) in flat lists,
  // sorted into per-token postings at the end. Appending to one list per token touched a
  // different array for every token of every section.
  const strong: Postings = { tokens: [], sections: [], strengths: [] };
  const weak: Postings = { tokens: [], sections: [], strengths: [] };
  // Per token id, marks that say which line and section last used it: dense from the start, so
  // that marking is an array slot, not a hash.
  const lineMark: number[] = [];
  const sectionMark: number[] = [];
  const uses: number[] = [];
  // Per token id, 1 once a title, keyword or body uses it: a word only alternate questions use
  // is the askers' phrasing (听说, 真的, "just"), not what a section is about.
  const grounded: number[] = [];
  const idOf = (n: number): number => {
    room(n);
    let id = (idPlusOne[n] as number) - 1;
    if (id === -1) {
      id = tokenCount++;
      idPlusOne[n] = id + 1;
      tokenIds.set(strings.stringOf(n), id);
      lineMark.push(-1);
      sectionMark.push(-1);
      uses.push(0);
      grounded.push(0);
    }
    return id;
  };
  // Each entry's and keyword's token ids, written one after another into one list: their tokens
  // become views of one array at the end. An array of its own for each (a few hundred thousand
  // at 10,000 sections) made objects that every collection during the build had to copy.
  const entryIds: number[] = [];
  const rawEntries: RawEntry[][] = [];
  const rawKeywords: RawKeyword[][] = [];
  const knownWords = new Set<string>();
  const addWords = (words: readonly string[]) => {
    for (const word of words) knownWords.add(word);
  };
  const floor = tuning.questionStrengthFloor;
  let lineCount = 0;

  for (const [index, section] of knowledge.sections.entries()) {
    yield;
    const analysis = reuse?.get(section, concepts) ?? analyseSection(section, concepts, strings);
    const { lines, tokenized, pairs } = analysis;
    for (const n of analysis.words) {
      room(n);
      if (wordSeen[n] === 1) continue;
      wordSeen[n] = 1;
      knownWords.add(strings.stringOf(n));
    }
    // The tokens of its questions, titles and keywords, each once, in order of first use; per
    // token, how many questions use it, title and keyword words counting as `titleUses`.
    const used: number[] = [];
    const inBody: number[] = [];
    const entries: RawEntry[] = [];
    const keywordEntries: RawKeyword[] = [];
    for (let i = 0; i < lines.length; i++) {
      const { text, kind } = lines[i] as SectionLine;
      const tokens = tokenized[i] ?? NO_TOKENS;
      const line = lineCount++;
      const start = entryIds.length;
      for (let k = 0; k < tokens.length; k++) {
        const id = idOf(tokens[k] as number);
        if (kind !== 'question') grounded[id] = 1;
        if (kind === 'body') inBody.push(id);
        else if (lineMark[id] !== line) {
          lineMark[id] = line;
          entryIds.push(id);
        }
      }
      if (kind === 'body') continue;
      const end = entryIds.length;
      for (let k = start; k < end; k++) {
        const id = entryIds[k] as number;
        if (sectionMark[id] !== index) {
          sectionMark[id] = index;
          uses[id] = 0;
          used.push(id);
        }
        uses[id] =
          kind === 'question'
            ? Math.min((uses[id] as number) + 1, tuning.titleUses)
            : tuning.titleUses;
      }
      if (kind === 'keyword') {
        keywordEntries.push({ text, start, end });
      } else if (end > start) {
        entries.push({ text, isTitle: kind === 'title', start, end, pairs: pairs[i] ?? NO_PAIRS });
      }
    }
    for (const id of used) {
      strong.tokens.push(id);
      strong.sections.push(index);
      const count = uses[id] as number;
      strong.strengths.push(Math.min(1, floor + ((1 - floor) * count) / tuning.titleUses));
    }
    // A body word no question, title or keyword uses, once however many bodies use it.
    for (const id of inBody) {
      if (sectionMark[id] === index) continue;
      sectionMark[id] = index;
      weak.tokens.push(id);
      weak.sections.push(index);
    }
    rawEntries.push(entries);
    rawKeywords.push(keywordEntries);
  }

  const sectionCount = Math.max(knowledge.sections.length, 1);
  const maxIdf = Math.log(1 + sectionCount);
  yield;
  const strongStarts = postingStarts(strong, tokenIds.size);
  const weakStarts = postingStarts(weak, tokenIds.size);
  const weights = new Float64Array(tokenIds.size);
  for (const [token, id] of tokenIds) {
    if (id % TOKENS_PER_STEP === 0) yield;
    const df =
      (strongStarts[id + 1] as number) -
      (strongStarts[id] as number) +
      ((weakStarts[id + 1] as number) - (weakStarts[id] as number));
    const idf = Math.log(1 + sectionCount / Math.max(df, 1));
    weights[id] = tokenWeight(token, idf, maxIdf, grounded[id] === 1);
  }
  const allEntryIds = Int32Array.from(entryIds);
  entryIds.length = 0;
  const keywords: KeywordEntry[][] = [];
  for (const [i, list] of rawKeywords.entries()) {
    if (i % 256 === 0) yield;
    keywords.push(
      list.map(({ text, start, end }) => ({ text, tokens: allEntryIds.subarray(start, end) })),
    );
  }
  const entries: IndexedEntry[][] = [];
  for (const [i, list] of rawEntries.entries()) {
    if (i % 256 === 0) yield;
    entries.push(
      list.map(({ text, isTitle, start, end, pairs }) => {
        let squares = 0;
        for (let k = start; k < end; k++) squares += (weights[allEntryIds[k] as number] ?? 0) ** 2;
        return {
          text,
          isTitle,
          tokens: allEntryIds.subarray(start, end),
          norm: Math.sqrt(squares),
          hanPairs: pairs,
        };
      }),
    );
  }
  yield;
  yield;
  for (const group of knowledge.synonyms)
    for (const term of group) addWords(normalizeText(term).match(LATIN_WORD) ?? []);

  // Per token, its postings as typed arrays: for a large knowledge base, in steps too.
  const strongSorted = yield* sortedPostings(strong, strongStarts);
  const weakSorted = yield* sortedPostings(weak, weakStarts);
  const strongPostings = strongSorted.sections;
  const strongStrength = strongSorted.strengths;
  const weakPostings = weakSorted.sections;
  yield;
  const titles = entries.map((list) => list.filter((entry) => entry.isTitle));
  yield;
  const typos = typoVocabulary(knownWords, tokenIds, knowledge.synonyms);
  const homophones = yield* homophoneSteps(
    tokenIds.keys(),
    synonymConcepts(knowledge.synonyms, concepts),
  );
  return {
    sections: knowledge.sections,
    concepts,
    tokenIds,
    weights,
    unknownWeight: maxIdf,
    strongPostings,
    strongStrength,
    weakPostings,
    entries,
    titles,
    keywords,
    typos,
    homophones,
  };
}

/** An entry or keyword while the index is built: its token ids are `entryIds[start..end)`. */
interface RawKeyword {
  text: string;
  start: number;
  end: number;
}

interface RawEntry extends RawKeyword {
  isTitle: boolean;
  pairs: Float64Array;
}

/** Postings in the order they were found: token, section and strength at the same place. */
interface Postings {
  tokens: number[];
  sections: number[];
  /** Empty for postings that have none (a body's). */
  strengths: number[];
}

// Postings handled between two yields while they are sorted by token.
const POSTINGS_PER_STEP = 65_536;

// Where each token's postings start once sorted by token; the last entry is their count.
function postingStarts(found: Postings, tokenCount: number): Int32Array {
  const starts = new Int32Array(tokenCount + 1);
  for (const token of found.tokens) starts[token + 1] = (starts[token + 1] as number) + 1;
  for (let id = 0; id < tokenCount; id++)
    starts[id + 1] = (starts[id + 1] as number) + (starts[id] as number);
  return starts;
}

/**
 * Per token, its sections (and their strengths) as views into one array of all postings: a
 * counting sort by token, which keeps each token's sections in the order they were found.
 */
function* sortedPostings(
  found: Postings,
  starts: Int32Array,
): Generator<void, { sections: Int32Array[]; strengths: Float32Array[] }> {
  const tokenCount = starts.length - 1;
  const total = found.tokens.length;
  const sections = new Int32Array(total);
  const strengths = new Float32Array(found.strengths.length > 0 ? total : 0);
  const next = starts.slice(0, tokenCount);
  for (let i = 0; i < total; i++) {
    if (i % POSTINGS_PER_STEP === 0) yield;
    const token = found.tokens[i] as number;
    const at = (next[token] as number)++;
    sections[at] = found.sections[i] as number;
    if (strengths.length > 0) strengths[at] = found.strengths[i] as number;
  }
  const bySection: Int32Array[] = [];
  const byStrength: Float32Array[] = [];
  for (let id = 0; id < tokenCount; id++) {
    if (id % TOKENS_PER_STEP === 0) yield;
    const start = starts[id] as number;
    const end = starts[id + 1] as number;
    bySection.push(sections.subarray(start, end));
    byStrength.push(strengths.subarray(start, strengths.length > 0 ? end : start));
  }
  return { sections: bySection, strengths: byStrength };
}

/**
 * Single Chinese characters say less than words. Synonym concepts (eSIM, physical SIM, carrier)
 * are what separates neighbouring sections, even when most sections mention them, so their
 * weight has a floor instead of falling with their frequency. A word that no title, keyword or
 * body uses (`grounded` false) is how someone once asked, not a topic: rare as it is, it would
 * otherwise weigh the most and pull any question phrased alike to its one section.
 */
export function tokenWeight(token: string, idf: number, maxIdf: number, grounded = true): number {
  if (token.startsWith(CONCEPT_PREFIX)) return Math.max(idf, maxIdf * tuning.conceptWeightFloor);
  const weight = isSingleHan(token) ? idf * tuning.singleHanShare : idf;
  return grounded ? weight : weight * tuning.questionOnlyShare;
}

// Each synonym term, normalised, with the concept token it stands for.
function synonymConcepts(
  groups: Knowledge['synonyms'],
  concepts: ConceptFinder,
): [string, string][] {
  return groups.flatMap((group) =>
    group.flatMap((term): [string, string][] => {
      const normalized = normalizeText(term);
      const [concept] = concepts.extract(normalized).concepts;
      return concept === undefined ? [] : [[normalized, concept]];
    }),
  );
}

/** Reduces Markdown to its words, so that markup characters do not become tokens. */
export function stripMarkdown(markdown: string): string {
  return markdown
    .replace(/^#{1,6}\s+/gmu, '')
    .replace(/[*_`>~]+/gu, ' ')
    .replace(/^\s*[-+]\s+/gmu, '');
}
