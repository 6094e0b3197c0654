import { describe, expect, test } from 'vitest';
import { shareLink } from '../../src/bot/answer.js';
import { WELCOME_PAYLOAD } from '../../src/bot/features/welcome.js';
import { escapeHtml } from '../../src/bot/render.js';
import { repliesFor } from '../../src/bot/replies.js';
import type { Lang } from '../../src/knowledge/types.js';
import {
  answerActionButtons,
  GROUP_ID,
  logsWith,
  harnessPerTest,
  titleOf,
  USER_ID,
  visibleText,
  type BotHarness,
} from '../support/bot-harness.js';
import type { RecordedCall } from '../support/fake-bot-api.js';

const start = harnessPerTest();

interface ArticleResult {
  type: string;
  id: string;
  title: string;
  description?: string;
  input_message_content: { message_text: string; parse_mode?: string };
  reply_markup?: { inline_keyboard: { text: string; url?: string }[][] };
}

/** Sends an inline query and returns the accepted answerInlineQuery call and its results. */
async function inline(bot: BotHarness, query: string, user = USER_ID) {
  await bot.handle(bot.fake.inlineQuery(user, query));
  const call = bot.fake.callsOf('answerInlineQuery').at(-1) as RecordedCall;
  expect(call.state).toBe('ok');
  const raw = call.payload.results;
  const results = (typeof raw === 'string' ? JSON.parse(raw) : raw) as ArticleResult[];
  const button = call.payload.button;
  return {
    call,
    results,
    button: (typeof button === 'string' ? JSON.parse(button) : button) as
      { text: string; start_parameter: string } | undefined,
  };
}

describe('inline mode', () => {
  test('a broad question lists five sections: the answer and four alternatives', async () => {
    const bot = await start();
    const { results } = await inline(bot, 'how do I brew tea');
    expect(results.map((r) => r.id)).toHaveLength(5);
    expect(new Set(results.map((r) => r.id)).size).toBe(5);
    expect(results[0]).toMatchObject({ id: 'iced-tea' });
  });

  test.each([
    ['红茶怎么泡', 'black-tea', 'zh-Hans'],
    ['怎麼泡茶', 'iced-tea', 'zh-Hant'],
    ['what is green tea', 'green-tea', 'en'],
  ] as [string, string, Lang][])(
    '"%s" lists at most 5 sections, %s first, in %s',
    async (query, id, lang) => {
      const bot = await start();
      const { call, results } = await inline(bot, query);
      expect(results.length).toBeGreaterThanOrEqual(1);
      expect(results.length).toBeLessThanOrEqual(5);
      const [first] = results;
      const title = titleOf(bot.store, id, lang);
      expect(first).toMatchObject({ type: 'article', id, title });
      expect(first?.description?.length).toBeGreaterThan(10);
      expect(first?.description).not.toMatch(/\n/);
      expect(first?.input_message_content.parse_mode).toBe('HTML');
      expect(
        first?.input_message_content.message_text.startsWith(`<b>${escapeHtml(title)}</b>`),
      ).toBe(true);
      expect(first?.reply_markup?.inline_keyboard.flat()).toEqual([
        { text: repliesFor(lang).shareButton, url: shareLink(bot.fake.botInfo.username, id) },
      ]);
      // Every result is in the asker's language, and the ids are distinct sections.
      for (const result of results) expect(result.title).toBe(titleOf(bot.store, result.id, lang));
      expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
      expect(Number(call.payload.cache_time)).toBe(30);
    },
  );

  test('an empty query lists every topic in the asker’s interface language', async () => {
    const bot = await start();
    bot.fake.setUser(USER_ID, { language_code: 'zh-hans' });
    const { call, results } = await inline(bot, '');
    const sections = bot.store.current.knowledge.sections;
    expect(results.map((r) => r.id)).toEqual(sections.map((s) => s.id));
    expect(results.map((r) => r.title)).toEqual(
      sections.map((s) => titleOf(bot.store, s.id, 'zh-Hans')),
    );
    // The list depends on the user's language, so Telegram must not share it between users.
    expect(String(call.payload.is_personal)).toBe('true');
  });

  test('an off-topic query has no results and a button to ask in private', async () => {
    const bot = await start();
    const { results, button } = await inline(bot, 'who won the game last night');
    expect(results).toEqual([]);
    expect(button).toEqual({
      text: repliesFor('en').inlineNoAnswer,
      start_parameter: WELCOME_PAYLOAD,
    });
    // The button's /start greets, without a "topic no longer exists".
    await bot.handle(bot.fake.privateText(USER_ID, `/start ${WELCOME_PAYLOAD}`));
    const replies = repliesFor('en');
    expect(bot.fake.sent(USER_ID).map((s) => s.payload.text)).toEqual([
      replies.welcome('Test', undefined, titleOf(bot.store, 'green-tea', 'en')),
      replies.help(bot.fake.botInfo.username),
    ]);
  });

  test('the same question, written differently, is answered from the cache', async () => {
    const bot = await start();
    const first = await inline(bot, 'what is green tea');
    const second = await inline(bot, 'What is Green Tea?');
    expect(second.results).toEqual(first.results);
    expect(logsWith(bot.logs, 'inline query').map((l) => l.cached)).toEqual([false, true]);
    // Another language is another entry.
    await inline(bot, '绿茶是什么');
    expect(logsWith(bot.logs, 'inline query').at(-1)?.cached).toBe(false);
  });
});

describe('sharing and deep links', () => {
  test('an answer’s share button opens that section through /start', async () => {
    const bot = await start();
    await bot.handle(bot.fake.privateText(USER_ID, 'how do I brew tea'));
    const share = answerActionButtons(bot.fake.sent(USER_ID)[0]!).find((b) => b.url);
    const url = new URL(share?.url ?? '');
    expect(url.href).toBe(`https://t.me/${bot.fake.botInfo.username}?start=iced-tea`);

    const payload = url.searchParams.get('start') ?? '';
    await bot.handle(bot.fake.privateText(2002, `/start ${payload}`));
    const [shown] = bot.fake.sent(2002);
    expect(visibleText(shown!).startsWith(titleOf(bot.store, 'iced-tea', 'en'))).toBe(true);
    // The opened section can be shared on in turn.
    expect(answerActionButtons(shown!).map((b) => b.url)).toEqual([url.href]);
  });

  test('a group answer carries the share button too', async () => {
    const bot = await start();
    await bot.handle(bot.fake.groupText(GROUP_ID, USER_ID, '/ask what is green tea'));
    const [answer] = bot.fake.sent(GROUP_ID);
    expect(answerActionButtons(answer!).find((b) => b.url)?.url).toBe(
      shareLink(bot.fake.botInfo.username, 'green-tea'),
    );
  });

  test('/topics links every section to its deep link, and keeps a button per section', async () => {
    const bot = await start();
    await bot.handle(bot.fake.privateText(USER_ID, '/topics'));
    const [list] = bot.fake.sent(USER_ID);
    const sections = bot.store.current.knowledge.sections;
    const links = (list?.message.entities ?? []).flatMap((e) =>
      e.type === 'text_link' ? [e.url] : [],
    );
    expect(links).toEqual(sections.map((s) => shareLink(bot.fake.botInfo.username, s.id)));
    for (const s of sections) expect(visibleText(list!)).toContain(titleOf(bot.store, s.id, 'en'));
  });
});
