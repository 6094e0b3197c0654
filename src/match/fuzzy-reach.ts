/**
 * A cheap test that tells which texts Fuse.js's bitap search cannot match, before it reads
 * them. A match with at most `threshold × length` errors keeps every other character of the
 * pattern, in order, so a text whose longest common subsequence with the pattern is shorter
 * than that fails for sure: a Chinese keyword against an English question, or an English text
 * that shares the letters but not their order. Bitap pays the most for exactly those texts,
 * trying every error count up to the threshold before giving up, and leaving a text out that
 * would not match changes no score (Fuse.js combines the matching values only).
 *
 * Characters are compared as Fuse.js compares them: UTF-16 code units, in lower case. Patterns
 * longer than one bitap word (32 units), which Fuse.js scores in pieces, are not filtered.
 */
export function fuzzyReach(pattern: string, threshold: number): (text: string) => boolean {
  const lower = pattern.toLowerCase();
  const length = lower.length;
  // Rounding must never cost a text that Fuse.js would score at the threshold exactly.
  const needed = length - threshold * length - 1e-9;
  if (length > WORD_BITS || needed <= 0) return () => true;
  // Per code unit of the pattern, the positions where it occurs, as bits.
  const masks = new Map<number, number>();
  for (let i = 0; i < length; i++) {
    const unit = lower.charCodeAt(i);
    masks.set(unit, ((masks.get(unit) ?? 0) | (1 << i)) >>> 0);
  }
  const all = 2 ** length - 1;
  return (text) => {
    // The bit-parallel longest common subsequence (Allison and Dix; Hyyrö): a zero bit in
    // `v` for each pattern character matched so far, one pass over the text.
    const candidate = text.toLowerCase();
    let v = all;
    for (let i = 0; i < candidate.length; i++) {
      const mask = masks.get(candidate.charCodeAt(i));
      if (mask === undefined) continue;
      const u = (v & mask) >>> 0;
      v = ((v + u) | (v - u)) & all;
      v >>>= 0;
    }
    return length - popcount(v) >= needed;
  };
}

const WORD_BITS = 32;

function popcount(x: number): number {
  let n = x >>> 0;
  let count = 0;
  while (n !== 0) {
    n &= n - 1;
    count++;
  }
  return count;
}
