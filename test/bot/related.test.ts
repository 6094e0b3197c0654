import { describe, expect, test } from 'vitest';
import { parseShowSectionData } from '../../src/bot/answer.js';
import { repliesFor } from '../../src/bot/replies.js';
import {
  buttonsOf,
  editFile,
  errorLogs,
  harnessPerTest,
  titleOf,
  USER_ID,
  visibleText,
} from '../support/bot-harness.js';

const start = harnessPerTest();

// 01-green-tea.md offers two follow-ups.
const addRelated = (dir: string) =>
  editFile(dir, '01-green-tea.md', (text) =>
    text.replace(/^id: green-tea$/m, 'id: green-tea\nrelated: [black-tea, iced-tea]'),
  );

describe('related sections under an answer', () => {
  test.each([
    ['en', 'what is green tea'],
    ['zh-Hans', '绿茶是什么'],
    ['zh-Hant', '綠茶怎麼泡'],
  ] as const)('are "see also" buttons in the asker\'s language (%s)', async (lang, question) => {
    const bot = await start({ prepareKnowledge: addRelated });
    await bot.handle(bot.fake.privateText(USER_ID, question));
    const [answer] = bot.fake.sent(USER_ID);
    if (!answer) throw new Error('no answer');
    const related = buttonsOf(answer).filter((b) => b.callback_data?.startsWith('r:'));
    const replies = repliesFor(lang);
    expect(related.map((b) => b.text)).toEqual([
      replies.seeAlsoButton(titleOf(bot.store, 'black-tea', lang)),
      replies.seeAlsoButton(titleOf(bot.store, 'iced-tea', lang)),
    ]);
    expect(related.map((b) => parseShowSectionData(b.callback_data ?? ''))).toEqual([
      { id: 'black-tea', lang, kind: 'related' },
      { id: 'iced-tea', lang, kind: 'related' },
    ]);
  });

  test('pressing one opens that section in the same language', async () => {
    const bot = await start({ prepareKnowledge: addRelated });
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));
    const [answer] = bot.fake.sent(USER_ID);
    const button = buttonsOf(answer!).find((b) => b.callback_data?.startsWith('r:'));
    await bot.handle(
      bot.fake.callbackQuery(USER_ID, USER_ID, button!.callback_data!, answer!.message.message_id),
    );
    const shown = bot.fake.sent(USER_ID).at(-1)!;
    expect(visibleText(shown).startsWith(titleOf(bot.store, 'black-tea', 'en'))).toBe(true);
    expect(bot.fake.callsOf('answerCallbackQuery').at(-1)?.state).toBe('ok');
    expect(errorLogs(bot.logs)).toEqual([]);
  });

  test('a section opened from its deep link offers its follow-ups too', async () => {
    const bot = await start({ prepareKnowledge: addRelated });
    await bot.handle(bot.fake.privateText(USER_ID, '/start green-tea'));
    const shown = bot.fake.sent(USER_ID).at(-1)!;
    expect(buttonsOf(shown).filter((b) => b.callback_data?.startsWith('r:'))).toHaveLength(2);
  });
});
