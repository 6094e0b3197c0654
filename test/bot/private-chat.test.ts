import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseShowSectionData, topicLinkLines } from '../../src/bot/answer.js';
import { escapeHtml } from '../../src/bot/render.js';
import { repliesFor } from '../../src/bot/replies.js';
import type { Lang } from '../../src/knowledge/types.js';
import {
  buttonsOf,
  errorLogs,
  logsWith,
  sectionButtons,
  sectionById,
  SHIPPED_KNOWLEDGE,
  startBotHarness,
  titleOf,
  USER_ID,
  visibleText,
  type BotHarness,
} from '../support/bot-harness.js';

let h: BotHarness;

beforeEach(async () => {
  h = await startBotHarness();
});

afterEach(async () => {
  await h.close();
});

/** The language code of each script's callback data (`s:<code>:<id>`). */
const CODE: Record<Lang, string> = { 'zh-Hans': 's', 'zh-Hant': 't', en: 'e' };

async function ask(text: string, userId = USER_ID) {
  await h.handle(h.fake.privateText(userId, text));
  return h.fake.sent(userId);
}

/** Checks one answer message: the section in `lang`, bold title first, HTML, `s:` buttons. */
function expectSectionAnswer(
  sent: ReturnType<BotHarness['fake']['sent']>,
  id: string,
  lang: Lang,
): void {
  expect(sent).toHaveLength(1);
  const [answer] = sent;
  if (!answer) throw new Error('no answer');
  const title = titleOf(h.store, id, lang);
  expect(answer.payload.parse_mode).toBe('HTML');
  expect(answer.payload.text).toMatch(new RegExp(`^<b>${escapeRegExp(escapeHtml(title))}</b>`));
  expect(visibleText(answer).startsWith(title)).toBe(true);
  expect(answer.message.entities?.[0]).toMatchObject({
    type: 'bold',
    offset: 0,
    length: title.length,
  });
  for (const button of sectionButtons(answer)) {
    expect(button.callback_data).toMatch(new RegExp(`^s:${CODE[lang]}:[a-z0-9-]+$`));
    // An alternative is another section, never the one answered.
    expect(button.callback_data).not.toBe(`s:${CODE[lang]}:${id}`);
    const target = parseShowSectionData(button.callback_data ?? '');
    expect(button.text).toBe(titleOf(h.store, target?.id ?? '', lang));
  }
  const logged = logsWith(h.logs, 'question');
  expect(logged.at(-1)).toMatchObject({ section: id, lang, replied: true, chat: 'private' });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('private questions', () => {
  test('a Simplified Chinese question gets its section in Simplified Chinese', async () => {
    const sent = await ask('绿茶怎么泡');
    expectSectionAnswer(sent, 'green-tea', 'zh-Hans');
    expect(errorLogs(h.logs)).toEqual([]);
  });

  test('an English question gets its section in English', async () => {
    const sent = await ask('what is green tea');
    expectSectionAnswer(sent, 'green-tea', 'en');
    // The English body, not the Chinese one.
    expect(visibleText(sent[0]!)).toMatch(/Green tea/);
    expect(visibleText(sent[0]!)).not.toMatch(/[\u4e00-\u9fff]/);
  });

  test('a Traditional Chinese question is answered in Traditional characters', async () => {
    const sent = await ask('綠茶是什麼');
    expectSectionAnswer(sent, 'green-tea', 'zh-Hant');
    const simplified = titleOf(h.store, 'green-tea', 'zh-Hans');
    const traditional = titleOf(h.store, 'green-tea', 'zh-Hant');
    expect(traditional).not.toBe(simplified);
    expect(visibleText(sent[0]!)).not.toContain(simplified);
    // The body too is converted, not only the title.
    expect(visibleText(sent[0]!)).toMatch(/[經葉熱鐘變]/);
  });

  test.each([
    ['今天吃什么', 'zh-Hans'],
    ['who won the game last night', 'en'],
  ] as const)('off-topic %s gets the honest no-answer and every topic', async (question, lang) => {
    const sent = await ask(question);
    expect(sent).toHaveLength(1);
    const [reply] = sent;
    expect(reply?.payload.text).toBe(repliesFor(lang).noAnswer);
    const sections = h.store.current.knowledge.sections;
    const rows = reply ? buttonsOf(reply) : [];
    expect(rows).toHaveLength(sections.length);
    expect(rows.map((b) => b.callback_data)).toEqual(
      sections.map((s) => `s:${CODE[lang]}:${s.id}`),
    );
    expect(logsWith(h.logs, 'question').at(-1)).toMatchObject({ section: null, replied: true });
  });

  test('a question that came near a section gets the no-answer with that section first', async () => {
    const [reply] = await ask('how tall do coffee trees grow');
    expect(reply?.payload.text).toBe(repliesFor('en').noAnswer);
    const ids = (reply ? buttonsOf(reply) : []).map((b) => b.callback_data?.split(':').at(-1));
    expect(ids[0]).toBe('coffee-beans');
    expect([...ids].sort()).toEqual(h.store.current.knowledge.sections.map((s) => s.id).sort());
  });

  test('pressing an alternative button answers the query and sends that section', async () => {
    const answer = (await ask('怎么泡茶'))[0];
    if (!answer) throw new Error('no answer');
    // The alternatives depend on the matcher's scores; the topic list is the fallback.
    let button = sectionButtons(answer)[0];
    if (!button) {
      await h.handle(h.fake.privateText(USER_ID, '/topics'));
      button = buttonsOf(h.fake.sent(USER_ID).at(-1)!)[1];
    }
    const data = button?.callback_data ?? '';
    expect(data).toMatch(/^s:/);
    const target = parseShowSectionData(data);
    if (!target) throw new Error(`unreadable callback data ${data}`);
    const before = h.fake.sent(USER_ID).length;

    const press = h.fake.callbackQuery(USER_ID, USER_ID, data);
    await h.handle(press);

    const answered = h.fake.callsOf('answerCallbackQuery');
    expect(answered).toHaveLength(1);
    expect(answered[0]?.state).toBe('ok');
    expect(answered[0]?.payload.callback_query_id).toBe(press.callback_query?.id);
    const shown = h.fake.sent(USER_ID).slice(before);
    expect(shown).toHaveLength(1);
    expect(visibleText(shown[0]!).startsWith(titleOf(h.store, target.id, target.lang))).toBe(true);
    expect(shown[0]?.payload.parse_mode).toBe('HTML');
  });

  test('a forged or stale button is answered without an error', async () => {
    await h.handle(h.fake.callbackQuery(USER_ID, USER_ID, 's:e:no-such-section'));
    expect(h.fake.callsOf('answerCallbackQuery')[0]?.state).toBe('ok');
    const [reply] = h.fake.sent(USER_ID);
    expect(reply?.payload.text).toBe(repliesFor('en').unknownSection);
    expect(buttonsOf(reply!)).toHaveLength(h.store.current.knowledge.sections.length);
    expect(errorLogs(h.logs)).toEqual([]);
  });
});

describe('commands in private', () => {
  test('/start green-tea (deep link) shows the green-tea section', async () => {
    const sent = await ask('/start green-tea');
    expect(sent).toHaveLength(1);
    expect(visibleText(sent[0]!).startsWith(titleOf(h.store, 'green-tea', 'en'))).toBe(true);
    expect(sent[0]?.payload.parse_mode).toBe('HTML');
    expect(logsWith(h.logs, 'section shown')[0]).toMatchObject({ section: 'green-tea' });
  });

  test('/start green-tea from a Chinese-speaking user shows the section in Chinese', async () => {
    h.fake.setUser(USER_ID, { language_code: 'zh-hans' });
    const sent = await ask('/start green-tea');
    expect(visibleText(sent[0]!).startsWith(titleOf(h.store, 'green-tea', 'zh-Hans'))).toBe(true);
  });

  test('/start alone sends the welcome and how to ask', async () => {
    h.fake.setUser(USER_ID, { first_name: 'Ada' });
    const sent = await ask('/start');
    const replies = repliesFor('en');
    expect(sent.map((s) => s.payload.text)).toEqual([
      replies.welcome('Ada', undefined, titleOf(h.store, 'green-tea', 'en')),
      replies.help(h.fake.botInfo.username),
    ]);
    // The fixture is about drinks and says nothing of what it covers: the greeting names no
    // topic of its own, and the example to try is the first section's question.
    expect(sent[0]?.payload.text).not.toMatch(/SIM/i);
    expect(visibleText(sent[0]!)).toContain(titleOf(h.store, 'green-tea', 'en'));
  });

  test.each([
    ['en', 'I answer questions about SIM cards, eSIM, automatic network cut-off and data limits.'],
    ['zh-hant', '我回答關於SIM 卡、eSIM、自動斷網和流量上限的問題。'],
  ] as const)(
    '/start on the shipped knowledge says what it covers, in %s',
    async (languageCode, sentence) => {
      await h.close();
      h = await startBotHarness({ knowledgeFrom: SHIPPED_KNOWLEDGE });
      h.fake.setUser(USER_ID, { first_name: 'Ada', language_code: languageCode });
      const [welcome] = await ask('/start');
      expect(visibleText(welcome!)).toContain(sentence);
    },
  );

  test.each([
    ['what can you do?', 'en'],
    ['你是机器人吗', 'zh-Hans'],
  ] as const)('asked "%s", it says what it answers and how to ask', async (question, lang) => {
    h.fake.setUser(USER_ID, { first_name: 'Ada' });
    const sent = await ask(question);
    expect(sent.map((s) => s.payload.text)).toEqual([
      repliesFor(lang).welcome('Ada', undefined, titleOf(h.store, 'green-tea', lang)),
    ]);
    expect(logsWith(h.logs, 'question').at(-1)).toMatchObject({ section: null, best: null });
  });

  test.each([
    ['hi!', 'en'],
    ['你好', 'zh-Hans'],
  ] as const)('"%s" gets the greeting, not a no-answer, and is no question', async (text, lang) => {
    h.fake.setUser(USER_ID, { first_name: 'Ada' });
    const sent = await ask(text);
    expect(sent.map((s) => s.payload.text)).toEqual([
      repliesFor(lang).welcome('Ada', undefined, titleOf(h.store, 'green-tea', lang)),
    ]);
    expect(logsWith(h.logs, 'question')).toEqual([]);
  });

  test.each([
    ['thanks!', 'en'],
    ['👍', 'en'],
    ['谢谢', 'zh-Hans'],
  ] as const)('"%s" gets a word back, not a no-answer', async (text, lang) => {
    const sent = await ask(text);
    expect(sent.map((s) => s.payload.text)).toEqual([repliesFor(lang).youAreWelcome]);
    expect(logsWith(h.logs, 'question')).toEqual([]);
  });

  test('a greeting with a question in it is answered', async () => {
    const [answer] = await ask('hi, how do i brew green tea?');
    expect(visibleText(answer!).startsWith(titleOf(h.store, 'green-tea', 'en'))).toBe(true);
  });

  test('/start with an unknown section id gets one message with the topic list, not an error', async () => {
    const sent = await ask('/start unknown-id');
    expect(sent.map((s) => s.payload.text)).toEqual([repliesFor('en').unknownSection]);
    expect(buttonsOf(sent[0]!)).toHaveLength(h.store.current.knowledge.sections.length);
    expect(h.fake.calls.every((call) => call.state === 'ok')).toBe(true);
    expect(errorLogs(h.logs)).toEqual([]);
  });

  test('a press on a button no feature knows is still answered', async () => {
    await h.handle(h.fake.callbackQuery(USER_ID, USER_ID, 'x:from-an-older-version'));
    const [answer] = h.fake.callsOf('answerCallbackQuery');
    expect(answer?.state).toBe('ok');
    expect(answer?.payload.text).toBe(repliesFor('en').unknownSection);
  });

  test('/help explains how to ask', async () => {
    const sent = await ask('/help');
    expect(sent.map((s) => s.payload.text)).toEqual([
      repliesFor('en').help(h.fake.botInfo.username),
    ]);
    expect(visibleText(sent[0]!)).toContain(`@${h.fake.botInfo.username}`);
  });

  test('/topics lists one button per section', async () => {
    const sent = await ask('/topics');
    expect(sent).toHaveLength(1);
    const sections = h.store.current.knowledge.sections;
    expect(sent[0]?.payload.text).toBe(
      repliesFor('en').topicsWithLinks(topicLinkLines(sections, 'en', h.fake.botInfo.username)),
    );
    expect(sections.length).toBeGreaterThan(5);
    const buttons = buttonsOf(sent[0]!);
    expect(buttons.map((b) => b.text)).toEqual(sections.map((s) => titleOf(h.store, s.id, 'en')));
    expect(buttons.map((b) => b.callback_data)).toEqual(sections.map((s) => `s:e:${s.id}`));
    // Every button opens its section.
    expect(sectionById(h.store, 'green-tea')).toBeDefined();
  });
});

describe('non-text messages in private', () => {
  test('a sticker gets the hint to type the question', async () => {
    await h.handle(h.fake.sticker(USER_ID, USER_ID));
    expect(h.fake.sent(USER_ID).map((s) => s.payload.text)).toEqual([
      repliesFor('en').nonText(titleOf(h.store, 'green-tea', 'en')),
    ]);
  });

  test('a photo gets the same hint', async () => {
    await h.handle(h.fake.photo(USER_ID, USER_ID, { caption: 'what is this' }));
    expect(h.fake.sent(USER_ID).map((s) => s.payload.text)).toEqual([
      repliesFor('en').nonText(titleOf(h.store, 'green-tea', 'en')),
    ]);
  });
});

describe('flood control per user', () => {
  test('a user sending too fast is told once to slow down, then ignored', async () => {
    await h.close();
    h = await startBotHarness({ settings: { userMessagesPerSecond: 2 } });
    // Stickers: the cheapest messages to handle, so all four fall in the same second.
    for (let i = 0; i < 4; i++) await h.handle(h.fake.sticker(USER_ID, USER_ID));
    const replies = repliesFor('en');
    const hint = replies.nonText(titleOf(h.store, 'green-tea', 'en'));
    expect(h.fake.sent(USER_ID).map((s) => s.payload.text)).toEqual([hint, hint, replies.tooFast]);
    expect(logsWith(h.logs, 'user rate limit exceeded')).toHaveLength(1);
  });
});
