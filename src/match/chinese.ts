import type * as CnToTraditionalModule from 'opencc-js/cn2t';
import type * as TraditionalToCnModule from 'opencc-js/t2cn';
import { loadOnUse } from '../load-on-use.js';
import { SIMPLIFIED_ONLY, TRADITIONAL_ONLY } from './script-tables.generated.js';
import { chineseWordSegmenter } from './word-segmenter.js';

type Convert = (text: string) => string;

// The converters' code is loaded with their first use too, not at start-up.
const cnToTraditional = loadOnUse<typeof CnToTraditionalModule>('opencc-js/cn2t');
const traditionalToCn = loadOnUse<typeof TraditionalToCnModule>('opencc-js/t2cn');

const ASCII = /^\p{ASCII}*$/u;

// Converters load their dictionaries when built, which takes from ten to two hundred
// milliseconds each: build each one on first use, so start-up pays only for what it uses.
function lazy(build: () => Convert): Convert {
  let convert: Convert | undefined;
  return (text) => (convert ??= build())(text);
}

// Phrase-aware conversion (遠端 → 远程, 行動數據 → 移动数据) so Taiwan and Hong Kong wording
// meets the Simplified vocabulary the knowledge is written in.
const taiwanToSimplified = lazy(() => traditionalToCn().Converter({ from: 'twp', to: 'cn' }));
const hongKongToSimplified = lazy(() => traditionalToCn().Converter({ from: 'hk', to: 'cn' }));
const simplifiedToTaiwan = lazy(() => cnToTraditional().Converter({ from: 'cn', to: 'twp' }));

interface ScriptTables {
  /** Characters only Traditional (Taiwan or Hong Kong) writing uses. */
  traditional: RegExp;
  /** Characters only Simplified writing uses. */
  simplified: RegExp;
}

let tables: ScriptTables | undefined;

// Telling the scripts apart, or skipping a conversion that would change nothing, is one
// character-class scan: no string per character, which on the knowledge's long bodies cost
// more than the scan itself. The characters come from a generated file: deriving them from the
// dictionaries costs about a hundred milliseconds, a seventh of the start-up.
function scriptTables(): ScriptTables {
  tables ??= {
    traditional: new RegExp(`[${TRADITIONAL_ONLY}]`, 'gu'),
    simplified: new RegExp(`[${SIMPLIFIED_ONLY}]`, 'gu'),
  };
  return tables;
}

/**
 * Derives the character tables from opencc-js's dictionaries by converting the CJK blocks in
 * one call per direction. A character both directions change (么: 麼 one way, 幺 the other)
 * marks neither script. `npm run script-tables` writes the result to
 * `script-tables.generated.ts`; a test checks that the file still matches the dictionaries.
 */
export function deriveScriptTables(): { traditional: string; simplified: string } {
  let all = '';
  for (let cp = 0x3400; cp <= 0x9fff; cp++) all += String.fromCodePoint(cp);
  const chars = [...all];
  const fromTw = [...traditionalToCn().Converter({ from: 'tw', to: 'cn' })(all)];
  const fromHk = [...traditionalToCn().Converter({ from: 'hk', to: 'cn' })(all)];
  const toTraditional = [...cnToTraditional().Converter({ from: 'cn', to: 't' })(all)];
  let traditional = '';
  let simplified = '';
  chars.forEach((char, i) => {
    const becomesSimplified = fromTw[i] !== char || fromHk[i] !== char;
    const becomesTraditional = toTraditional[i] !== char;
    if (becomesSimplified && !becomesTraditional) traditional += char;
    if (becomesTraditional && !becomesSimplified) simplified += char;
  });
  return { traditional, simplified };
}

/** True when the text has at least one character written only in Traditional Chinese. */
export function hasTraditional(text: string): boolean {
  if (ASCII.test(text)) return false;
  // search() ignores the global flag's position, unlike test().
  return text.search(scriptTables().traditional) !== -1;
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

/**
 * Builds the Traditional converter and the word segmenter ahead of the first Chinese answer,
 * off the start-up path.
 */
export function warmUpChinese(): void {
  simplifiedToTaiwan('');
  chineseWordSegmenter();
}

/** Counts Han characters written in a form only one of the two scripts uses. */
export function countScriptMarkers(text: string): { traditional: number; simplified: number } {
  const { traditional, simplified } = scriptTables();
  return {
    traditional: text.match(traditional)?.length ?? 0,
    simplified: text.match(simplified)?.length ?? 0,
  };
}
