import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repliesFor } from '../../src/bot/replies.js';
import {
  ADMIN_ID,
  buttonsOf,
  editFile,
  errorLogs,
  harnessPerTest,
  REPO_ROOT,
  USER_ID,
  visibleText,
  type BotHarness,
  askPrivately,
} from '../support/bot-harness.js';

const start = harnessPerTest();
const ENGLISH_ONLY = path.join(REPO_ROOT, 'test/fixtures/knowledge-en');
const CHINESE_ONLY = path.join(REPO_ROOT, 'test/fixtures/knowledge-zh');

async function ask(bot: BotHarness, text: string, user = USER_ID): Promise<string> {
  const replies = await askPrivately(bot, user, text);
  expect(replies.length).toBeGreaterThan(0);
  return replies.map(visibleText).join('\n');
}

describe('an English-only knowledge base', () => {
  test('loads and answers English questions from its one language, follow-ups included', async () => {
    const bot = await start({ knowledgeFrom: ENGLISH_ONLY });
    expect(bot.store.current.knowledge.sections.map((s) => [s.id, s.langs])).toEqual([
      ['opening-hours', ['en']],
      ['borrowing', ['en']],
      ['late-fees', ['en']],
    ]);
    const reply = await ask(bot, 'what time does the library close on saturday?');
    expect(reply.startsWith('When is the library open?')).toBe(true);
    const [answer] = bot.fake.sent(USER_ID);
    expect(buttonsOf(answer!).map((b) => b.text)).toContain(
      repliesFor('en').seeAlsoButton('How many books can I borrow, and for how long?'),
    );
    expect(await ask(bot, 'how much is the fine for an overdue book')).toContain('20 cents a day');
  });

  test('a Chinese-speaking user asking in English gets the English answer; a Chinese question an honest no', async () => {
    const bot = await start({ knowledgeFrom: ENGLISH_ONLY });
    bot.fake.setUser(USER_ID, { language_code: 'zh-hans' });
    expect(await ask(bot, 'can I renew a loan online')).toContain('renewed twice online');
    expect(await ask(bot, '今天天气怎么样')).toBe(repliesFor('zh-Hans').noAnswer);
    expect(errorLogs(bot.logs)).toEqual([]);
  });
});

describe('a Chinese-only knowledge base', () => {
  test('loads with ids from its Chinese file names and answers in Simplified Chinese', async () => {
    const bot = await start({ knowledgeFrom: CHINESE_ONLY });
    const sections = bot.store.current.knowledge.sections;
    expect(sections.map((s) => s.file)).toEqual(['01-营业时间.md', '02-外卖.md', '03-会员卡.md']);
    for (const s of sections) expect(s.id).toMatch(/^s-[0-9a-z]{8}$/);
    expect(sections[0]?.related).toEqual([sections[1]?.id]);
    const reply = await ask(bot, '你们晚上几点关门？');
    expect(reply).toBe('茶馆什么时候营业？\n\n周二到周日，上午十点到晚上七点；每周一休息。');
  });

  test('a written Traditional block wins over the conversion; other sections are converted', async () => {
    const bot = await start({ knowledgeFrom: CHINESE_ONLY });
    expect(await ask(bot, '會員卡怎麼申辦')).toContain('到門市掃描條碼登記即可申辦');
    expect(await ask(bot, '会员卡怎么办')).toContain('在店里扫码登记就能办');
    expect(await ask(bot, '可以送外賣嗎')).toContain('市區內訂單滿三十元免費配送');
  });

  test('an English reader of a Chinese-only section gets it in the default language, with one line saying so', async () => {
    const bot = await start({ knowledgeFrom: CHINESE_ONLY });
    const id = bot.store.current.knowledge.sections[1]!.id;
    bot.fake.setUser(USER_ID, { language_code: 'en' });
    const reply = await ask(bot, `/start ${id}`);
    expect(reply.split('\n')[0]).toBe(
      'This answer is not written in English yet; here it is in Simplified Chinese.',
    );
    expect(reply).toContain('可以送外卖吗？');
  });

  test('a deep link to a derived id keeps working after its file is edited and reloaded', async () => {
    const bot = await start({ knowledgeFrom: CHINESE_ONLY });
    const id = bot.store.current.knowledge.sections[0]!.id;
    const link = `/start ${id}`;
    expect(await ask(bot, link)).toContain('每周一休息');
    await editFile(bot.knowledgeDir, '01-营业时间.md', (t) =>
      t.replace('每周一休息。', '每周一休息，节假日照常营业。'),
    );
    expect(await ask(bot, '/reload', ADMIN_ID)).toContain(id);
    expect(await ask(bot, link)).toContain('节假日照常营业');
  });
});
