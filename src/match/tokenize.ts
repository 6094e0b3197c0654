import { stemmer } from 'stemmer';
import { normalizeText } from './normalize.js';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const HAN_CHAR = /^\p{Script=Han}$/u;
const HAN_WORD = /^\p{Script=Han}+$/u;
const LATIN_RUN = /[a-z][a-z']*/gu;

// Words that occur in any question whatever it is about. Question words (什么, how, can) stay:
// they separate "what is X" from "can X do Y".
const STOP_WORDS = new Set([
  ...'的 了 是 我 你 他 她 它 们 这 那 个 就 都 也 还 和 与 及 或 在 有 被 把 给 让 对 而 且 啊 吗 呢 吧 呀 哦 之 其 该 此'.split(
    ' ',
  ),
  ...'我的 你的 我们 你们 他们 这个 那个 一个 一下 有没有 是不是 可不可以 能不能 请 问'.split(' '),
  ...'a an the is are am was were be been to of in on at for and or i me my mine you your it its this that these those with by from as so do does did there here im'.split(
    ' ',
  ),
]);

/** Concept tokens stand for a whole synonym group; the prefix keeps them apart from words. */
export const CONCEPT_PREFIX = '~';

/** Finds synonym terms in normalised text, longest first, and turns each into one concept token. */
export interface ConceptFinder {
  /** Returns the concept tokens found and the text with those terms blanked out. */
  extract(text: string): { concepts: string[]; rest: string };
}

/**
 * Builds a {@link ConceptFinder} from synonym groups. A term's Latin edges match at word
 * boundaries only, so that "sim卡" does not fire inside "esim卡"; Chinese edges match anywhere.
 */
export function createConceptFinder(groups: readonly (readonly string[])[]): ConceptFinder {
  const terms: { term: string; concept: string; latinStart: boolean; latinEnd: boolean }[] = [];
  groups.forEach((group) => {
    const concept = CONCEPT_PREFIX + normalizeText(group[0] ?? '').replace(/\s+/gu, '_');
    for (const raw of group) {
      const term = stemLatinWords(normalizeText(raw));
      if (term !== '')
        terms.push({
          term,
          concept,
          latinStart: isWordChar(term[0]),
          latinEnd: isWordChar(term[term.length - 1]),
        });
    }
  });
  terms.sort((a, b) => b.term.length - a.term.length);
  return {
    extract(text) {
      const concepts: string[] = [];
      let rest = text;
      for (const { term, concept, latinStart, latinEnd } of terms) {
        let from = 0;
        for (;;) {
          const at = rest.indexOf(term, from);
          if (at < 0) break;
          const end = at + term.length;
          if ((latinStart && isWordChar(rest[at - 1])) || (latinEnd && isWordChar(rest[end]))) {
            from = at + 1;
            continue;
          }
          concepts.push(concept);
          rest = `${rest.slice(0, at)} ${' '.repeat(term.length - 1)}${rest.slice(end)}`;
          from = end;
        }
      }
      return { concepts, rest };
    },
  };
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[a-z0-9]/u.test(char);
}

/**
 * Splits normalised text into index tokens: concept tokens for synonym terms, stemmed English
 * words, and Chinese words from `Intl.Segmenter`. Runs of single Chinese characters that the
 * segmenter's dictionary does not know as a word (断|网) are also joined in pairs (断网), so
 * that domain terms survive segmentation.
 */
export function tokenize(normalized: string, concepts?: ConceptFinder): string[] {
  const stemmed = stemLatinWords(normalized);
  const found = concepts?.extract(stemmed) ?? { concepts: [], rest: stemmed };
  const tokens = [...found.concepts];
  let previousSingleHan: string | undefined;
  for (const { segment, isWordLike } of segmenter.segment(found.rest)) {
    if (!isWordLike) {
      if (segment.trim() !== '') previousSingleHan = undefined;
      continue;
    }
    if (HAN_CHAR.test(segment)) {
      if (STOP_WORDS.has(segment)) {
        previousSingleHan = undefined;
        continue;
      }
      if (previousSingleHan !== undefined) tokens.push(previousSingleHan + segment);
      previousSingleHan = segment;
      tokens.push(segment);
      continue;
    }
    previousSingleHan = undefined;
    if (STOP_WORDS.has(segment)) continue;
    if (HAN_WORD.test(segment)) tokens.push(segment);
    else tokens.push(segment);
  }
  return tokens;
}

/**
 * Replaces every English word by its stem ("watches" → "watch"), before synonyms are looked up,
 * so that a synonym matches in any inflection.
 */
export function stemLatinWords(text: string): string {
  return text.replace(LATIN_RUN, (word) => (STOP_WORDS.has(word) ? word : stemmer(word)));
}

/** True for a single Chinese character: such tokens say less than words and weigh less. */
export function isSingleHan(token: string): boolean {
  return HAN_CHAR.test(token);
}
