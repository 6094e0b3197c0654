/**
 * A scripted conversation of 30 questions over the fake Bot API (answered and off-topic, with
 * near-duplicates, in private and in a group, spread over 20 days, plus votes), then the
 * admins' reports, and the same figures after a restart on the same DATA_DIR.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { repliesFor } from '../../src/bot/replies.js';
import { collectDaily } from '../../src/feedback/daily.js';
import { DAY_MS } from '../../src/feedback/insights.js';
import { SqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store.js';
import { UploadedFile } from '../support/fake-bot-api.js';
import {
  ADMIN_ID,
  answerActionButtons,
  GROUP_ID,
  logsWith,
  startBotHarness,
  visibleText,
  type BotHarness,
} from '../support/bot-harness.js';

const NOW = new Date('2026-03-10T12:00:00Z');

let h: BotHarness | undefined;
let dataDir: string | undefined;
const stores: SqliteFeedbackStore[] = [];

afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const store of stores.splice(0)) await store.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

/** A bot on a SQLite store in `dir`, with a clock the script moves. */
async function startOn(dir: string, clock: { now: Date }): Promise<BotHarness> {
  const feedback = SqliteFeedbackStore.open(dir);
  stores.push(feedback);
  h = await startBotHarness({ feedback, now: () => clock.now });
  return h;
}

interface Asked {
  /** The chat the answer went to. */
  chat: number;
  /** The vote buttons' callback data, when the question was answered. */
  up?: string;
  down?: string;
  message?: number;
}

let nextUser = 5000;

/** Asks in a private chat (a new user each time) or in the group with /ask. */
async function ask(bot: BotHarness, text: string, where: 'private' | 'group'): Promise<Asked> {
  const user = nextUser++;
  const chat = where === 'private' ? user : GROUP_ID;
  const before = bot.fake.sent(chat).length;
  await bot.handle(
    where === 'private'
      ? bot.fake.privateText(user, text)
      : bot.fake.groupText(GROUP_ID, user, `/ask ${text}`),
  );
  const reply = bot.fake.sent(chat).slice(before).at(-1);
  if (!reply) throw new Error(`no reply to ${text}`);
  const [up, down] = answerActionButtons(reply).filter((b) => b.callback_data);
  return {
    chat,
    message: reply.message.message_id,
    ...(up?.callback_data ? { up: up.callback_data } : {}),
    ...(down?.callback_data ? { down: down.callback_data } : {}),
  };
}

async function vote(bot: BotHarness, asked: Asked, user: number, data: string | undefined) {
  if (!data) throw new Error('the answer has no vote button');
  await bot.handle(bot.fake.callbackQuery(user, asked.chat, data, asked.message));
}

/** Runs the 30-question script; returns how many questions were answered per period. */
async function runScript(bot: BotHarness, clock: { now: Date }): Promise<void> {
  const at = (daysAgo: number) => (clock.now = new Date(NOW.getTime() - daysAgo * DAY_MS));

  // 20 days ago: 4 questions, 3 answered. Only /stats' 30-day figures see them.
  at(20);
  for (const q of ['what is green tea', 'what is green tea', 'how do I brew tea', '今天吃什么'])
    await ask(bot, q, 'private');

  // 3 days ago: 6 questions, 4 answered.
  at(3);
  for (const q of [
    '红茶怎么泡',
    '红茶怎么泡',
    '乌龙茶是什么',
    '乌龙茶是什么',
    '今天吃啥',
    'best pizza recipe',
  ])
    await ask(bot, q, 'private');

  // Today: 20 questions, 10 answered; two of them asked in the group.
  at(0);
  const esim = await ask(bot, 'what is green tea', 'private');
  await ask(bot, 'what is green tea', 'private');
  const safeInGroup = await ask(bot, 'how do I brew tea', 'group');
  await ask(bot, 'how do I brew tea', 'group');
  await ask(bot, '怎么泡茶', 'private');
  await ask(bot, '怎么泡茶', 'private');
  const cutOff = await ask(bot, '红茶怎么泡', 'private');
  await ask(bot, 'how should I store coffee beans', 'private');
  await ask(bot, 'can I drink tap water', 'private');
  await ask(bot, '乌龙茶是什么', 'private');
  for (const q of [
    '今天吃什么',
    '今天吃什么',
    '今天吃什么',
    '今天吃啥',
    '今天吃什么？',
    'who won the game last night',
    'who won the game last night',
    'Who won the game last night?',
    'best pizza recipe',
    '明天天气怎么样',
  ])
    await ask(bot, q, 'private');

  // Votes: the asker likes the green-tea answer (and changes their mind twice); three group
  // members judge the group's iced-tea answer; the black-tea answer gets a 👎.
  await vote(bot, esim, esim.chat, esim.down);
  await vote(bot, esim, esim.chat, esim.up);
  await vote(bot, safeInGroup, 7001, safeInGroup.down);
  await vote(bot, safeInGroup, 7002, safeInGroup.down);
  await vote(bot, safeInGroup, 7003, safeInGroup.up);
  await vote(bot, cutOff, cutOff.chat, cutOff.down);
}

async function command(bot: BotHarness, user: number, text: string): Promise<string[]> {
  const before = bot.fake.sent(user).length;
  await bot.handle(bot.fake.privateText(user, text));
  return bot.fake
    .sent(user)
    .slice(before)
    .filter((s) => s.method === 'sendMessage')
    .map((s) => visibleText(s));
}

