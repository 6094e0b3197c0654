import { describe, expect, test } from 'vitest';
import { repliesFor } from '../../src/bot/replies.js';
import type { BotSettings } from '../../src/bot/deps.js';
import {
  GROUP_ID,
  logsWith,
  harnessPerTest,
  titleOf,
  USER_ID,
  visibleText,
  type BotHarness,
} from '../support/bot-harness.js';

const startHarness = harnessPerTest();
const start = (settings: Partial<BotSettings> = {}): Promise<BotHarness> =>
  startHarness({ settings });

/** Sends a group message and returns it with what the bot sent to the group in response. */
async function say(
  bot: BotHarness,
  text: string,
  extra: Parameters<BotHarness['fake']['groupText']>[3] = {},
) {
  const before = bot.fake.sent(GROUP_ID).length;
  const update = bot.fake.groupText(GROUP_ID, USER_ID, text, extra);
  await bot.handle(update);
  const messageId = update.message?.message_id;
  if (messageId === undefined) throw new Error('no message in the update');
  return { messageId, replies: bot.fake.sent(GROUP_ID).slice(before) };
}

function replyTo(sent: { payload: Record<string, unknown> }): number | undefined {
  const params = sent.payload.reply_parameters as { message_id?: number } | undefined;
  return params?.message_id;
}

describe('addressed questions in groups', () => {
  test('/ask is answered with the section, threaded under the question', async () => {
    const bot = await start();
    const { messageId, replies } = await say(bot, '/ask 红茶怎么泡');
    expect(replies).toHaveLength(1);
    const [answer] = replies;
    expect(visibleText(answer!).startsWith(titleOf(bot.store, 'black-tea', 'zh-Hans'))).toBe(true);
    expect(answer?.payload.parse_mode).toBe('HTML');
    expect(replyTo(answer!)).toBe(messageId);
    expect(answer?.message.reply_to_message?.message_id).toBe(messageId);
    expect(logsWith(bot.logs, 'question').at(-1)).toMatchObject({
      chat: 'supergroup',
      section: 'black-tea',
    });
  });

  test('/ask@botname is answered too', async () => {
    const bot = await start();
    const { messageId, replies } = await say(
      bot,
      `/ask@${bot.fake.botInfo.username} what is green tea`,
    );
    expect(replies).toHaveLength(1);
    expect(visibleText(replies[0]!).startsWith(titleOf(bot.store, 'green-tea', 'en'))).toBe(true);
    expect(replyTo(replies[0]!)).toBe(messageId);
  });

  test('/ask addressed to another bot is left alone', async () => {
    const bot = await start();
    const { replies } = await say(bot, '/ask@some_other_bot what is green tea');
    expect(replies).toEqual([]);
  });

  test('/ask with no question gets the usage hint, threaded', async () => {
    const bot = await start();
    const { messageId, replies } = await say(bot, '/ask');
    expect(replies.map((r) => r.payload.text)).toEqual([
      repliesFor('en').emptyQuestion(titleOf(bot.store, 'green-tea', 'en')),
    ]);
    expect(replyTo(replies[0]!)).toBe(messageId);
  });

  test('an @mention of the bot is answered, threaded', async () => {
    const bot = await start();
    const { messageId, replies } = await say(bot, `@${bot.fake.botInfo.username} 红茶怎么泡`);
    expect(replies).toHaveLength(1);
    expect(visibleText(replies[0]!).startsWith(titleOf(bot.store, 'black-tea', 'zh-Hans'))).toBe(
      true,
    );
    expect(replyTo(replies[0]!)).toBe(messageId);
  });

  test('an @mention that only greets or thanks gets a word back, threaded, not a no-answer', async () => {
    const bot = await start();
    const me = `@${bot.fake.botInfo.username}`;
    const hello = await say(bot, `${me} 你好`);
    expect(hello.replies.map((r) => r.payload.text)).toEqual([
      repliesFor('zh-Hans').welcome('Test', undefined, titleOf(bot.store, 'green-tea', 'zh-Hans')),
    ]);
    expect(replyTo(hello.replies[0]!)).toBe(hello.messageId);
    const thanks = await say(bot, `thanks ${me}!`);
    expect(thanks.replies.map((r) => r.payload.text)).toEqual([repliesFor('en').youAreWelcome]);
  });

  test('a reply to one of the bot’s messages is answered, threaded', async () => {
    const bot = await start();
    const first = await say(bot, '/ask 红茶怎么泡');
    const botMessage = first.replies[0]?.message.message_id;
    expect(botMessage).toBeDefined();
    const { messageId, replies } = await say(bot, 'what is green tea', {
      reply_to_message: { message_id: botMessage ?? 0 },
    });
    expect(replies).toHaveLength(1);
    expect(visibleText(replies[0]!).startsWith(titleOf(bot.store, 'green-tea', 'en'))).toBe(true);
    expect(replyTo(replies[0]!)).toBe(messageId);
  });

  test('a thank-you in reply to the bot gets silence, not the no-answer', async () => {
    const bot = await start();
    const first = await say(bot, '/ask 红茶怎么泡');
    const botMessage = first.replies[0]?.message.message_id ?? 0;
    const thanks = await say(bot, 'thanks, very helpful 👍', {
      reply_to_message: { message_id: botMessage },
    });
    const followUp = await say(bot, 'and why does that happen?', {
      reply_to_message: { message_id: botMessage },
    });
    expect(thanks.replies).toEqual([]);
    expect(followUp.replies.map((r) => r.payload.text)).toEqual([repliesFor('en').noAnswerInGroup]);
  });

  test('an off-topic question gets the short group no-answer without a wall of buttons', async () => {
    const bot = await start();
    const { replies } = await say(bot, '/ask who won the game last night');
    expect(replies.map((r) => r.payload.text)).toEqual([repliesFor('en').noAnswerInGroup]);
    expect(replies[0]?.payload.reply_markup).toBeUndefined();
  });
});

