import { describe, expect, test } from 'vitest';
import { parseVoteData } from '../../src/bot/answer.js';
import { repliesFor } from '../../src/bot/replies.js';
import type { FeedbackStore, QuestionRecord } from '../../src/feedback/feedback-store.js';
import { MemoryFeedbackStore } from '../../src/feedback/memory-feedback-store.js';
import {
  ADMIN_ID,
  answerActionButtons,
  errorLogs,
  GROUP_ID,
  keyboardOf,
  logsWith,
  sectionButtons,
  harnessPerTest,
  USER_ID,
  type BotHarness,
} from '../support/bot-harness.js';
import type { SentMessage } from '../support/fake-bot-api.js';

const startHarness = harnessPerTest();
const start = (feedback?: FeedbackStore): Promise<BotHarness> =>
  startHarness(feedback ? { feedback } : {});

function voteButtons(sent: SentMessage): { up: string; down: string } {
  const [up, down] = answerActionButtons(sent).filter((b) => b.callback_data);
  if (!up?.callback_data || !down?.callback_data) throw new Error('no vote buttons');
  return { up: up.callback_data, down: down.callback_data };
}

/** Presses a button and returns the text of the callback answer. */
async function press(bot: BotHarness, user: number, chat: number, data: string, message: number) {
  await bot.handle(bot.fake.callbackQuery(user, chat, data, message));
  const answer = bot.fake.callsOf('answerCallbackQuery').at(-1);
  expect(answer?.state).toBe('ok');
  return answer?.payload.text;
}

describe('👍 / 👎 under answers', () => {
  test('an answer carries 👍, 👎 and share under its alternatives; callback data fits 64 bytes', async () => {
    const bot = await start();
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));
    const [answer] = bot.fake.sent(USER_ID);
    if (!answer) throw new Error('no answer');
    const actions = answerActionButtons(answer);
    expect(actions.map((b) => b.text)).toEqual(['👍', '👎', repliesFor('en').shareButton]);
    const { up, down } = voteButtons(answer);
    expect(parseVoteData(up)).toMatchObject({ value: 1 });
    expect(parseVoteData(down)).toMatchObject({ value: -1 });
    for (const data of [up, down]) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    // The action row comes last, after the alternatives.
    const rows = keyboardOf(answer);
    expect(rows.at(-1)?.map((b) => b.text)).toEqual(actions.map((b) => b.text));
    expect(sectionButtons(answer).length).toBe(rows.length - 1);
  });

  test('👍 then 👎 by the same user is one vote, changed; the same button again keeps it', async () => {
    const bot = await start();
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));
    const answer = bot.fake.sent(USER_ID)[0]!;
    const { up, down } = voteButtons(answer);
    const id = answer.message.message_id;
    const replies = repliesFor('en');

    expect(await press(bot, USER_ID, USER_ID, up, id)).toBe(replies.voteThanks);
    expect(await press(bot, USER_ID, USER_ID, down, id)).toBe(replies.voteChanged);
    expect(await press(bot, USER_ID, USER_ID, down, id)).toBe(replies.voteThanks);
    expect((await bot.feedback.summary(new Date(0))).votes).toEqual([
      { sectionId: 'green-tea', up: 0, down: 1 },
    ]);
    expect(logsWith(bot.logs, 'vote').map((l) => l.outcome)).toEqual([
      'recorded',
      'changed',
      'unchanged',
    ]);
    // No user id or name in the vote's log line either.
    for (const line of logsWith(bot.logs, 'vote'))
      expect(JSON.stringify(line)).not.toContain(String(USER_ID));
  });

  test('two users voting on one group answer are two votes, and /stats shows them', async () => {
    const bot = await start();
    await bot.handle(bot.fake.groupText(GROUP_ID, USER_ID, '/ask how do I brew tea'));
    const answer = bot.fake.sent(GROUP_ID)[0]!;
    const { up, down } = voteButtons(answer);
    const id = answer.message.message_id;
    await press(bot, 2001, GROUP_ID, down, id);
    await press(bot, 2002, GROUP_ID, down, id);
    await press(bot, 2003, GROUP_ID, up, id);
    expect((await bot.feedback.summary(new Date(0))).votes).toEqual([
      { sectionId: 'iced-tea', up: 1, down: 2 },
    ]);

    await bot.handle(bot.fake.privateText(ADMIN_ID, '/stats'));
    const stats = bot.fake.sent(ADMIN_ID).map((s) => s.message.text ?? '');
    expect(stats.join('\n')).toContain('Feedback: iced-tea 👍1 👎2');
    expect(stats.join('\n')).toContain('Last day: 1 questions, 100% answered (1)');
  });

  test('a no-answer carries no vote buttons; a forged vote is answered politely', async () => {
    const bot = await start();
    await bot.handle(bot.fake.privateText(USER_ID, '今天吃什么'));
    const [reply] = bot.fake.sent(USER_ID);
    expect(answerActionButtons(reply!)).toEqual([]);

    const id = reply!.message.message_id;
    expect(await press(bot, USER_ID, USER_ID, 'v:1:d', id)).toBe(repliesFor('en').voteUnknown);
    expect(await press(bot, USER_ID, USER_ID, 'v:999:u', id)).toBe(repliesFor('en').voteUnknown);
    expect(await press(bot, USER_ID, USER_ID, 'v:x:u', id)).toBe(repliesFor('en').voteUnknown);
    expect(errorLogs(bot.logs)).toEqual([]);
  });

  test('the question is recorded without the user: text, language, section, score, chat type', async () => {
    const records: QuestionRecord[] = [];
    const feedback = new MemoryFeedbackStore();
    const record = feedback.recordQuestion.bind(feedback);
    feedback.recordQuestion = (question) => {
      records.push(question);
      return record(question);
    };
    const bot = await start(feedback);
    await bot.handle(bot.fake.privateText(USER_ID, '红茶怎么泡', { from: { first_name: 'Ada' } }));
    await bot.handle(bot.fake.groupText(GROUP_ID, USER_ID, '/ask pizza recipe'));
    const summary = await feedback.summary(new Date(0));
    expect(summary).toMatchObject({ questions: 2, answered: 1 });
    expect(await feedback.unansweredSince(new Date(0), 10)).toMatchObject([
      { text: 'pizza recipe' },
    ]);
    expect(records).toEqual([
      {
        text: '红茶怎么泡',
        lang: 'zh-Hans',
        bestSection: 'black-tea',
        score: expect.any(Number) as number,
        answered: true,
        chatType: 'private',
        at: expect.any(Date) as Date,
      },
      {
        text: 'pizza recipe',
        lang: 'en',
        bestSection: undefined,
        score: 0,
        answered: false,
        chatType: 'supergroup',
        at: expect.any(Date) as Date,
      },
    ]);
    expect(JSON.stringify(records)).not.toMatch(new RegExp(`Ada|${USER_ID}`));
  });

  test('when the store fails the answer is still sent, without vote buttons', async () => {
    const feedback = new MemoryFeedbackStore();
    feedback.recordQuestion = () => Promise.reject(new Error('disk full'));
    const bot = await start(feedback);
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));
    const [answer] = bot.fake.sent(USER_ID);
    expect(answer?.message.text).toMatch(/^How do I brew green tea\?/);
    expect(answerActionButtons(answer!).map((b) => b.text)).toEqual([repliesFor('en').shareButton]);
    expect(
      logsWith(bot.logs, 'question not recorded; answering without vote buttons'),
    ).toHaveLength(1);
  });
});
