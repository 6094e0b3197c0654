import { describe, expect, test } from 'vitest';
import { htmlToPlain, MESSAGE_LIMIT } from '../../src/bot/render.js';
import {
  buttonsOf,
  errorLogs,
  GROUP_ID,
  logsWith,
  harnessPerTest,
  titleOf,
  USER_ID,
  visibleText,
  writeSection,
} from '../support/bot-harness.js';

const start = harnessPerTest();

const LONG_QUESTION = 'how do zebras cross rivers';
const LAST_PARAGRAPH = 'Paragraph 12 of the zebra crossing guide.';

/**
 * Two twin sections about an unusual topic with one question, so that one answers it and the
 * other is its alternative (a button), each with an English body well over 4096 characters.
 */
async function addLongSections(dir: string): Promise<void> {
  const paragraph = (i: number) =>
    `Paragraph ${i} of the zebra crossing guide. ` +
    'Zebras cross rivers in large herds, and the guide describes each step of the crossing in plain words for curious readers. '.repeat(
      4,
    );
  const body = Array.from({ length: 12 }, (_, i) => paragraph(i + 1)).join('\n\n');
  expect(body.length).toBeGreaterThan(MESSAGE_LIMIT + 1000);
  for (const [file, id] of [
    ['90-zebra-a.md', 'zebra-guide-a'],
    ['91-zebra-b.md', 'zebra-guide-b'],
  ] as const) {
    await writeSection(dir, file, {
      id,
      title: { 'zh-Hans': `斑马过河指南 ${id}`, en: `Zebra crossing guide ${id}` },
      body: { 'zh-Hans': '斑马成群过河。', en: body },
      questions: { 'zh-Hans': ['斑马怎么过河'], en: [LONG_QUESTION] },
      keywords: { 'zh-Hans': ['斑马'], en: ['zebra', 'river crossing'] },
    });
  }
}

const HOSTILE_ID = 'hostile-markup';

/** A section whose title and body carry raw markup Telegram's HTML parser would reject. */
async function addHostileSection(dir: string): Promise<void> {
  await writeSection(dir, '92-hostile.md', {
    id: HOSTILE_ID,
    title: { 'zh-Hans': '标记 <script> & 朋友', en: 'Markup <script> & friends' },
    body: {
      'zh-Hans': '正文 <script>alert(1)</script> & AT&T <b>没有闭合',
      en: [
        '<script>alert("x")</script>',
        '',
        'Inline <script>&amp; AT&T <b>unclosed tag and 1 < 2 > 0 &nope; [a link](javascript:alert(1)).',
        '',
        '- a list item with <i>stray</i> & <u>tags',
      ].join('\n'),
    },
    questions: { 'zh-Hans': ['标记测试问题'], en: ['which markup do hostile sections use'] },
  });
}

describe('flood control', () => {
  test('a 429 with retry_after=1 on the first send: the answer arrives once, after the wait', async () => {
    const bot = await start();
    bot.fake.failNext('sendMessage', {
      kind: 'error',
      code: 429,
      description: 'Too Many Requests: retry after 1',
      retryAfter: 1,
    });
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));

    const calls = bot.fake.callsOf('sendMessage');
    expect(calls.map((c) => c.state)).toEqual(['error', 'ok']);
    expect(calls[0]?.errorCode).toBe(429);
    const sent = bot.fake.sent(USER_ID);
    expect(sent).toHaveLength(1);
    expect(visibleText(sent[0]!).startsWith(titleOf(bot.store, 'green-tea', 'en'))).toBe(true);
    expect(sent[0]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(bot.fake.violations).toEqual([]);
    expect(errorLogs(bot.logs)).toEqual([]);
  });
});

