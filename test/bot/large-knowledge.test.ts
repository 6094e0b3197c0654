import { describe, expect, test } from 'vitest';
import {
  TOPICS_PER_PAGE,
  topicListData,
  topicPageCount,
  topicPageData,
} from '../../src/bot/answer.js';
import { repliesFor } from '../../src/bot/replies.js';
import {
  askPrivately,
  buttonsOf,
  harnessPerTest,
  USER_ID,
  writeSection,
  type BotHarness,
} from '../support/bot-harness.js';
import type { SentMessage } from '../support/fake-bot-api.js';

// An operator's FAQ far larger than a topic list can show at once: the fixture's 12 sections
// and 100 more. Telegram refuses a message with more than 100 buttons under it, so listing
// every topic under a no-answer would lose the reply.
const EXTRA = 100;
const start = harnessPerTest();
const en = repliesFor('en');

async function largeBot(): Promise<BotHarness> {
  return start({
    prepareKnowledge: async (dir) => {
      for (let n = 1; n <= EXTRA; n++) {
        await writeSection(dir, `50-gadget-${n}.md`, {
          id: `gadget-${n}`,
          title: { 'zh-Hans': `${n}号小工具是什么`, en: `What is gadget model ${n}?` },
          body: {
            'zh-Hans': `${n}号小工具是一种用来测试的小工具。`,
            en: `Gadget model ${n} is a small tool made for testing.`,
          },
          questions: {
            'zh-Hans': [`${n}号小工具怎么用`],
            en: [`how do i use gadget model ${n}`],
          },
        });
      }
    },
  });
}

async function press(bot: BotHarness, message: SentMessage, data: string): Promise<SentMessage[]> {
  const before = bot.fake.sent(USER_ID).length;
  await bot.handle(bot.fake.callbackQuery(USER_ID, USER_ID, data, message.message.message_id));
  return bot.fake.sent(USER_ID).slice(before);
}

const sectionIdsOf = (message: SentMessage) =>
  buttonsOf(message).flatMap((b) => /^s:e:(.+)$/.exec(b.callback_data ?? '')?.slice(1) ?? []);

describe('a knowledge base too large to list at once', () => {
  test('an unanswered question gets its reply, with the nearest topics and a button to all', async () => {
    const bot = await largeBot();
    const sections = bot.store.current.knowledge.sections;
    expect(sections).toHaveLength(12 + EXTRA);

    // Near the fixture's coffee beans section, but no answer of it.
    const [near, ...more] = await askPrivately(bot, USER_ID, 'how tall do coffee trees grow');
    expect(more).toEqual([]);
    expect(near?.payload.text).toBe(en.noAnswerNearest);
    const nearButtons = near ? buttonsOf(near) : [];
    expect(nearButtons.length).toBeLessThanOrEqual(5);
    expect(near ? sectionIdsOf(near)[0] : undefined).toBe('coffee-beans');
    expect(nearButtons.at(-1)).toMatchObject({
      text: en.topicsButton,
      callback_data: topicListData('en'),
    });

    // Near nothing at all: the list is still a button away.
    const [none] = await askPrivately(bot, USER_ID, 'qwxz vbnm');
    expect(none?.payload.text).toBe(en.noAnswerAsk);
    expect(none ? buttonsOf(none).map((b) => b.callback_data) : []).toEqual([topicListData('en')]);
  });

  test('the list comes a page at a time, and its buttons turn the page in place', async () => {
    const bot = await largeBot();
    const sections = bot.store.current.knowledge.sections;
    const pages = topicPageCount(sections);
    expect(pages).toBe(Math.ceil((12 + EXTRA) / TOPICS_PER_PAGE));

    const [none] = await askPrivately(bot, USER_ID, 'qwxz vbnm');
    if (!none) throw new Error('no reply');
    const [first, ...others] = await press(bot, none, topicListData('en'));
    expect(others).toEqual([]);
    if (!first) throw new Error('no topic list');
    expect(first.method).toBe('sendMessage');
    expect(first.payload.text).toBe(en.topicsPage(1, pages, sections.length));
    const ids = (from: number, to: number) => sections.slice(from, to).map((s) => s.id);
    expect(sectionIdsOf(first)).toEqual(ids(0, TOPICS_PER_PAGE));
    expect(buttonsOf(first).at(-1)).toMatchObject({ callback_data: topicPageData('en', 1) });

    const [second] = await press(bot, first, topicPageData('en', 1));
    if (!second) throw new Error('the page did not turn');
    expect(second.method).toBe('editMessageText');
    expect(second.message.message_id).toBe(first.message.message_id);
    expect(sectionIdsOf(second)).toEqual(ids(TOPICS_PER_PAGE, 2 * TOPICS_PER_PAGE));
    expect(
      buttonsOf(second)
        .slice(-2)
        .map((b) => b.callback_data),
    ).toEqual([topicPageData('en', 0), topicPageData('en', 2)]);

    // The last page has the rest and no "next"; a page past the end (a list from before a
    // reload shortened the knowledge) shows the last one.
    const [last] = await press(bot, second, topicPageData('en', pages + 5));
    if (!last) throw new Error('the page did not turn');
    expect(sectionIdsOf(last)).toEqual(ids((pages - 1) * TOPICS_PER_PAGE, sections.length));
    expect(buttonsOf(last).at(-1)?.callback_data).toBe(topicPageData('en', pages - 2));
    expect(bot.fake.sent(USER_ID).every((m) => buttonsOf(m).length <= 100)).toBe(true);
  });

  test('/topics sends one message, the first page, instead of every topic', async () => {
    const bot = await largeBot();
    const before = bot.fake.sent(USER_ID).length;
    await bot.handle(bot.fake.privateText(USER_ID, '/topics'));
    const sent = bot.fake.sent(USER_ID).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0] ? sectionIdsOf(sent[0]) : []).toHaveLength(TOPICS_PER_PAGE);
  });
});