const UNANSWERED = [
  'Unanswered questions, last 7 days: 12 in total; the 4 most frequent, grouped by similarity:',
  '1. ×6 今天吃什么 (3 wordings)',
  '2. ×3 who won the game last night (2 wordings)',
  '3. ×2 best pizza recipe',
  '4. ×1 明天天气怎么样',
  '',
  'Most 👎:',
  'iced-tea 👍1 👎2',
  'black-tea 👍0 👎1',
].join('\n');

const STATS = [
  'Statistics',
  '',
  'Last day: 20 questions, 50% answered (10)',
  'Top sections: iced-tea 4, green-tea 2, black-tea 1, coffee-beans 1, oolong-tea 1',
  'Feedback: iced-tea 👍1 👎2; black-tea 👍0 👎1; green-tea 👍1 👎0',
  '',
  'Last 7 days: 26 questions, 54% answered (14)',
  'Top sections: iced-tea 4, black-tea 3, oolong-tea 3, green-tea 2, coffee-beans 1',
  'Feedback: iced-tea 👍1 👎2; black-tea 👍0 👎1; green-tea 👍1 👎0',
  '',
  'Last 30 days: 30 questions, 57% answered (17)',
  'Top sections: iced-tea 5, green-tea 4, black-tea 3, oolong-tea 3, coffee-beans 1',
  'Feedback: iced-tea 👍1 👎2; black-tea 👍0 👎1; green-tea 👍1 👎0',
].join('\n');

describe('a scripted 30-question session', () => {
  test('/unanswered groups the near-duplicates and /stats gives the figures of 1, 7 and 30 days', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'esim-faq-insights-'));
    const clock = { now: NOW };
    const bot = await startOn(dataDir, clock);
    await runScript(bot, clock);

    const questions = logsWith(bot.logs, 'question');
    expect(questions).toHaveLength(30);
    expect(questions.filter((q) => q.section !== null)).toHaveLength(17);
    expect(logsWith(bot.logs, 'vote').map((v) => v.outcome)).toEqual([
      'recorded',
      'changed',
      'recorded',
      'recorded',
      'recorded',
      'recorded',
    ]);

    const unanswered = await command(bot, ADMIN_ID, '/unanswered');
    expect(unanswered.join('\n\n')).toBe(UNANSWERED);
    const stats = await command(bot, ADMIN_ID, '/stats');
    expect(stats.join('\n\n')).toBe(STATS);
    expect(bot.fake.calls.every((c) => c.state === 'ok')).toBe(true);

    // The figures as a chart, sent as a photo after them.
    const photo = bot.fake.sent(ADMIN_ID).at(-1)!;
    expect(photo.method).toBe('sendPhoto');
    const ref = photo.payload.photo;
    const png =
      typeof ref === 'string' && ref.startsWith('attach://')
        ? photo.payload[ref.slice('attach://'.length)]
        : ref;
    if (!(png instanceof UploadedFile)) throw new Error('the chart is not an uploaded file');
    expect(png.data.subarray(1, 4).toString('latin1')).toBe('PNG');
    const [size] = photo.message.photo ?? [];
    expect(size?.width).toBeGreaterThan(800);
    expect(size?.height).toBeGreaterThan(400);
    expect(logsWith(bot.logs, 'stats chart rendered')).toHaveLength(1);
    // Kept for a person to look at when asked to.
    if (process.env.STATS_CHART_OUT) await writeFile(process.env.STATS_CHART_OUT, png.data);
    const daily = await collectDaily(bot.feedback, NOW, 30);
    expect(daily.filter((d) => d.answered + d.unanswered > 0)).toEqual([
      { day: '2026-02-18', answered: 3, unanswered: 1 },
      { day: '2026-03-07', answered: 4, unanswered: 2 },
      { day: '2026-03-10', answered: 10, unanswered: 10 },
    ]);
  });

  test('the figures survive a restart: a new store and a new bot on the same DATA_DIR', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'esim-faq-insights-'));
    const clock = { now: NOW };
    await runScript(await startOn(dataDir, clock), clock);
    await h?.close();
    h = undefined;
    for (const store of stores.splice(0)) await store.close();

    const bot = await startOn(dataDir, clock);
    expect(bot.fake.calls).toEqual([]);
    expect((await command(bot, ADMIN_ID, '/stats')).join('\n\n')).toBe(STATS);
    expect((await command(bot, ADMIN_ID, '/unanswered')).join('\n\n')).toBe(UNANSWERED);
  });
});

describe('who may see the reports', () => {
  test.each(['/unanswered', '/stats'])('%s is refused to a non-admin', async (text) => {
    const bot = await startBotHarness();
    h = bot;
    expect(await command(bot, 1001, text)).toEqual([repliesFor('en').adminOnly]);
    expect(logsWith(bot.logs, 'admin command refused: not an admin')).toHaveLength(1);
  });

  test('an admin asking in a group is sent to the private chat', async () => {
    const bot = await startBotHarness();
    h = bot;
    await bot.handle(bot.fake.groupText(GROUP_ID, ADMIN_ID, '/stats'));
    expect(bot.fake.sent(GROUP_ID).map((s) => s.payload.text)).toEqual([
      repliesFor('en').privateOnly,
    ]);
  });

  test('a Chinese-speaking admin gets the report in Chinese', async () => {
    const bot = await startBotHarness();
    h = bot;
    bot.fake.setUser(ADMIN_ID, { language_code: 'zh-hans' });
    await bot.handle(bot.fake.privateText(1001, '今天吃什么'));
    const [report] = await command(bot, ADMIN_ID, '/unanswered');
    expect(report).toContain('最近 7 天没有答案的问题');
    expect(report).toContain('1. ×1 今天吃什么');
  });
});