describe('long answers', () => {
  test('a section longer than 4096 characters is split, with the buttons on the last part only', async () => {
    const bot = await start({ prepareKnowledge: addLongSections });
    await bot.handle(bot.fake.privateText(USER_ID, LONG_QUESTION));

    const sent = bot.fake.sent(USER_ID);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(bot.fake.callsOf('sendMessage').every((c) => c.state === 'ok')).toBe(true);
    for (const part of sent) {
      expect(String(part.payload.text).length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect([...visibleText(part)].length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(part.payload.parse_mode).toBe('HTML');
    }
    const answered = logsWith(bot.logs, 'question')[0]?.section as string;
    expect(['zebra-guide-a', 'zebra-guide-b']).toContain(answered);
    expect(visibleText(sent[0]!).startsWith(titleOf(bot.store, answered, 'en'))).toBe(true);
    // Nothing is lost: the last paragraph ends the last part.
    expect(visibleText(sent.at(-1)!)).toContain(LAST_PARAGRAPH);
    // Buttons only under the last part; its twin is the alternative.
    for (const part of sent.slice(0, -1)) expect(part.payload.reply_markup).toBeUndefined();
    const buttons = buttonsOf(sent.at(-1)!);
    expect(buttons.length).toBeGreaterThan(0);
    const twin = answered === 'zebra-guide-a' ? 'zebra-guide-b' : 'zebra-guide-a';
    expect(buttons.map((b) => b.callback_data)).toContain(`s:e:${twin}`);
  });

  test('a long section shown from a button is split too', async () => {
    const bot = await start({ prepareKnowledge: addLongSections });
    await bot.handle(bot.fake.callbackQuery(USER_ID, USER_ID, 's:e:zebra-guide-b'));
    const sent = bot.fake.sent(USER_ID);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(visibleText(sent.at(-1)!)).toContain(LAST_PARAGRAPH);
    expect(bot.fake.callsOf('answerCallbackQuery')[0]?.state).toBe('ok');
  });
});

describe('hostile markup', () => {
  test('HTML-like characters in a private question do not break the reply', async () => {
    const bot = await start();
    await bot.handle(bot.fake.privateText(USER_ID, '红茶怎么泡 <b>&*_[]'));
    await bot.handle(bot.fake.privateText(USER_ID, '<b>&*_[]</i> <script>'));
    const calls = bot.fake.callsOf('sendMessage');
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.state === 'ok' && c.payload.parse_mode === 'HTML')).toBe(true);
    expect(errorLogs(bot.logs)).toEqual([]);
  });

  test('HTML-like characters in a group /ask do not break the reply', async () => {
    const bot = await start();
    await bot.handle(bot.fake.groupText(GROUP_ID, USER_ID, '/ask <b>&*_[] 红茶怎么泡'));
    const calls = bot.fake.callsOf('sendMessage');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.state).toBe('ok');
  });

  test('raw markup in a section title and body is escaped and shown as text', async () => {
    const bot = await start({ prepareKnowledge: addHostileSection });
    await bot.handle(bot.fake.privateText(USER_ID, `/start ${HOSTILE_ID}`));

    const calls = bot.fake.callsOf('sendMessage');
    expect(calls.map((c) => c.state)).toEqual(['ok']);
    expect(calls[0]?.payload.parse_mode).toBe('HTML');
    const text = visibleText(bot.fake.sent(USER_ID)[0]!);
    expect(text.startsWith('Markup <script> & friends')).toBe(true);
    expect(text).toContain('<script>alert("x")</script>');
    expect(text).toContain('AT&T <b>unclosed');
    expect(text).toContain('1 < 2 > 0');
    // An unsafe link keeps its label and loses its target.
    expect(text).toContain('a link');
    expect(text).not.toContain('javascript:');
    expect(errorLogs(bot.logs)).toEqual([]);
  });

  test('the hostile section is also answered in Traditional Chinese through a button', async () => {
    const bot = await start({ prepareKnowledge: addHostileSection });
    await bot.handle(bot.fake.callbackQuery(USER_ID, USER_ID, `s:t:${HOSTILE_ID}`));
    const text = visibleText(bot.fake.sent(USER_ID)[0]!);
    expect(text).toContain('<script>');
    expect(text).toContain('AT&T');
  });
});

describe('rejected formatting', () => {
  test('a 400 "can\'t parse entities" falls back to the same answer in plain text', async () => {
    const bot = await start();
    bot.fake.failNext('sendMessage', {
      kind: 'error',
      code: 400,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0',
    });
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));

    const calls = bot.fake.callsOf('sendMessage');
    expect(calls.map((c) => c.state)).toEqual(['error', 'ok']);
    const [html, plain] = calls;
    expect(plain?.payload.parse_mode).toBeUndefined();
    expect(plain?.payload.text).toBe(htmlToPlain(String(html?.payload.text)));
    expect(String(plain?.payload.text).startsWith(titleOf(bot.store, 'green-tea', 'en'))).toBe(
      true,
    );
    expect(String(plain?.payload.text)).not.toMatch(/<\/?b>/);
    // The buttons survive the fallback.
    expect(plain?.payload.reply_markup).toEqual(html?.payload.reply_markup);
    expect(bot.fake.sent(USER_ID)).toHaveLength(1);
    expect(errorLogs(bot.logs)).toEqual([]);
  });

  test('another 400 is logged with the method and not retried as plain text', async () => {
    const bot = await start();
    bot.fake.failNext('sendMessage', {
      kind: 'error',
      code: 400,
      description: 'Bad Request: chat not found',
    });
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));
    expect(bot.fake.callsOf('sendMessage')).toHaveLength(1);
    expect(logsWith(bot.logs, 'Telegram rejected a call')[0]).toMatchObject({
      method: 'sendMessage',
      code: 400,
    });
  });

  test('a user who blocked the bot is logged once per chat as forbidden', async () => {
    const bot = await start();
    const blocked = {
      kind: 'error',
      code: 403,
      description: 'Forbidden: bot was blocked by the user',
    } as const;
    bot.fake.failNext('sendMessage', blocked, 2);
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));
    expect(logsWith(bot.logs, 'forbidden: the bot cannot write to this chat')).toHaveLength(1);
    expect(errorLogs(bot.logs)).toEqual([]);
  });
});
