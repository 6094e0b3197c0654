/**
 * Cases operators hit that the feature tests did not: forum topics, captions that address the
 * bot, chats that refuse answers, emoji-only inline queries, server paths in replies and
 * backups of linked files. Each asserts what the user or the operator sees.
 */
import { lstat, readFile, readlink, readdir, rename, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Update } from 'grammy/types';
import { showSectionData } from '../../src/bot/answer.js';
import { repliesFor } from '../../src/bot/replies.js';
import { BACKUP_DIR } from '../../src/knowledge-store.js';
import {
  ADMIN_ID,
  GROUP_ID,
  harnessPerTest,
  titleOf,
  USER_ID,
  visibleText,
  type BotHarness,
} from '../support/bot-harness.js';

const start = harnessPerTest();
const THREAD = 4242;

// The same update as if posted in a forum topic.
function inTopic(update: Update): Update {
  if (update.message)
    return {
      ...update,
      message: { ...update.message, is_topic_message: true, message_thread_id: THREAD },
    };
  const query = update.callback_query;
  if (query?.message && 'text' in query.message)
    return {
      ...update,
      callback_query: {
        ...query,
        message: { ...query.message, is_topic_message: true, message_thread_id: THREAD },
      },
    };
  throw new Error('not a message or a button press');
}

// A payload field as sent: JSON text in a form post, a value in a JSON body.
function field(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function threadsOfSends(bot: BotHarness, from: number): unknown[] {
  return bot.fake
    .callsOf('sendMessage')
    .slice(from)
    .map((c) => c.payload.message_thread_id);
}

describe('forum topics', () => {
  test.each(['/start', '/help', '/topics', '/reload', '/ask what is green tea'])(
    '%s in a topic is answered in that topic',
    async (command) => {
      const bot = await start();
      await bot.handle(inTopic(bot.fake.groupText(GROUP_ID, USER_ID, command)));
      const threads = threadsOfSends(bot, 0);
      expect(threads.length).toBeGreaterThan(0);
      expect(threads.every((t) => Number(t) === THREAD)).toBe(true);
    },
  );

  test('a section button pressed in a topic opens the section in that topic', async () => {
    const bot = await start();
    await bot.handle(inTopic(bot.fake.groupText(GROUP_ID, USER_ID, '/topics')));
    const before = bot.fake.callsOf('sendMessage').length;
    await bot.handle(
      inTopic(bot.fake.callbackQuery(USER_ID, GROUP_ID, showSectionData('green-tea', 'en'))),
    );
    const threads = threadsOfSends(bot, before);
    expect(threads).not.toEqual([]);
    expect(threads.every((t) => Number(t) === THREAD)).toBe(true);
  });

  test('outside topics no thread is set', async () => {
    const bot = await start();
    await bot.handle(bot.fake.groupText(GROUP_ID, USER_ID, '/help'));
    expect(threadsOfSends(bot, 0)).toEqual([undefined]);
  });
});

describe('captions', () => {
  test('a photo whose caption @mentions the bot in a group is answered under it', async () => {
    const bot = await start();
    const update = bot.fake.photo(GROUP_ID, USER_ID, {
      caption: `@${bot.fake.botInfo.username} what is green tea`,
    });
    await bot.handle(update);
    const [answer] = bot.fake.sent(GROUP_ID);
    expect(visibleText(answer!).startsWith(titleOf(bot.store, 'green-tea', 'en'))).toBe(true);
    expect(answer?.message.reply_to_message?.message_id).toBe(update.message?.message_id);
  });

  test('a photo with a caption that does not address the bot gets silence', async () => {
    const bot = await start();
    await bot.handle(bot.fake.photo(GROUP_ID, USER_ID, { caption: 'what is green tea' }));
    expect(bot.fake.sent(GROUP_ID)).toEqual([]);
  });
});

describe('a chat that refuses answers (403)', () => {
  test('its question is recorded as not delivered and left out of the figures', async () => {
    const bot = await start();
    bot.fake.failWhen((method, payload) =>
      method === 'sendMessage' && Number(payload.chat_id) === USER_ID
        ? { kind: 'error', code: 403, description: 'Forbidden: bot was blocked by the user' }
        : undefined,
    );
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));
    await bot.handle(bot.fake.privateText(USER_ID + 1, 'what is green tea'));
    const summary = await bot.feedback.summary(new Date(0));
    expect(summary.questions).toBe(1);
    expect(summary.answered).toBe(1);
    expect(summary.answeredBySection).toEqual([{ sectionId: 'green-tea', count: 1 }]);
  });
});

describe('inline queries', () => {
  test('emoji only get "no match", even right after the topic list was cached', async () => {
    const bot = await start();
    await bot.handle(bot.fake.inlineQuery(USER_ID, ''));
    const topics = bot.fake.callsOf('answerInlineQuery').at(-1);
    expect((field(topics?.payload.results) as unknown[]).length).toBeGreaterThan(1);

    await bot.handle(bot.fake.inlineQuery(USER_ID, '😀😀'));
    const call = bot.fake.callsOf('answerInlineQuery').at(-1);
    expect(call?.state).toBe('ok');
    expect(field(call?.payload.results)).toEqual([]);
    expect((field(call?.payload.button) as { text: string }).text).toBe(
      repliesFor('en').inlineNoAnswer,
    );
  });
});

describe('server paths', () => {
  test('a /reload failing in a group does not show the server path of the knowledge', async () => {
    const bot = await start();
    await rename(bot.knowledgeDir, `${bot.knowledgeDir}-moved`);
    try {
      await bot.handle(bot.fake.groupText(GROUP_ID, ADMIN_ID, '/reload'));
      const [reply] = bot.fake.sent(GROUP_ID).map((s) => visibleText(s));
      expect(reply).toContain('KNOWLEDGE_DIR');
      expect(reply).not.toContain(bot.knowledgeDir);
      expect(reply).not.toMatch(/\/tmp\//);
    } finally {
      await rename(`${bot.knowledgeDir}-moved`, bot.knowledgeDir);
    }
  });
});

describe('backups on /confirm', () => {
  test('a knowledge file that is a link is backed up as the link, never through it', async () => {
    const bot = await start();
    const dir = bot.knowledgeDir;
    // 01-green-tea.md becomes a link to a file inside the folder, as the loader allows.
    await rename(path.join(dir, '01-green-tea.md'), path.join(dir, 'green-tea-source.txt'));
    await symlink('green-tea-source.txt', path.join(dir, '01-green-tea.md'));
    const original = await readFile(path.join(dir, 'green-tea-source.txt'), 'utf8');
    const edited = original.replace(/^(## en:[^\n]*\n)/m, '$1\nEdited through an upload.\n');
    await bot.handle(
      bot.fake.document(ADMIN_ID, {
        file_id: 'BQACAgIAAxkBAAIlink1',
        file_name: '01-green-tea.md',
        contents: edited,
      }),
    );
    await bot.handle(bot.fake.privateText(ADMIN_ID, '/confirm'));
    const backups = await readdir(path.join(dir, BACKUP_DIR));
    expect(backups).toHaveLength(1);
    const backup = path.join(dir, BACKUP_DIR, backups[0] ?? '');
    expect((await lstat(backup)).isSymbolicLink()).toBe(true);
    expect(await readlink(backup)).toBe('green-tea-source.txt');
    // The installed file is a plain file now; the file the link pointed to is untouched.
    expect((await lstat(path.join(dir, '01-green-tea.md'))).isFile()).toBe(true);
    expect(await readFile(path.join(dir, 'green-tea-source.txt'), 'utf8')).toBe(original);
  });
});
