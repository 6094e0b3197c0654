import Fuse from 'fuse.js';
import { normalizeText } from './normalize.js';
import { stemLatinWords } from './tokenize.js';
import { matchTuning } from './tuning.js';

/** The knowledge's Latin words, for telling a misspelt word from a known one. */
export interface TypoVocabulary {
  /** The English words of the knowledge and its synonyms, as written (not stemmed). */
  knownWords: ReadonlySet<string>;
  /**
   * The same words by first letter. A typo rarely hits the first letter, and searching a few
   * dozen words instead of all keeps a misspelt question as fast as any other.
   */
  byFirstLetter: ReadonlyMap<string, Fuse<string>>;
  /** The index's tokens: a word is a part of a split only when it is one of them, stemmed. */
  tokenIds: ReadonlyMap<string, number>;
  /** The synonyms' terms of several English words, by the words written together. */
  joinedTerms: ReadonlyMap<string, string>;
}

const { typo } = matchTuning;

// Latin words long enough to correct, also inside Chinese text ("esin是什么"): the class
// excludes Han characters, so a word ends where Chinese begins.
const ENGLISH_WORD = /^[a-z]+$/u;
const LATIN_WORD = new RegExp(`[a-z][a-z']{${typo.minLength - 1},}`, 'gu');

/** Builds the typo vocabulary from the knowledge's Latin words, its tokens and its synonyms. */
export function typoVocabulary(
  words: ReadonlySet<string>,
  tokenIds: ReadonlyMap<string, number>,
  synonyms: readonly (readonly string[])[],
): TypoVocabulary {
  const joinedTerms = new Map<string, string>();
  for (const group of synonyms)
    for (const term of group) {
      const parts = normalizeText(term).split(' ');
      if (parts.length > 1 && parts.every((part) => ENGLISH_WORD.test(part)))
        joinedTerms.set(parts.join(''), parts.join(' '));
    }
  const groups = new Map<string, string[]>();
  for (const word of words) {
    if (word.length < typo.minLength) continue;
    const letter = word[0] ?? '';
    const list = groups.get(letter) ?? [];
    list.push(word);
    groups.set(letter, list);
  }
  return {
    knownWords: words,
    tokenIds,
    joinedTerms,
    byFirstLetter: new Map(
      [...groups].map(([letter, list]) => [
        letter,
        new Fuse(list, { includeScore: true, threshold: typo.tolerance, ignoreLocation: true }),
      ]),
    ),
  };
}

/**
 * Replaces misspelt English words by the knowledge word Fuse.js finds closest ("esmi" → "esim",
 * "disconect" → "disconnect") before tokenising, so that a corrected word also meets its
 * synonyms.
 */
export function correctTypos(vocabulary: TypoVocabulary, normalized: string): string {
  let corrections = 0;
  return joinSplitWords(vocabulary, normalized).replace(LATIN_WORD, (word, at: number) => {
    if (vocabulary.knownWords.has(word)) return word;
    const parts = splitJoinedWord(vocabulary, word);
    if (parts) return parts;
    if (corrections >= typo.maxCorrections) return word;
    // Among equally close words, the one nearest in length; further off in length is another
    // word, not a typo of this one.
    const lengthGap = (candidate: string) => Math.abs(candidate.length - word.length);
    const hit = (
      vocabulary.byFirstLetter.get(word[0] ?? '')?.search(word, { limit: typo.searchLimit }) ?? []
    )
      .filter(
        (h) =>
          (h.score ?? 1) <= typo.tolerance &&
          lengthGap(h.item) <= typo.maxLengthGap &&
          plausibleTypo(word, h.item, besideHan(normalized, at, word.length)),
      )
      .sort((a, b) => (a.score ?? 1) - (b.score ?? 1) || lengthGap(a.item) - lengthGap(b.item))[0];
    if (!hit) return word;
    corrections++;
    return hit.item;
  });
}

const LATIN_RUN = /[a-z]+/gu;

/**
 * Joins two words the knowledge writes as one ("e sim" → "esim", "git hub" → "github"): a
 * space typed inside a term is as common a slip as a wrong letter. Two words the knowledge
 * uses apart stay apart (a lone letter is no word of its own).
 */
