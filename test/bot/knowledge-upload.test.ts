import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { repliesFor } from '../../src/bot/replies.js';
import { formatProblem, reasons } from '../../src/knowledge/errors.js';
import { knowledgeLimits } from '../../src/knowledge/load.js';
import { BACKUP_DIR } from '../../src/knowledge-store.js';
import {
  ADMIN_ID,
  logsWith,
  startBotHarness,
  USER_ID,
  visibleText,
  type BotHarness,
  privateReplies,
} from '../support/bot-harness.js';

const MARKER = 'Uploaded from the chat: zebra marker paragraph.';
const ESIM_FILE = '01-green-tea.md';

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(clock?: { now: Date }): Promise<BotHarness> {
  h = await startBotHarness(clock ? { now: () => clock.now } : {});
  return h;
}

let fileCounter = 0;

/** Sends a document in private and returns the texts the sender saw in response. */
async function upload(
  bot: BotHarness,
  name: string,
  contents: string | Buffer,
  options: { user?: number; fileSize?: number } = {},
): Promise<string[]> {
  const user = options.user ?? ADMIN_ID;
  const before = bot.fake.sent(user).length;
  await bot.handle(
    bot.fake.document(user, {
      file_id: `BQACAgIAAxkBAAIupload${++fileCounter}`,
      file_name: name,
      contents,
      ...(options.fileSize === undefined ? {} : { file_size: options.fileSize }),
    }),
  );
  return bot.fake
    .sent(user)
    .slice(before)
    .map((s) => visibleText(s));
}

async function esimText(bot: BotHarness): Promise<string> {
  return readFile(path.join(bot.knowledgeDir, ESIM_FILE), 'utf8');
}

