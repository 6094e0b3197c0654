/**
 * Chinese text as the set of its adjacent character pairs, for the similarity term. Words from
 * `Intl.Segmenter` depend on context (花呗额度 is 花|呗|额|度, 花呗的额度 is 花|呗|的|额度), so
 * two wordings of one question can share characters and few words; their character pairs say
 * how much of the one the other writes the same way.
 */

/** The pairs of a text without two Chinese characters side by side (shared, never written). */
export const NO_PAIRS = new Float64Array(0);
// Above every code point, so that a pair's two code points make one exact number.
const CODE_POINTS = 0x110000;

const HAN = /^\p{Script=Han}$/u;

// The unified ideographs by range, a comparison or two per character; the regular expression
// only for the few Han characters elsewhere (々, 〇, radicals). Below U+2E80 nothing is Han.
function isHan(codePoint: number): boolean {
  if (codePoint < 0x2e80) return false;
  if ((codePoint >= 0x4e00 && codePoint <= 0x9fff) || (codePoint >= 0x3400 && codePoint <= 0x4dbf))
    return true;
  return HAN.test(String.fromCodePoint(codePoint));
}

/** The distinct pairs of adjacent Chinese characters of a normalised text, sorted, as numbers. */
export function hanPairs(text: string): Float64Array {
  let previous = -1;
  const pairs: number[] = [];
  // By code unit, joining surrogate pairs: iterating the string would make a string per
  // character, of which English text, most of a knowledge base, has nothing to pair.
  for (let k = 0; k < text.length; k++) {
    let codePoint = text.charCodeAt(k);
    if (codePoint >= 0xd800 && codePoint <= 0xdbff) {
      const low = text.charCodeAt(k + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        codePoint = (codePoint - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        k++;
      }
    }
    if (!isHan(codePoint)) {
      previous = -1;
      continue;
    }
    if (previous !== -1) pairs.push(previous * CODE_POINTS + codePoint);
    previous = codePoint;
  }
  if (pairs.length === 0) return NO_PAIRS;
  pairs.sort((a, b) => a - b);
  const unique = pairs.filter((pair, i) => i === 0 || pair !== pairs[i - 1]);
  return Float64Array.from(unique);
}

/** The Dice coefficient of two sorted pair sets: twice the shared pairs over both sizes. */
export function pairDice(a: Float64Array, b: Float64Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return (2 * shared) / (a.length + b.length);
}