function joinSplitWords(vocabulary: TypoVocabulary, text: string): string {
  if (!text.includes(' ')) return text;
  const known = vocabulary.knownWords;
  const runs = [...text.matchAll(LATIN_RUN)];
  let out = '';
  let copied = 0;
  for (let i = 0; i + 1 < runs.length; i++) {
    const a = runs[i] as RegExpMatchArray;
    const b = runs[i + 1] as RegExpMatchArray;
    const [first, second] = [a[0], b[0]];
    const end = (a.index ?? 0) + first.length;
    if (
      text[end] === ' ' &&
      b.index === end + 1 &&
      known.has(first + second) &&
      !(first.length > 1 && known.has(first) && known.has(second))
    ) {
      out += text.slice(copied, end);
      copied = end + 1;
      i++;
    }
  }
  return out + text.slice(copied);
}

/**
 * Splits a word the knowledge writes as two ("smartcard" → "smart card", "simcards" → "sim
 * cards"): leaving the space out is as common a slip as typing one in. Each part must be a
 * word of the knowledge at least `splitPartMin` letters long that the index holds as a token of
 * its own, so that "another" or "without" never come apart (stop words are no tokens) nor does
 * "backdoor" into a word found only inside a synonym phrase ("door lock"), unless the two make
 * a synonym term together ("faucetwater" → "faucet water"). Of several splits, the most even.
 */
export function splitJoinedWord(vocabulary: TypoVocabulary, word: string): string | undefined {
  const term = vocabulary.joinedTerms.get(word);
  if (term !== undefined) return term;
  const min = typo.splitPartMin;
  const isPart = (part: string) =>
    vocabulary.knownWords.has(part) && vocabulary.tokenIds.has(stemLatinWords(part));
  let best: string | undefined;
  let bestShorter = 0;
  for (let at = min; at <= word.length - min; at++) {
    const first = word.slice(0, at);
    const second = word.slice(at);
    const shorter = Math.min(first.length, second.length);
    if (shorter > bestShorter && isPart(first) && isPart(second)) {
      best = `${first} ${second}`;
      bestShorter = shorter;
    }
  }
  return best;
}

const HAN_CHAR = /\p{Script=Han}/u;

// A Latin word written against Chinese characters ("esin是什么") is a product or term name, not
// an English word that one changed letter turns into another.
function besideHan(text: string, at: number, length: number): boolean {
  return HAN_CHAR.test(text.charAt(at - 1)) || HAN_CHAR.test(text.charAt(at + length));
}

/**
 * Whether `word` reads as a slip for `candidate`, by how many letters differ (a missing, extra,
 * changed or swapped letter is one edit):
 * - up to `strictUpTo` letters, one missing, extra or swapped letter only: one changed letter
 *   in a short English word usually makes another real word (game/same, match/watch), unless
 *   the word stands in Chinese text, where it is a term;
 * - up to `oneEditUpTo` letters, one edit of any kind: two edits in a word this long are mostly
 *   another word (explain/exploit, downside/downtime, verizon/version), not a slip;
 * - longer words, up to `maxEdits`.
 */
export function plausibleTypo(word: string, candidate: string, inChinese = false): boolean {
  if (word.length > typo.oneEditUpTo) return editsWithin(word, candidate, typo.maxEdits);
  if (word.length > typo.strictUpTo || inChinese) return editsWithin(word, candidate, 1);
  if (word.length !== candidate.length) return editsWithin(word, candidate, 1);
  const diff = [...word].flatMap((char, i) => (char === candidate[i] ? [] : [i]));
  const [a, b] = diff;
  return (
    diff.length === 2 &&
    a !== undefined &&
    b === a + 1 &&
    word[a] === candidate[b] &&
    word[b] === candidate[a]
  );
}

/**
 * True when `a` becomes `b` in at most `max` edits: a letter missing, extra, changed, or two
 * neighbours swapped (the optimal string alignment distance), computed row by row.
 */
export function editsWithin(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowBest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (before[j - 2] as number) + 1);
      current.push(d);
      rowBest = Math.min(rowBest, d);
    }
    if (rowBest > max) return false;
    before = previous;
    previous = current;
  }
  return (previous[b.length] as number) <= max;
}