describe('unaddressed group messages with GROUP_AUTO_ANSWER off', () => {
  test('ordinary chatter is not answered', async () => {
    const bot = await start({ groupAutoAnswer: false });
    await say(bot, '今天天气不错，晚上一起吃饭');
    await say(bot, 'lol see you all tomorrow');
    expect(bot.fake.callsOf('sendMessage')).toEqual([]);
  });

  test('even a domain question is not answered unless addressed', async () => {
    const bot = await start({ groupAutoAnswer: false });
    await say(bot, '红茶怎么泡');
    await say(bot, 'what is green tea?');
    expect(bot.fake.callsOf('sendMessage')).toEqual([]);
    expect(logsWith(bot.logs, 'question')).toEqual([]);
  });

  test('a reply to another member is not answered', async () => {
    const bot = await start({ groupAutoAnswer: false });
    const other = await say(bot, 'hello');
    await say(bot, 'what is green tea?', { reply_to_message: { message_id: other.messageId } });
    expect(bot.fake.callsOf('sendMessage')).toEqual([]);
  });
});

describe('unaddressed group messages with GROUP_AUTO_ANSWER on', () => {
  // Questions copied from the knowledge's own question lists: confident matches by design.
  const CONFIDENT = [
    ['红茶怎么泡？', 'black-tea', 'zh-Hans'],
    ['does green tea have caffeine?', 'green-tea', 'en'],
    ['绿茶怎么泡？', 'green-tea', 'zh-Hans'],
    ['how do I brew black tea?', 'black-tea', 'en'],
  ] as const;

  test('a confident question is answered, threaded', async () => {
    const bot = await start({ groupAutoAnswer: true, groupAutoPerMinute: 3 });
    const [question, id, lang] = CONFIDENT[0];
    const { messageId, replies } = await say(bot, question);
    expect(replies).toHaveLength(1);
    expect(visibleText(replies[0]!).startsWith(titleOf(bot.store, id, lang))).toBe(true);
    expect(replyTo(replies[0]!)).toBe(messageId);
  });

  test('chatter and off-topic questions are ignored', async () => {
    const bot = await start({ groupAutoAnswer: true, groupAutoPerMinute: 3 });
    await say(bot, '今天天气不错，晚上一起吃饭');
    await say(bot, 'haha nice one');
    await say(bot, 'who won the game last night?');
    await say(bot, '今天吃什么？');
    expect(bot.fake.callsOf('sendMessage')).toEqual([]);
    // The off-topic questions were matched, found wanting and not replied to.
    expect(logsWith(bot.logs, 'question').every((line) => line.replied === false)).toBe(true);
  });

  test('at most groupAutoPerMinute answers per group per minute', async () => {
    const bot = await start({ groupAutoAnswer: true, groupAutoPerMinute: 2 });
    for (const [question] of CONFIDENT) await say(bot, question);
    expect(bot.fake.sent(GROUP_ID)).toHaveLength(2);
    const logged = logsWith(bot.logs, 'question');
    expect(logged).toHaveLength(CONFIDENT.length);
    expect(logged.filter((line) => line.replied === true)).toHaveLength(2);
    // Addressed questions are not limited by the auto-answer budget.
    const asked = await say(bot, '/ask what is green tea');
    expect(asked.replies).toHaveLength(1);
    // Another group has its own budget.
    const otherGroup = GROUP_ID - 1;
    await bot.handle(bot.fake.groupText(otherGroup, USER_ID, CONFIDENT[1][0]));
    expect(bot.fake.sent(otherGroup)).toHaveLength(1);
  });
});

describe('non-text messages in groups', () => {
  test('a sticker gets silence', async () => {
    const bot = await start({ groupAutoAnswer: true });
    await bot.handle(bot.fake.sticker(GROUP_ID, USER_ID));
    await bot.handle(bot.fake.photo(GROUP_ID, USER_ID, { caption: 'what is green tea?' }));
    expect(bot.fake.calls).toEqual([]);
  });
});
