import * as CnToTraditional from 'opencc-js/cn2t';
import * as TraditionalToCn from 'opencc-js/t2cn';

type Convert = (text: string) => string;

const ASCII = /^\p{ASCII}*$/u;

// Converters load their dictionaries when built, which takes from ten to two hundred
// milliseconds each: build each one on first use, so start-up pays only for what it uses.
function lazy(build: () => Convert): Convert {
  let convert: Convert | undefined;
  return (text) => (convert ??= build())(text);
}

// Phrase-aware conversion (遠端 → 远程, 行動數據 → 移动数据) so Taiwan and Hong Kong wording
// meets the Simplified vocabulary the knowledge is written in.
const taiwanToSimplified = lazy(() => TraditionalToCn.Converter({ from: 'twp', to: 'cn' }));
const hongKongToSimplified = lazy(() => TraditionalToCn.Converter({ from: 'hk', to: 'cn' }));
const simplifiedToTaiwan = lazy(() => CnToTraditional.Converter({ from: 'cn', to: 'twp' }));

interface ScriptTables {
  /** Characters only Traditional (Taiwan or Hong Kong) writing uses. */
  traditional: ReadonlySet<string>;
  /** Characters only Simplified writing uses. */
  simplified: ReadonlySet<string>;
}

let tables: ScriptTables | undefined;

// Character-level tables, built once by converting the CJK blocks in one call per direction
// (about a hundred milliseconds): afterwards telling the scripts apart, or skipping a conversion
// that would change nothing, is a set lookup per character. A character both directions change
// (么: 麼 one way, 幺 the other) marks neither script.
function scriptTables(): ScriptTables {
  if (tables) return tables;
  let all = '';
  for (let cp = 0x3400; cp <= 0x9fff; cp++) all += String.fromCodePoint(cp);
  const chars = [...all];
  const fromTw = [...TraditionalToCn.Converter({ from: 'tw', to: 'cn' })(all)];
  const fromHk = [...TraditionalToCn.Converter({ from: 'hk', to: 'cn' })(all)];
  const toTraditional = [...CnToTraditional.Converter({ from: 'cn', to: 't' })(all)];
  const traditional = new Set<string>();
  const simplified = new Set<string>();
  chars.forEach((char, i) => {
    const becomesSimplified = fromTw[i] !== char || fromHk[i] !== char;
    const becomesTraditional = toTraditional[i] !== char;
    if (becomesSimplified && !becomesTraditional) traditional.add(char);
    if (becomesTraditional && !becomesSimplified) simplified.add(char);
  });
  tables = { traditional, simplified };
  return tables;
}

/** True when the text has at least one character written only in Traditional Chinese. */
export function hasTraditional(text: string): boolean {
  if (ASCII.test(text)) return false;
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
  return hongKongToSimplified(taiwanToSimplified(text));
}

/** Converts Simplified Chinese to Traditional (Taiwan wording), for answering in `zh-Hant`. */
export function toTraditional(text: string): string {
  return simplifiedToTaiwan(text);
}

/** Builds the Traditional converter ahead of the first `zh-Hant` answer, off the start-up path. */
export function warmUpTraditional(): void {
  simplifiedToTaiwan('');
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
