/**
 * fast-check arbitraries for hostile text: every kind of Unicode a chat client can send (and a
 * few it cannot, such as lone surrogates), markup that Telegram's parsers treat specially,
 * commands and mentions, in pieces and mixed, plus a few walls of 100,000 characters.
 */
import fc from 'fast-check';

const join = (parts: readonly string[]) => parts.join('');

/** The kinds of troublesome pieces, each on its own. */
export const pieces = {
  emoji: fc.constantFrom('😀', '👍🏽', '👨‍👩‍👧‍👦', '🇨🇳', '🏳️‍🌈', '❤️', '🤷‍♀️', '1️⃣', '🫠', '🧑🏿‍💻'),
  rtl: fc.constantFrom(
    'مرحبا',
    'ما هو eSIM؟',
    'كيف أقطع الإنترنت',
    'שלום',
    'מה זה eSIM',
    '\u202Eabc\u202C',
    '\u200F',
    '\u061C',
    '\u2067x\u2069',
  ),
  zeroWidth: fc.constantFrom('\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u180E'),
  combining: fc.constantFrom(
    '\u0301',
    '\u0300\u0316\u0317',
    '\u0308',
    '\u20DD',
    '\u0489',
    'e\u0301',
    'Z\u0338\u0321\u031B\u033A\u0344a\u0335l\u0334g\u0336o',
  ),
  loneSurrogate: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  whitespace: fc.constantFrom(
    ' ',
    '\t',
    '\n',
    '\r\n',
    '\u00A0',
    '\u3000',
    '\u2028',
    '\u2029',
    '\v',
    '\f',
    '\u1680',
  ),
  punctuation: fc.constantFrom(
    '?',
    '？',
    '!',
    '...',
    '。',
    '，',
    '、',
    '"',
    "'",
    '«»',
    '¿',
    '—',
    '-',
    '\\',
    '/',
    '|',
    '؟',
    '…',
  ),
  mention: fc.constantFrom('@esim_faq_test_bot', '@ESIM_FAQ_TEST_BOT', '@other_bot', '@'),
  markup: fc.constantFrom(
    '<b>',
    '</b>',
    '<i>',
    '&',
    '&amp;',
    '&lt;',
    '&#0;',
    '&#xD800;',
    '<a href="javascript:alert(1)">',
    '<script>',
    '*',
    '_',
    '[',
    ']',
    '(',
    ')',
    '~',
    '`',
    '```',
    '||',
    '>',
    '#',
    '**bold**',
    '[x](tg://user?id=1)',
  ),
  command: fc.constantFrom(
    '/ask',
    '/start',
    '/help',
    '/topics',
    '/ask@esim_faq_test_bot',
    '/start@esim_faq_test_bot',
    '/reload',
    '/stats',
    '/',
  ),
  question: fc.constantFrom(
    'what is an esim',
    'eSIM能自动断网吗',
    '實體卡怎麼斷網',
    'esim',
    'SIM卡',
    'cut off data',
    '断网',
    'smart card',
    'kill switch',
  ),
  control: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  nonCharacter: fc.constantFrom(
    '\uFFFE',
    '\uFFFF',
    '\u{10FFFF}',
    '\u{E0001}',
    '\u{1D400}',
    '\uFFFD',
  ),
  binary: fc.string({ unit: 'binary', maxLength: 12 }),
  grapheme: fc.string({ unit: 'grapheme', maxLength: 12 }),
};

/** A mix of up to 30 pieces of any kind. */
export const mixedText: fc.Arbitrary<string> = fc
  .array(fc.oneof(...Object.values(pieces)), { maxLength: 30 })
  .map(join);

/** Texts of one telling shape: empty, only whitespace, only punctuation, only a mention… */
export const shapedText: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.array(pieces.whitespace, { minLength: 1, maxLength: 40 }).map(join),
  fc.array(pieces.zeroWidth, { minLength: 1, maxLength: 40 }).map(join),
  fc.array(pieces.punctuation, { minLength: 1, maxLength: 40 }).map(join),
  fc.array(pieces.markup, { minLength: 1, maxLength: 40 }).map(join),
  fc.array(pieces.emoji, { minLength: 1, maxLength: 40 }).map(join),
  pieces.mention,
  fc.tuple(pieces.mention, pieces.whitespace, pieces.mention).map(join),
  fc.tuple(pieces.command, fc.constantFrom(' ', '\n', '  '), mixedText).map(join),
  fc.tuple(pieces.command, fc.constantFrom('', ' ')).map(join),
  fc.tuple(mixedText, pieces.question, mixedText).map(join),
);

/** Any string: full Unicode code points, graphemes, mixes and shapes. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 100 }),
  fc.string({ unit: 'binary-ascii', maxLength: 200 }),
  mixedText,
  shapedText,
);

/** Strings of exactly 100,000 UTF-16 code units: a wall of one piece, cut anywhere. */
export const hugeText: fc.Arbitrary<string> = fc
  .oneof(mixedText, pieces.question, pieces.emoji, fc.string({ unit: 'binary', minLength: 1 }))
  .filter((s) => s.length > 0)
  .map((s) => s.repeat(Math.ceil(100_000 / s.length)).slice(0, 100_000));

/** Text after `/ask ` in a group: junk, maybe with a question in it. */
export const askText: fc.Arbitrary<string> = fc.oneof(anyText, shapedText, mixedText);
