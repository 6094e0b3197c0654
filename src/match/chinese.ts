import * as OpenCC from 'opencc-js';

// Phrase-aware conversion (遠端 → 远程, 行動數據 → 移动数据) so Taiwan and Hong Kong wording
// meets the Simplified vocabulary the knowledge is written in.
const traditionalToSimplified = OpenCC.Converter({ from: 'twp', to: 'cn' });
const hongKongToSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });
const simplifiedToTraditional = OpenCC.Converter({ from: 'cn', to: 'twp' });

interface ScriptTables {
  /** Characters only Traditional (Taiwan or Hong Kong) writing uses. */
  traditional: ReadonlySet<string>;
  /** Characters only Simplified writing uses. */
  simplified: ReadonlySet<string>;
}

let tables: ScriptTables | undefined;

// Character-level tables, built once by converting the CJK blocks in one call each (tens of
// milliseconds): afterwards telling the scripts apart, or skipping a conversion that would
// change nothing, is a set lookup per character.
function scriptTables(): ScriptTables {
  if (tables) return tables;
  let all = '';
  for (let cp = 0x3400; cp <= 0x9fff; cp++) all += String.fromCodePoint(cp);
  const chars = [...all];
  const fromTw = [...OpenCC.Converter({ from: 'tw', to: 'cn' })(all)];
  const fromHk = [...OpenCC.Converter({ from: 'hk', to: 'cn' })(all)];
  const toTw = [...OpenCC.Converter({ from: 'cn', to: 'tw' })(all)];
  const traditional = new Set<string>();
  const simplified = new Set<string>();
  // A character both conversions change (么: 幺 one way, 麼 the other) marks neither script.
  chars.forEach((char, i) => {
    const toSimplified = fromTw[i] !== char || fromHk[i] !== char;
    const toTraditional = toTw[i] !== char;
    if (toSimplified && !toTraditional) traditional.add(char);
    if (toTraditional && !toSimplified) simplified.add(char);
  });
  tables = { traditional, simplified };
  return tables;
}

/** True when the text has at least one character written only in Traditional Chinese. */
export function hasTraditional(text: string): boolean {
  const { traditional } = scriptTables();
  for (const char of text) if (traditional.has(char)) return true;
  return false;
}

/**
 * Converts Traditional Chinese (Taiwan or Hong Kong) to Simplified, for matching. Text with no
 * Traditional character is returned as it is: most questions and all knowledge are Simplified
 * or English, and the phrase tables are the costliest step of normalisation.
 */
export function toSimplified(text: string): string {
  if (!hasTraditional(text)) return text;
  return hongKongToSimplified(traditionalToSimplified(text));
}

/** Converts Simplified Chinese to Traditional (Taiwan wording), for answering in `zh-Hant`. */
export function toTraditional(text: string): string {
  return simplifiedToTraditional(text);
}

/** Counts Han characters written in a form only one of the two scripts uses. */
export function countScriptMarkers(text: string): { traditional: number; simplified: number } {
  const { traditional: t, simplified: s } = scriptTables();
  let traditional = 0;
  let simplified = 0;
  for (const char of text) {
    if (t.has(char)) traditional++;
    if (s.has(char)) simplified++;
  }
  return { traditional, simplified };
}
