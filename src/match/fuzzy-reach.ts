/**
 * A cheap test that tells which texts Fuse.js's bitap search cannot match, before it reads
 * them. A match with at most `threshold × length` errors keeps every other character of the
 * pattern, in order, so a text holding fewer of the pattern's characters than that fails for
 * sure: a Chinese keyword against an English question, for one. Bitap pays the most for exactly
 * those texts, trying every error count up to the threshold before giving up, and leaving a
 * text out that would not match changes no score (Fuse.js combines the matching values only).
 *
 * Characters are compared as Fuse.js compares them: UTF-16 code units, in lower case.
 */
export function fuzzyReach(pattern: string, threshold: number): (text: string) => boolean {
  const lower = pattern.toLowerCase();
  const units = new Map<number, number>();
  for (let i = 0; i < lower.length; i++) {
    const unit = lower.charCodeAt(i);
    units.set(unit, (units.get(unit) ?? 0) + 1);
  }
  const needed = lower.length - threshold * lower.length;
  return (text) => {
    if (needed <= 0) return true;
    const candidate = text.toLowerCase();
    // Counts left per code unit live in one shared table, filled for the pattern's few units
    // and emptied again before returning: a table per text was the costly part of this test.
    for (const [unit, count] of units) left[unit] = count;
    let kept = 0;
    for (let i = 0; i < candidate.length && kept < needed; i++) {
      const unit = candidate.charCodeAt(i);
      if ((left[unit] as number) > 0) {
        left[unit] = (left[unit] as number) - 1;
        kept++;
      }
    }
    for (const unit of units.keys()) left[unit] = 0;
    return kept >= needed;
  };
}

// One slot per UTF-16 code unit; all zero between calls.
const left = new Uint16Array(0x10000);
