import type { Update } from 'grammy/types';
import { describe, expect, test } from 'vitest';
import type { BotSettings } from '../../src/bot/deps.js';
import { GROUP_ANONYMOUS_BOT_ID } from '../../src/bot/features/admin.js';
import { repliesFor } from '../../src/bot/replies.js';
import { reasons } from '../../src/knowledge/errors.js';
import {
  ADMIN_ID,
  editFile,
  GROUP_ID,
  logsWith,
  harnessPerTest,
  titleOf,
  USER_ID,
  visibleText,
  type BotHarness,
  privateReplies,
} from '../support/bot-harness.js';

const MARKER = 'Edited by the admin test: zebra marker paragraph.';
const ESIM_FILE = '01-green-tea.md';

const startHarness = harnessPerTest();
const start = (settings: Partial<BotSettings> = {}): Promise<BotHarness> =>
  startHarness({ settings });

/** Adds a paragraph at the top of the English body of the green-tea section. */
async function editEsimBody(bot: BotHarness): Promise<void> {
  await editFile(bot.knowledgeDir, ESIM_FILE, (text) => {
    const edited = text.replace(/^(## en:[^\n]*\n)/m, `$1\n${MARKER}\n`);
    if (edited === text) throw new Error('the green-tea file has no "## en:" heading');
    return edited;
  });
}

async function esimAnswer(bot: BotHarness): Promise<string> {
  const [answer] = await privateReplies(bot, USER_ID, 'what is green tea');
  expect(answer?.startsWith(titleOf(bot.store, 'green-tea', 'en'))).toBe(true);
  return answer ?? '';
}

describe('/reload by an admin', () => {
  test('reloads and reports the topic count and the changed section ids', async () => {
    const bot = await start();
    expect(await esimAnswer(bot)).not.toContain(MARKER);
    await editEsimBody(bot);

    const [reply] = await privateReplies(bot, ADMIN_ID, '/reload');
    const count = bot.store.current.knowledge.sections.length;
    expect(reply).toContain(`Knowledge reloaded: ${count} topics`);
    expect(reply).toMatch(/^Changed: green-tea$/m);
    expect(reply).toContain(
      `Calibrated answer threshold: ${bot.store.current.index.calibration.threshold}`,
    );
    expect(reply).toMatch(/^Added: —$/m);
    expect(reply).toMatch(/^Removed: —$/m);
    expect(bot.store.current.version).toBe(2);
    expect(logsWith(bot.logs, 'knowledge reloaded')[0]).toMatchObject({
      user: ADMIN_ID,
      changed: ['green-tea'],
    });
    // Questions are answered from the new copy.
    expect(await esimAnswer(bot)).toContain(MARKER);
  });

  test('a broken file is reported by name and reason, and the old copy keeps answering', async () => {
    const bot = await start();
    await editFile(bot.knowledgeDir, ESIM_FILE, (text) => text.replace(/\n## en:[\s\S]*$/, '\n'));

    const [reply] = await privateReplies(bot, ADMIN_ID, '/reload');
    expect(reply).toContain(ESIM_FILE);
    expect(reply).toContain(reasons.missingLanguage('en'));
    expect(bot.store.current.version).toBe(1);
    expect(logsWith(bot.logs, 'knowledge reload rejected; previous version kept')).toHaveLength(1);

    // The English version still exists in the copy in use.
    await esimAnswer(bot);
    const [zh] = await privateReplies(bot, USER_ID, '红茶怎么泡');
    expect(zh?.startsWith(titleOf(bot.store, 'black-tea', 'zh-Hans'))).toBe(true);
  });

  test('the reload reply is valid HTML even when the error quotes markup', async () => {
    const bot = await start();
    await editFile(bot.knowledgeDir, ESIM_FILE, (text) =>
      text.replace(/^---\n/, '---\n<b>&oops:\n'),
    );
    const [reply] = await privateReplies(bot, ADMIN_ID, '/reload');
    expect(reply).toContain(ESIM_FILE);
    expect(bot.fake.callsOf('sendMessage').every((c) => c.state === 'ok')).toBe(true);
    expect(bot.fake.sent(ADMIN_ID)[0]?.payload.parse_mode).toBe('HTML');
  });
});

describe('/reload refused', () => {
  test('a non-admin is refused and the knowledge stays as it was', async () => {
    const bot = await start();
    await editEsimBody(bot);
    const replies = await privateReplies(bot, USER_ID, '/reload');
    expect(replies).toEqual([repliesFor('en').adminOnly]);
    expect(bot.store.current.version).toBe(1);
    expect(logsWith(bot.logs, 'admin command refused: not an admin')[0]).toMatchObject({
      user: USER_ID,
    });
    expect(await esimAnswer(bot)).not.toContain(MARKER);
  });

  test('a forwarded /reload from an admin is refused', async () => {
    const bot = await start();
    await editEsimBody(bot);
    const update = bot.fake.privateText(ADMIN_ID, '/reload');
    const forwarded: Update = {
      ...update,
      message: {
        ...update.message!,
        forward_origin: {
          type: 'user',
          sender_user: { id: ADMIN_ID, is_bot: false, first_name: 'Admin' },
          date: Math.floor(Date.now() / 1000) - 60,
        },
      },
    };
    await bot.handle(forwarded);
    expect(bot.fake.sent(ADMIN_ID).map((s) => visibleText(s))).toEqual([
      repliesFor('en').adminOnly,
    ]);
    expect(bot.store.current.version).toBe(1);
    expect(await esimAnswer(bot)).not.toContain(MARKER);
  });

  test('an admin id in a group is obeyed there too', async () => {
    const bot = await start();
    await bot.handle(bot.fake.groupText(GROUP_ID, ADMIN_ID, '/reload'));
    expect(visibleText(bot.fake.sent(GROUP_ID)[0]!)).toContain('Knowledge reloaded');
  });
});

describe('anonymous group admins', () => {
  /** `/reload` sent by an anonymous admin of `chatId`: from GroupAnonymousBot, as the group. */
  function anonymousReload(bot: BotHarness, chatId: number, senderChatId = chatId): Update {
    const update = bot.fake.groupText(chatId, GROUP_ANONYMOUS_BOT_ID, '/reload', {
      from: { first_name: 'Group', username: 'GroupAnonymousBot' },
    });
    const message = update.message!;
    return {
      ...update,
      message: {
        ...message,
        from: { ...message.from!, is_bot: true },
        sender_chat: { id: senderChatId, type: 'supergroup', title: 'Test group' },
      },
    };
  }

  test('are refused in a group not listed in ANONYMOUS_ADMIN_CHAT_IDS', async () => {
    const bot = await start({ anonymousAdminChatIds: [] });
    await bot.handle(anonymousReload(bot, GROUP_ID));
    expect(bot.fake.sent(GROUP_ID).map((s) => visibleText(s))).toEqual([
      repliesFor('en').adminOnly,
    ]);
    expect(bot.store.current.version).toBe(1);
  });

  test('are obeyed in a listed group', async () => {
    const bot = await start({ anonymousAdminChatIds: [GROUP_ID] });
    await editEsimBody(bot);
    await bot.handle(anonymousReload(bot, GROUP_ID));
    const [reply] = bot.fake.sent(GROUP_ID);
    expect(visibleText(reply!)).toMatch(/^Changed: green-tea$/m);
    expect(bot.store.current.version).toBe(2);
  });

  test('are refused when posting as another chat, even in a listed group', async () => {
    const bot = await start({ anonymousAdminChatIds: [GROUP_ID] });
    await bot.handle(anonymousReload(bot, GROUP_ID, -100999));
    expect(bot.fake.sent(GROUP_ID).map((s) => visibleText(s))).toEqual([
      repliesFor('en').adminOnly,
    ]);
    expect(bot.store.current.version).toBe(1);
  });
});
