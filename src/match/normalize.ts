import { toSimplified } from './chinese.js';

// Words that carry politeness or tone but not meaning. Chinese particles sit at sentence ends;
// the English ones are whole words. Kept short: an over-eager list deletes real questions.
const CHINESE_FILLER =
  /请问一下|请问|想问一下|想问问|问一下|我想知道|想知道|大家好|各位好|谢谢你|谢谢|麻烦了|麻烦|一下|[吗呢吧啊呀嘛哈哦噢㗎]+(?=[\s?？!！。,，.]|$)/gu;
const ENGLISH_FILLER =
  /\b(?:please|pls|plz|thanks|thank you|thx|hi|hey|hello|can you tell me|could you tell me|tell me|i want to know|i wonder|i would like to know|anyone know|does anyone know|quick question|(?:i have|i got|i've got|got) a question|just wondering|i(?: am| was)? wondering)\b/gu;
// Colloquial words and the written ones they stand for, as they read once Simplified: 啥 is
// 什么 and 咋 is 怎么; written Cantonese (Hong Kong) has its own (咩 什么, 冇 没有, 喺 在, 嘅 的,
// 系咪 是不是, 点样 怎么, 俾人 被人). Knowledge written in the standard words still answers a
// question asked in these.
// Only words that mean nothing else in Mandarin are listed: 係 (是 in Cantonese) is
// Simplified to 系, as in 关系, so it is read as 是 only within 系咪 and 系唔系.
const COLLOQUIAL_CHINESE: Readonly<Record<string, string>> = {
  啥: '什么',
  咋: '怎么',
  系唔系: '是不是',
  系咪: '是不是',
  系咩: '是什么',
  有冇: '有没有',
  咩: '什么',
  乜嘢: '什么',
  嘢: '东西',
  冇: '没有',
  喺: '在',
  嘅: '的',
  咗: '了',
  啲: '些',
  佢: '他',
  唔: '不',
  嚟: '来',
  而家: '现在',
  点样: '怎么',
  点算: '怎么办',
  点办: '怎么办',
  点解: '为什么',
  边度: '哪里',
  边个: '谁',
  几多: '多少',
  俾人: '被人',
  咁样: '这样',
  搞掂: '搞定',
  睇: '看',
  攞: '拿',
  揾: '找',
  畀: '给',
  哋: '们',
};
const COLLOQUIAL = new RegExp(
  Object.keys(COLLOQUIAL_CHINESE)
    .sort((a, b) => b.length - a.length)
    .join('|'),
  'gu',
);
// English clitics: the word they hang on is what the index knows ("kid's" is "kid", "what's"
// is "what"), and "n't" is "not". Phones type the apostrophe as ’ (or ʼ): the same mark.
const APOSTROPHE_LIKE = /(?<=\p{L})[\u2019\u02BC](?=\p{L}|\s|$)/gu;
const NOT_CLITIC = /\b([a-z]+)n't\b/g;
const NOT_HOSTS: Readonly<Record<string, string>> = {
  ca: 'can',
  wo: 'will',
  sha: 'shall',
  ai: 'is',
};
const CLITIC = /\b([a-z]+)'(?:s|m|re|ve|ll|d)\b/g;
const PLURAL_POSSESSIVE = /\b([a-z]+s)'(?![a-z])/g;
const BOT_COMMAND = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/u;
const MENTION = /@[A-Za-z0-9_]{3,}/gu;

/** The text with its @mentions blanked out: a mention names whom a message is for, not its topic. */
export function withoutMentions(text: string): string {
  return text.replace(MENTION, ' ');
}
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF\u00AD]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;
const HAN_SPACING = /(?<=\p{Script=Han})\s+|\s+(?=\p{Script=Han})/gu;
const HAN = /\p{Script=Han}/u;
const SURROGATE = /[\uD800-\uDFFF]/u;
const PUNCTUATION = /[\p{P}\p{S}]+/gu;
const ASCII_ONLY = /^\p{ASCII}*$/u;
// The ASCII characters of PUNCTUATION (every ASCII character that is neither a letter, a digit,
// a space nor a control is one), as a class that needs no Unicode table.
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]+/g;

/** The longest question the matcher reads; the rest of a pasted wall of text adds no meaning. */
export const MAX_QUESTION_CHARS = 500;

/**
 * Brings a question to the form the index is built in (questions are cut at
 * {@link MAX_QUESTION_CHARS}; the index passes no limit for section bodies): NFKC (full-width → half-width), lower
 * case, Simplified script, without bot commands, @mentions, filler words and punctuation.
 */
export function normalizeText(raw: string, options: { maxChars?: number } = {}): string {
  const maxChars = options.maxChars ?? MAX_QUESTION_CHARS;
  let text = raw.slice(0, maxChars * 2);
  if (ASCII_ONLY.test(text)) return normalizeAscii(text, maxChars);
  // The lookarounds test every position: run them only on text with a surrogate at all.
  if (SURROGATE.test(text)) text = text.replace(LONE_SURROGATE, '');
  text = text.normalize('NFKC').replace(INVISIBLE, '').trim();
  text = withoutMentions(text).trim().replace(BOT_COMMAND, ' ');
  text = toSimplified(expandClitics(text.toLowerCase().replace(APOSTROPHE_LIKE, "'")));
  text = text.replace(COLLOQUIAL, (c) => COLLOQUIAL_CHINESE[c] ?? c);
  text = text.replace(CHINESE_FILLER, ' ').replace(ENGLISH_FILLER, ' ');
  text = text.replace(PUNCTUATION, keepLoneHyphenOrApostrophe);
  // "SIM 卡" and "SIM卡" are the same term: spacing around Chinese characters is a typing habit.
  if (HAN.test(text)) text = text.replace(HAN_SPACING, '');
  // A cut between the two halves of a surrogate pair would leave half a character behind.
  return text
    .replace(/\s+/gu, ' ')
    .trim()
    .slice(0, maxChars)
    .replace(/[\uD800-\uDBFF]$/u, '');
}

/** "can't" → "can not", "kid's" → "kid", "kids'" → "kids": only the host word carries meaning. */
function expandClitics(text: string): string {
  if (!text.includes("'")) return text;
  return text
    .replace(NOT_CLITIC, (_, host: string) => `${NOT_HOSTS[host] ?? host} not`)
    .replace(CLITIC, '$1')
    .replace(PLURAL_POSSESSIVE, '$1');
}

// A single hyphen or apostrophe joins the parts of a word; any other punctuation separates.
function keepLoneHyphenOrApostrophe(match: string): string {
  return /[-']/u.test(match) && match.length === 1 ? match : ' ';
}

/**
 * {@link normalizeText} for text of ASCII characters only, most of an English knowledge base:
 * the same steps less those that change no ASCII character (NFKC, invisible and lone surrogate
 * characters, Traditional script, Chinese fillers and spacing).
 */
function normalizeAscii(raw: string, maxChars: number): string {
  let text = raw.trim();
  text = withoutMentions(text).trim().replace(BOT_COMMAND, ' ');
  text = expandClitics(text.toLowerCase()).replace(ENGLISH_FILLER, ' ');
  text = text.replace(ASCII_PUNCTUATION, keepLoneHyphenOrApostrophe);
  return text.replace(/\s+/gu, ' ').trim().slice(0, maxChars);
}
