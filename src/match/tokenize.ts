import { stemmer } from 'stemmer';
import { BoundedCache } from './bounded-cache.js';
import { normalizeText } from './normalize.js';
import { chineseWordSegmenter } from './word-segmenter.js';

const HAN_CHAR = /^\p{Script=Han}$/u;
const LATIN_RUN = /[a-z][a-z']*/gu;
// A run of Chinese characters, or a Latin/digit word; everything else separates tokens. The
// non-Chinese letters are a set difference (the `v` flag), one class test per character.
const RUN = new RegExp(
  String.raw`\p{Script=Han}+|[[\p{L}\p{N}]--\p{Script=Han}][[\p{L}\p{N}'\-]--\p{Script=Han}]*`,
  'gv',
);
const IS_HAN = /^\p{Script=Han}/u;

/** The runs of Chinese characters and the Latin/digit words of a text, in order. */
export function wordRuns(text: string): string[] {
  return text.match(RUN) ?? [];
}

// Words that occur in any question whatever it is about. Question words (什么, how, can) stay:
// they separate "what is X" from "can X do Y".
const STOP_WORDS = new Set([
  ...'的 了 是 我 你 他 她 它 们 这 那 个 就 都 也 还 和 与 及 或 在 有 被 把 给 让 对 而 且 啊 吗 呢 吧 呀 哦 之 其 该 此'.split(
    ' ',
  ),
  ...'我的 你的 我们 你们 他们 这个 那个 一个 一下 有没有 是不是 可不可以 能不能 请 问'.split(' '),
  // Modal verbs and connectives: every topic uses them, and a rare use would count as evidence.
  ...'能 用 能用 可以 会 要 想 让 下 的话 还是 就是 如果 因为 所以 但是 然后 已经 现在 应该 一些 这些 那些 这样 那样 一直 得 着 过 吧 啦 嘛'.split(
    ' ',
  ),
  ...'a an the is are am was were be been to of in on at for and or i me my mine you your it its this that these those with by from as so do does did there here im'.split(
    ' ',
  ),
]);

// Words that frame a question whatever it is about, as tokens (stemmed: may → mai). They tell
// "what is X" from "can X do Y", so they are kept as evidence.
const FRAME_WORDS = new Set([
  ...'what how why when where who whom whose which can could should would will shall mai might must not no ye'.split(
    ' ',
  ),
  ...'什么 怎么 怎样 样 怎么办 办 为什么 为何 哪 哪里 哪儿 哪个 哪些 谁 如何 多少 几 是否 能否 可否 意思 区别 一样 好 干'.split(
    ' ',
  ),
]);

/** True for a token that frames a question (what, how, 怎么, 意思) rather than naming a topic. */
export function isFrameWord(token: string): boolean {
  return FRAME_WORDS.has(token);
}

// Single characters that never form a word with the character beside them: particles,
// pronouns and connectives.
const UNPAIRED = new Set(
  '的 了 吗 呢 吧 呀 啊 哦 啦 嘛 着 过 得 地 和 与 及 或 在 是 我 你 他 她 它 们 这 那 个 把 被 给 让 对 之 其 该 此 而 且 请 问'.split(
    ' ',
  ),
);

/** Concept tokens stand for a whole synonym group; the prefix keeps them apart from words. */
export const CONCEPT_PREFIX = '~';

/** Finds synonym terms in normalised text and turns each into one concept token. */
export interface ConceptFinder {
  /** Returns the concept tokens found and the text with those terms blanked out. */
  extract(text: string): { concepts: string[]; rest: string };
}

// Keyed by UTF-16 code unit: reading `text[i]` would make a string per Chinese character. A
// node has a few children, found by a scan of their units: cheaper than hashing into a map.
interface TrieNode {
  units: number[];
  children: TrieNode[];
  concept?: string;
  latinStart?: boolean;
  latinEnd?: boolean;
}

/**
 * Builds a {@link ConceptFinder} from synonym groups. Matching is leftmost-longest over a trie
 * of the terms, so its cost grows with the text, not with the number of terms. A term's Latin
 * edges match at word boundaries only, so that "sim卡" does not fire inside "esim卡"; Chinese
 * edges match anywhere.
 */
export function createConceptFinder(groups: readonly (readonly string[])[]): ConceptFinder {
  const root: TrieNode = { units: [], children: [] };
  for (const group of groups) {
    const concept = CONCEPT_PREFIX + normalizeText(group[0] ?? '').replace(/\s+/gu, '_');
    for (const raw of group) {
      const term = stemLatinWords(normalizeText(raw));
      if (term === '') continue;
      let node = root;
      for (let k = 0; k < term.length; k++) {
        const unit = term.charCodeAt(k);
        let child = childOf(node, unit);
        if (!child) {
          child = { units: [], children: [] };
          node.units.push(unit);
          node.children.push(child);
        }
        node = child;
      }
      // The first group that lists a term keeps it.
      if (node.concept === undefined) {
        node.concept = concept;
        node.latinStart = isWordUnit(term.charCodeAt(0));
        node.latinEnd = isWordUnit(term.charCodeAt(term.length - 1));
      }
    }
  }
  // The first nodes by the code unit a term starts with, dozens of them: a table, not a scan.
  // Most positions of a text start none.
  const starts = new Uint8Array(0x10000);
  // Filled, not made with Array.from's callback: that costs some 7 ms a finder, at every start.
  const firstNodes = new Array<TrieNode | undefined>(0x10000).fill(undefined);
  root.units.forEach((unit, k) => {
    starts[unit] = 1;
    firstNodes[unit] = root.children[k];
  });
  return {
    extract(text) {
      const concepts: string[] = [];
      // The text between matches is copied in slices, not character by character.
      const pieces: string[] = [];
      let copiedTo = 0;
      let i = 0;
      while (i < text.length) {
        const unit = text.charCodeAt(i);
        // Inside a Latin word no term starts: one that begins with a letter or digit matches
        // at a word boundary only.
        if (starts[unit] === 0 || (isWordUnit(unit) && isWordUnit(text.charCodeAt(i - 1)))) {
          i++;
          continue;
        }
        let node: TrieNode | undefined = firstNodes[unit];
        let matchEnd = -1;
        let matchConcept: string | undefined;
        for (let j = i; node !== undefined;) {
          if (
            node.concept !== undefined &&
            !(node.latinStart && isWordUnit(text.charCodeAt(i - 1))) &&
            !(node.latinEnd && isWordUnit(text.charCodeAt(j + 1)))
          ) {
            matchEnd = j + 1;
            matchConcept = node.concept;
          }
          j++;
          if (j >= text.length) break;
          node = childOf(node, text.charCodeAt(j));
        }
        if (matchConcept !== undefined) {
          concepts.push(matchConcept);
          pieces.push(text.slice(copiedTo, i), ' ');
          copiedTo = matchEnd;
          i = matchEnd;
        } else {
          i++;
        }
      }
      pieces.push(text.slice(copiedTo));
      const rest = pieces.join('');
      return { concepts, rest };
    },
  };
}

function childOf(node: TrieNode, unit: number): TrieNode | undefined {
  const { units } = node;
  for (let k = 0; k < units.length; k++) if (units[k] === unit) return node.children[k];
  return undefined;
}

// a-z or 0-9; NaN (before the start or past the end of the text) is not.
function isWordUnit(unit: number): boolean {
  return (unit >= 97 && unit <= 122) || (unit >= 48 && unit <= 57);
}

// Chinese runs and English words repeat across questions; their analysis is cached.
const hanRuns = new BoundedCache<string, readonly string[]>(50_000);
const stems = new BoundedCache<string, string>(50_000);

/**
 * Splits normalised text into index tokens: concept tokens for synonym terms, stemmed English
 * words, and Chinese words from `Intl.Segmenter`. Runs of single Chinese characters that the
 * segmenter's dictionary does not know as a word (断|网) are also joined in pairs (断网), so
 * that domain terms survive segmentation.
 */
export function tokenize(normalized: string, concepts?: ConceptFinder): string[] {
  return tokenizeMany([normalized], concepts)[0] ?? [];
}

/**
 * {@link tokenize} for many texts at once. Each call of `Intl.Segmenter` costs about as much
 * as segmenting a dozen characters, so the Chinese runs of all texts not yet cached are
 * segmented in one call, one run per line, and the result is shared out.
 */
export function tokenizeMany(texts: readonly string[], concepts?: ConceptFinder): string[][] {
  const split = texts.map((text) => {
    const stemmed = stemLatinWords(text);
    const found = concepts?.extract(stemmed) ?? { concepts: [], rest: stemmed };
    return { concepts: found.concepts, runs: wordRuns(found.rest) };
  });
  // Every Chinese run's words, taken from the cache before it is added to (which may clear it).
  const words = new Map<string, readonly string[]>();
  const missing: string[] = [];
  for (const { runs } of split)
    for (const run of runs) {
      if (!IS_HAN.test(run) || words.has(run)) continue;
      // A run too long to be cached is not looked up: hashing it would cost as much as a word.
      const cached = run.length <= CACHED_RUN_CHARS ? hanRuns.peek(run) : undefined;
      if (cached) words.set(run, cached);
      else {
        words.set(run, NO_WORDS);
        missing.push(run);
      }
    }
  if (missing.length > 0)
    segmentHanRuns(missing).forEach((tokens, run) => {
      words.set(run, tokens);
      // A long run is a sentence of a section's body, which no question repeats: caching it
      // would only push out the runs that questions do repeat.
      if (run.length <= CACHED_RUN_CHARS) hanRuns.set(run, tokens);
    });
  return split.map(({ concepts: found, runs }) => {
    const tokens = [...found];
    for (const run of runs) {
      if (IS_HAN.test(run)) {
        for (const token of words.get(run) ?? NO_WORDS) tokens.push(token);
      } else if (!NEEDS_PARTS.test(run)) {
        if (!STOP_WORDS.has(run)) tokens.push(run);
      } else for (const part of wordParts(run)) if (!STOP_WORDS.has(part)) tokens.push(part);
    }
    return tokens;
  });
}

const CACHED_RUN_CHARS = 64;
const NO_WORDS: readonly string[] = [];

// Where a word breaks into parts.
const PART_BREAK = /-+/u;
const NEEDS_PARTS = /-/u;

/**
 * The parts of a hyphenated word: "covid-19" and "covid 19" are one term written two ways, so
 * both are read as "covid" and "19".
 */
function wordParts(run: string): string[] {
  if (!NEEDS_PARTS.test(run)) return [run];
  return run.split(PART_BREAK).filter((part) => part !== '');
}

// A segmenter call costs per character more the more lines it is given (twice as much at
// 4,000 characters of short lines as at 1,000, minutes for a whole knowledge base at once), so
// runs are segmented in batches of about this many characters; a longer run goes alone.
const BATCH_CHARS = 1000;

// Newlines never fall inside a word, so runs joined by them segment as they would alone.
function segmentHanRuns(runs: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let start = 0;
  let chars = 0;
  for (let end = 0; end < runs.length; end++) {
    chars += (runs[end] as string).length + 1;
    if (chars < BATCH_CHARS && end < runs.length - 1) continue;
    segmentBatch(runs.slice(start, end + 1), out);
    start = end + 1;
    chars = 0;
  }
  return out;
}

function segmentBatch(runs: readonly string[], out: Map<string, string[]>): void {
  const joined = runs.join('\n');
  let runIndex = 0;
  let tokens: string[] = [];
  let previousSingle: string | undefined;
  for (const { segment, isWordLike } of chineseWordSegmenter().segment(joined)) {
    if (segment === '\n') {
      out.set(runs[runIndex] as string, tokens);
      runIndex++;
      tokens = [];
      previousSingle = undefined;
      continue;
    }
    // A stop word still pairs with its neighbour (还|款 is 还款, to repay), unless it is a
    // particle or pronoun, which joins with whatever stands next to it (呗|的).
    if (!isWordLike || (segment.length === 1 && UNPAIRED.has(segment))) {
      previousSingle = undefined;
      continue;
    }
    if (isSingleHan(segment)) {
      if (previousSingle !== undefined && !STOP_WORDS.has(previousSingle + segment))
        tokens.push(previousSingle + segment);
      previousSingle = segment;
    } else {
      previousSingle = undefined;
    }
    if (!STOP_WORDS.has(segment)) tokens.push(segment);
  }
  if (runIndex < runs.length) out.set(runs[runIndex] as string, tokens);
}

/**
 * Replaces every English word by its stem ("watches" → "watch"), before synonyms are looked up,
 * so that a synonym matches in any inflection.
 */
export function stemLatinWords(text: string): string {
  return text.replace(LATIN_RUN, (word) => stems.get(word, stemOrStopWord));
}

// A stop word stays as it is; the cache holds both, so that a word costs one lookup.
function stemOrStopWord(word: string): string {
  return STOP_WORDS.has(word) ? word : stemmer(word);
}

/** Removes English stop words, keeping the text's other characters as they are. */
export function dropEnglishStopWords(text: string): string {
  return text
    .replace(LATIN_RUN, (word) => (STOP_WORDS.has(word) ? '' : word))
    .replace(/\s+/gu, ' ')
    .trim();
}

/** True for a single Chinese character: such tokens say less than words and weigh less. */
export function isSingleHan(token: string): boolean {
  // The unified ideographs by range, the regular expression only for the rest: segments are
  // tested one by one, and most are words or characters of those two blocks.
  if (token.length === 1) {
    const unit = token.charCodeAt(0);
    if (unit < 0x2e80) return false;
    if ((unit >= 0x4e00 && unit <= 0x9fff) || (unit >= 0x3400 && unit <= 0x4dbf)) return true;
  } else if (token.length !== 2) return false;
  return HAN_CHAR.test(token);
}
