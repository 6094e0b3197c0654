/**
 * Chinese typed with a pinyin keyboard goes wrong by sound, not by shape: 自动段网 for 自动断网,
 * 码蚁 for 蚂蚁. A Chinese word of the question that the knowledge never uses is replaced by
 * the knowledge word that sounds the same (tones aside), when exactly one does.
 */
import type * as PinyinPro from 'pinyin-pro';
import { loadOnUse } from '../load-on-use.js';
import { BoundedCache } from './bounded-cache.js';

const HAN_WORD = /^\p{Script=Han}{2,}$/u;

/** The knowledge's Chinese words by their toneless pinyin; words that share one are left out. */
export type HomophoneTable = ReadonlyMap<string, string>;

// Loaded by the first word it is asked about: a start from the prepared knowledge has none.
const pinyinPro = loadOnUse<typeof PinyinPro>('pinyin-pro');
// A build reads every word of the knowledge, and the calibration's builds and the next reload
// read the same words again: each word's sound is worked out once.
const sounds = new BoundedCache<string, string>(100_000);
const sound = (word: string) =>
  sounds.get(word, (w) => pinyinPro().pinyin(w, { toneType: 'none', separator: '' }));

/**
 * Builds the table from the index's Chinese words of two characters or more, and from the
 * Chinese synonym terms, which stand for their concept token.
 */
export function homophoneTable(
  tokens: Iterable<string>,
  terms: Iterable<[term: string, concept: string]> = [],
): HomophoneTable {
  const steps = homophoneSteps(tokens, terms);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** {@link homophoneTable} as steps of a few hundred words, for a build that yields. */
export function* homophoneSteps(
  tokens: Iterable<string>,
  terms: Iterable<[term: string, concept: string]> = [],
): Generator<void, HomophoneTable> {
  const table = new Map<string, string | null>();
  const words: [string, string][] = [];
  for (const token of tokens) if (HAN_WORD.test(token)) words.push([token, token]);
  for (const [term, concept] of terms) if (HAN_WORD.test(term)) words.push([term, concept]);
  for (const [n, [word, token]] of words.entries()) {
    if (n % WORDS_PER_STEP === 0) yield;
    const key = sound(word);
    // Two words that sound alike: a misspelling could mean either, so it means neither.
    table.set(key, table.has(key) && table.get(key) !== token ? null : token);
  }
  const unique = new Map<string, string>();
  for (const [key, word] of table) if (word !== null) unique.set(key, word);
  return unique;
}

const WORDS_PER_STEP = 256;

/** The knowledge word `token` is a homophone typo of, or undefined. */
export function soundsLike(table: HomophoneTable, token: string): string | undefined {
  if (table.size === 0 || !HAN_WORD.test(token)) return undefined;
  return table.get(sound(token));
}
