import * as OpenCC from 'opencc-js';

// Phrase-aware conversion (遠端 → 远程, 行動數據 → 移动数据) so Taiwan and Hong Kong wording
// meets the Simplified vocabulary the knowledge is written in.
const traditionalToSimplified = OpenCC.Converter({ from: 'twp', to: 'cn' });
const hongKongToSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });
const simplifiedToTraditional = OpenCC.Converter({ from: 'cn', to: 'twp' });
// Character-level converters only, for telling the scripts apart: phrase tables would count a
// vocabulary difference (软件/軟體) as a script difference.
const charToSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
const charToTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

const HAN = /\p{Script=Han}/u;

/** Converts Traditional Chinese (Taiwan or Hong Kong) to Simplified, for matching. */
export function toSimplified(text: string): string {
  return hongKongToSimplified(traditionalToSimplified(text));
}

/** Converts Simplified Chinese to Traditional (Taiwan wording), for answering in `zh-Hant`. */
export function toTraditional(text: string): string {
  return simplifiedToTraditional(text);
}

/** Counts Han characters written in a form only one of the two scripts uses. */
export function countScriptMarkers(text: string): { traditional: number; simplified: number } {
  let traditional = 0;
  let simplified = 0;
  for (const char of text) {
    if (!HAN.test(char)) continue;
    if (charToSimplified(char) !== char) traditional++;
    if (charToTraditional(char) !== char) simplified++;
  }
  return { traditional, simplified };
}
