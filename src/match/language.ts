import type { Lang } from '../knowledge/types.js';
import { countScriptMarkers } from './chinese.js';

const HAN = /\p{Script=Han}/gu;
const LATIN = /[A-Za-z]/g;

/**
 * Tells which language a question is written in. A Chinese question with English terms
 * ("eSIM能自动断网吗") is Chinese; Traditional is recognised by its characters. Text with no
 * letters at all (emoji, digits) takes `fallback`, typically the user's Telegram language.
 */
export function detectLanguage(text: string, fallback: Lang = 'en'): Lang {
  const han = text.match(HAN)?.length ?? 0;
  const latin = text.match(LATIN)?.length ?? 0;
  if (han === 0 && latin === 0) return fallback;
  // One stray character in a long English sentence does not make it Chinese.
  if (han === 0 || (han === 1 && latin > 12)) return 'en';
  const { traditional, simplified } = countScriptMarkers(text);
  if (traditional > simplified) return 'zh-Hant';
  if (traditional === 0 && simplified === 0 && fallback === 'zh-Hant') return 'zh-Hant';
  return 'zh-Hans';
}