/** The green-tea file with a marker paragraph at the top of its English body. */
async function editedEsim(bot: BotHarness): Promise<string> {
  return (await esimText(bot)).replace(/^(## en:[^\n]*\n)/m, `$1\n${MARKER}\n`);
}

const NEW_SECTION = [
  '---',
  'id: zebra-roaming',
  'questions:',
  '  zh-Hans: [斑马漫游是什么]',
  '  en: [what is zebra roaming]',
  '---',
  '',
  '## zh-Hans: 斑马漫游是什么？',
  '',
  '斑马漫游是测试用的话题。',
  '',
  '## en: What is zebra roaming?',
  '',
  'Zebra roaming is a topic made up for the tests.',
  '',
].join('\n');

describe('an admin uploads a knowledge file', () => {
  test('a valid edit gets the diff summary; /confirm writes it, keeps a backup and answers change', async () => {
    const bot = await start();
    const before = await esimText(bot);
    const edited = await editedEsim(bot);

    const [summary] = await upload(bot, ESIM_FILE, edited);
    expect(summary).toContain(`${ESIM_FILE} is valid`);
    expect(summary).toMatch(/^Changed: green-tea$/m);
    expect(summary).toMatch(/^Added: —$/m);
    expect(summary).toMatch(/^Removed: —$/m);
    expect(summary).toContain('/confirm');
    // Nothing is written before /confirm.
    expect(await esimText(bot)).toBe(before);
    expect((await privateReplies(bot, USER_ID, 'what is green tea'))[0]).not.toContain(MARKER);

    const [installed] = await privateReplies(bot, ADMIN_ID, '/confirm');
    expect(installed).toContain(`Installed ${ESIM_FILE}.`);
    expect(installed).toMatch(/^Changed: green-tea$/m);
    expect(await esimText(bot)).toBe(edited);
    const backups = await readdir(path.join(bot.knowledgeDir, BACKUP_DIR));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-01-green-tea\.md$/);
    expect(installed).toContain(`${BACKUP_DIR}/${backups[0]}`);
    expect(await readFile(path.join(bot.knowledgeDir, BACKUP_DIR, backups[0]!), 'utf8')).toBe(
      before,
    );
    // No temporary file left behind, and the next reload ignores the backup folder.
    expect((await readdir(bot.knowledgeDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await privateReplies(bot, USER_ID, 'what is green tea'))[0]).toContain(MARKER);
    expect((await bot.store.reload()).ok).toBe(true);
    expect(logsWith(bot.logs, 'upload installed; knowledge reloaded')[0]).toMatchObject({
      file: ESIM_FILE,
      changed: ['green-tea'],
    });
    // A second /confirm has nothing left to write.
    expect(await privateReplies(bot, ADMIN_ID, '/confirm')).toEqual([
      repliesFor('en').uploadNothingPending,
    ]);
  });

  test('a new section file is added without a backup and answers at once', async () => {
    const bot = await start();
    const [summary] = await upload(bot, '17-zebra-roaming.md', NEW_SECTION);
    expect(summary).toMatch(/^Added: zebra-roaming$/m);
    expect(summary).toContain(
      `the knowledge will have ${bot.store.current.knowledge.sections.length + 1} topics`,
    );
    const [installed] = await privateReplies(bot, ADMIN_ID, '/confirm');
    expect(installed).not.toContain(BACKUP_DIR);
    expect(existsSync(path.join(bot.knowledgeDir, BACKUP_DIR))).toBe(true);
    expect((await privateReplies(bot, USER_ID, 'what is zebra roaming'))[0]).toMatch(
      /^What is zebra roaming\?/,
    );
  });

  test('a broken file gets the exact errors; nothing is written and the old answers stay', async () => {
    const bot = await start();
    const before = await esimText(bot);
    const broken = before
      .replace(/\n## en:[\s\S]*$/, '\n')
      .replace('id: green-tea', 'id: green-tea\nowner: me');
    const replies = await upload(bot, ESIM_FILE, broken);
    const expected = [
      formatProblem({
        file: ESIM_FILE,
        line: 3,
        section: 'green-tea',
        reason: reasons.schema('', 'unknown key "owner"'),
      }),
      formatProblem({
        file: ESIM_FILE,
        section: 'green-tea',
        reason: reasons.missingLanguage('en'),
      }),
    ];
    expect(replies).toHaveLength(1);
    expect(replies[0]).toBe(
      `❌ ${ESIM_FILE} has errors; nothing was changed:\n${expected.join('\n')}`,
    );

    expect(await privateReplies(bot, ADMIN_ID, '/confirm')).toEqual([
      repliesFor('en').uploadNothingPending,
    ]);
    expect(await esimText(bot)).toBe(before);
    expect(existsSync(path.join(bot.knowledgeDir, BACKUP_DIR))).toBe(false);
    expect((await privateReplies(bot, USER_ID, 'what is green tea'))[0]).toMatch(
      /^How do I brew green tea\?/,
    );
  });

  test('a file that clashes with the rest of the folder is refused with that reason', async () => {
    const bot = await start();
    const clash = NEW_SECTION.replace('id: zebra-roaming', 'id: green-tea');
    const [reply] = await upload(bot, '17-clash.md', clash);
    expect(reply).toContain(
      formatProblem({
        file: '17-clash.md',
        section: 'green-tea',
        reason: reasons.duplicateId('green-tea', ESIM_FILE),
      }),
    );
    expect(existsSync(path.join(bot.knowledgeDir, '17-clash.md'))).toBe(false);
  });

  test('a broken synonyms.yaml is refused; a valid one is accepted', async () => {
    const bot = await start();
    const [bad] = await upload(bot, 'synonyms.yaml', '- [only-one]\n');
    expect(bad).toContain('synonyms.yaml: group 1: a group needs two terms');
    const [good] = await upload(bot, 'synonyms.yaml', '- [zebra, quagga]\n');
    expect(good).toContain('The synonyms change.');
  });

  test('/cancel drops the pending upload', async () => {
    const bot = await start();
    await upload(bot, ESIM_FILE, await editedEsim(bot));
    expect(await privateReplies(bot, ADMIN_ID, '/cancel')).toEqual([
      repliesFor('en').uploadCancelled(ESIM_FILE),
    ]);
    expect(await privateReplies(bot, ADMIN_ID, '/confirm')).toEqual([
      repliesFor('en').uploadNothingPending,
    ]);
    expect(await esimText(bot)).not.toContain(MARKER);
  });

  test('a pending upload expires after 15 minutes', async () => {
    const clock = { now: new Date('2026-03-01T10:00:00Z') };
    const bot = await start(clock);
    await upload(bot, ESIM_FILE, await editedEsim(bot));
    clock.now = new Date(clock.now.getTime() + 15 * 60_000 + 1);
    expect(await privateReplies(bot, ADMIN_ID, '/confirm')).toEqual([
      repliesFor('en').uploadNothingPending,
    ]);
    expect(await esimText(bot)).not.toContain(MARKER);
  });
});

describe('uploads that are refused', () => {
  test('a document from someone who is not an admin', async () => {
    const bot = await start();
    const replies = await upload(bot, ESIM_FILE, await editedEsim(bot), { user: USER_ID });
    expect(replies).toEqual([repliesFor('en').uploadRefused]);
    expect(bot.fake.callsOf('getFile')).toEqual([]);
    expect(await privateReplies(bot, USER_ID, '/confirm')).toEqual([repliesFor('en').adminOnly]);
    expect(await esimText(bot)).not.toContain(MARKER);
  });

  test.each([
    '../02-esim.md',
    'sub/02-esim.md',
    '.hidden.md',
    'README.md',
    'notes.txt',
    'x.md.tmp',
    '',
  ])('a bad name: %j', async (name) => {
    const bot = await start();
    const replies = await upload(bot, name, NEW_SECTION);
    expect(replies).toEqual([
      repliesFor('en')
        .uploadBadName(name)
        .replace(/<[^>]+>/g, ''),
    ]);
    expect(bot.fake.callsOf('getFile')).toEqual([]);
  });

  test('a file over the size limit, announced by Telegram', async () => {
    const bot = await start();
    const big = Buffer.alloc(knowledgeLimits.maxFileBytes + 1, 'a');
    const replies = await upload(bot, '17-big.md', big);
    expect(replies).toEqual([
      repliesFor('en').uploadTooLarge(big.length, knowledgeLimits.maxFileBytes),
    ]);
    expect(bot.fake.callsOf('getFile')).toEqual([]);
  });

  test('a file over the size limit that Telegram announced as small is cut off while downloading', async () => {
    const bot = await start();
    const big = Buffer.alloc(knowledgeLimits.maxFileBytes * 2, 'a');
    const [reply] = await upload(bot, '17-big.md', big, { fileSize: 100 });
    expect(reply).toMatch(/over the 262144-byte limit/);
    expect(existsSync(path.join(bot.knowledgeDir, '17-big.md'))).toBe(false);
    // The token never reaches the logs, not even in a download failure.
    expect(bot.rawLogs.join('')).not.toContain(bot.fake.token);
  });

  test('a file that is not UTF-8', async () => {
    const bot = await start();
    const [reply] = await upload(
      bot,
      '17-latin1.md',
      Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xe9, 0xff]),
    );
    expect(reply).toContain(formatProblem({ file: '17-latin1.md', reason: reasons.notUtf8 }));
  });
});
