/**
 * Security: admin commands obey only the configured admins (never a forward, an edit, a
 * caption, a reply to an admin, an anonymous admin of an unlisted group, a channel post); the
 * bot token never shows in logs, errors, console output, replies or API payloads, in process
 * and in the real program; knowledge paths cannot leave KNOWLEDGE_DIR.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { Update } from 'grammy/types';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { exampleQuestion } from '../../src/bot/greeting.js';
import { repliesFor } from '../../src/bot/replies.js';
import { reasons } from '../../src/knowledge/errors.js';
import {
  isInside,
  isKnowledgeFileName,
  knowledgeFileNames,
  readKnowledgeFolder,
} from '../../src/knowledge/load.js';
import { KnowledgeFileNameError, KnowledgeStore } from '../../src/knowledge-store.js';
import { MemoryFeedbackStore } from '../../src/feedback/memory-feedback-store.js';
import { redactSecrets } from '../../src/logger.js';
import { ADMIN_ID, copyKnowledge, GROUP_ID, USER_ID, waitUntil } from '../support/bot-harness.js';
import { exitWithin, removeWorkDir, spawnBot, type BotProcess } from '../support/bot-process.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { startReliabilityBot, type ReliabilityBot } from '../support/reliability-bot.js';
import {
  anonymousAdminText,
  channelPost,
  edited,
  forwarded,
  userOrigin,
  withMessage,
} from '../support/spoofed-updates.js';

const en = repliesFor('en');
const LISTED_GROUP = -1_000_500_001;
const UNLISTED_GROUP = GROUP_ID;
const CHANNEL = -1_000_500_777;
const UPLOAD_NAME = '17-zebra-upload.md';
const UPLOAD_TEXT = [
  '---',
  'id: zebra-upload',
  'questions:',
  '  zh-Hans: ["斑马上传测试"]',
  '  en: ["how do zebras upload files"]',
  '---',
  '',
  '## zh-Hans: 斑马上传',
  '',
  '斑马上传测试正文。',
  '',
  '## en: Zebra upload',
  '',
  'Zebra upload test body.',
  '',
].join('\n');

let h: ReliabilityBot | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => removeWorkDir());

const counts = {
  spoofAttempts: 0,
  spoofRefused: 0,
  adminControls: 0,
  commandsSkipped: [] as string[],
  leakChecks: 0,
  leaksFound: 0,
  pathAttempts: 0,
  pathRejected: 0,
};

// ---------------------------------------------------------------------------
// Admin commands

type AdminCommand = 'reload' | 'unanswered' | 'stats' | 'confirm' | 'cancel';

interface Spoof {
  name: string;
  /** Commands for which the spoof makes sense (the upload commands exist in private only). */
  only?: readonly AdminCommand[];
  make(fake: FakeBotApi, text: string): Update;
}

const ANY_CHAT: readonly AdminCommand[] = ['reload', 'unanswered', 'stats'];

const SPOOFS: Spoof[] = [
  { name: 'a non-admin in private', make: (f, t) => f.privateText(USER_ID, t) },
  {
    name: 'a non-admin in a group',
    only: ANY_CHAT,
    make: (f, t) => f.groupText(UNLISTED_GROUP, USER_ID, t),
  },
  {
    name: 'a non-admin addressing the bot by name in a group',
    only: ANY_CHAT,
    make: (f, t) =>
      f.groupText(UNLISTED_GROUP, USER_ID, t.replace(/^(\/\w+)/, '$1@esim_faq_test_bot')),
  },
  {
    name: 'an anonymous admin of a group not in ANONYMOUS_ADMIN_CHAT_IDS',
    only: ANY_CHAT,
    make: (f, t) => anonymousAdminText(f, UNLISTED_GROUP, t),
  },
  {
    name: 'GroupAnonymousBot in a listed group, but speaking as another chat',
    only: ANY_CHAT,
    make: (f, t) => anonymousAdminText(f, LISTED_GROUP, t, CHANNEL),
  },
  {
    name: 'a member of a listed group with the group as sender_chat',
    only: ANY_CHAT,
    make: (f, t) =>
      withMessage(f.groupText(LISTED_GROUP, USER_ID, t), (m) => ({
        ...m,
        sender_chat: { id: LISTED_GROUP, type: 'supergroup', title: 'Listed' },
      })),
  },
  {
    name: "an anonymous admin's command forwarded into the listed group",
    only: ANY_CHAT,
    make: (f, t) =>
      forwarded(anonymousAdminText(f, LISTED_GROUP, t), {
        type: 'chat',
        sender_chat: { id: LISTED_GROUP, type: 'supergroup', title: 'Listed' },
        date: Math.floor(Date.now() / 1000) - 60,
      }),
  },
  {
    name: "a non-admin forwarding an admin's command, in private",
    make: (f, t) => forwarded(f.privateText(USER_ID, t), userOrigin(ADMIN_ID)),
  },
  {
    name: "a non-admin forwarding an admin's command, in a group",
    only: ANY_CHAT,
    make: (f, t) => forwarded(f.groupText(UNLISTED_GROUP, USER_ID, t), userOrigin(ADMIN_ID)),
  },
  {
    name: "the admin forwarding someone else's command",
    make: (f, t) => forwarded(f.privateText(ADMIN_ID, t), userOrigin(USER_ID)),
  },
  {
    name: 'the admin forwarding their own earlier command',
    make: (f, t) => forwarded(f.privateText(ADMIN_ID, t), userOrigin(ADMIN_ID)),
  },
  {
    name: 'an edit by the admin (edited_message)',
    make: (f, t) => editedWith(f, ADMIN_ID, t),
  },
  { name: 'an edit by a non-admin (edited_message)', make: (f, t) => editedWith(f, USER_ID, t) },
  {
    name: 'a photo captioned with the command by a non-admin, in private',
    make: (f, t) => f.photo(USER_ID, USER_ID, { caption: t }),
  },
  {
    name: 'a photo captioned with the command by a non-admin, in a group',
    only: ANY_CHAT,
    make: (f, t) => f.photo(UNLISTED_GROUP, USER_ID, { caption: t }),
  },
  {
    name: "a non-admin's command in reply to the admin's message",
    only: ANY_CHAT,
    make: (f, t) => {
      const admins = f.groupText(UNLISTED_GROUP, ADMIN_ID, 'Please reload the knowledge, someone');
      return f.groupText(UNLISTED_GROUP, USER_ID, t, { reply_to_message: admins.message! });
    },
  },
  {
    name: 'an edit by the anonymous admin of the listed group',
    only: ANY_CHAT,
    make: (f, t) => edited(f, anonymousAdminText(f, LISTED_GROUP, t)),
  },
  { name: 'a channel post', only: ANY_CHAT, make: (f, t) => channelPost(f, CHANNEL, t) },
];

/** An `edited_message` in `userId`'s private chat whose new text is `text`. */
function editedWith(fake: FakeBotApi, userId: number, text: string): Update {
  return edited(fake, fake.privateText(userId, text));
}

/** Texts the bot answers a refused attempt with (or it may stay silent, or see no command). */
const REFUSALS = new Set([en.adminOnly]);

/**
 * Whether a reply is one only an admin gets: the command's outcome, or a message the command
 * sends only once the sender has passed the admin check (such as "use this in private").
 */
const ACTED_ON: Record<AdminCommand, (text: string) => boolean> = {
  reload: (t) => t.startsWith('✅') || t.startsWith('❌'),
  stats: (t) => t.includes('Statistics') || t === en.privateOnly || t === en.feedbackOff,
  unanswered: (t) =>
    t.includes('Unanswered questions') || t === en.privateOnly || t === en.feedbackOff,
  confirm: (t) => t === en.uploadNothingPending || t.startsWith('Installed') || t.startsWith('❌'),
  cancel: (t) => t === en.uploadNothingPending || t.startsWith('Dropped'),
};

/** Handles an update; returns the texts of the messages it made the bot send. */
async function handleCounting(bot: ReliabilityBot, update: Update): Promise<{ texts: string[] }> {
  const before = bot.fake.calls.length;
  await bot.handle(update);
  const texts = bot.fake.calls
    .slice(before)
    .filter((c) => c.method === 'sendMessage' && c.state === 'ok')
    .map((c) => String(c.payload.text));
  return { texts };
}

async function upload(bot: ReliabilityBot): Promise<string[]> {
  const update = bot.fake.document(ADMIN_ID, {
    file_id: 'BQACAgIAAxkBAAIsecurity',
    file_name: UPLOAD_NAME,
    contents: UPLOAD_TEXT,
  });
  return (await handleCounting(bot, update)).texts;
}

describe('admin commands obey only the admins', () => {
  test.for<AdminCommand>(['reload', 'unanswered', 'stats', 'confirm', 'cancel'])(
    '/%s',
    async (command, ctx) => {
      h = await startReliabilityBot({
        settings: { anonymousAdminChatIds: [LISTED_GROUP] },
        feedback: new MemoryFeedbackStore(),
      });
      const bot = h;
      const { fake, store } = bot;
      const text = `/${command}`;
      const help = en.help(fake.botInfo.username);
      const version = () => store.current.version;
      const installed = () => existsSync(path.join(bot.knowledgeDir, UPLOAD_NAME));

      // Is the command there at all? In private, an unknown command gets the help text.
      const isUploadCommand = command === 'confirm' || command === 'cancel';
      const probe = isUploadCommand ? '/cancel' : command === 'reload' ? null : text;
      if (probe) {
        const { texts } = await handleCounting(bot, fake.privateText(ADMIN_ID, probe));
        const nonText = en.nonText(exampleQuestion(store.current.knowledge, 'en'));
        if (texts.includes(help) || texts.includes(nonText)) {
          counts.commandsSkipped.push(command);
          ctx.skip();
          return;
        }
        expect(texts.some((t) => REFUSALS.has(t))).toBe(false);
        counts.adminControls++;
      }
      if (isUploadCommand) {
        const replies = await upload(bot);
        if (!replies.some((t) => t.includes('/confirm'))) {
          counts.commandsSkipped.push(command);
          ctx.skip();
          return;
        }
      }

      const v0 = version();
      let refused = 0;
      const otherReplies = new Set<string>();
      const spoofs = SPOOFS.filter((s) => !s.only || s.only.includes(command));
      for (const spoof of spoofs) {
        counts.spoofAttempts++;
        const { texts } = await handleCounting(bot, spoof.make(fake, text));
        expect(texts.filter(ACTED_ON[command]), `${spoof.name}: replies`).toEqual([]);
        const other = texts.filter((t) => !REFUSALS.has(t));
        if (other.length > 0) otherReplies.add(`${spoof.name} → ${other[0]!.slice(0, 50)}`);
        expect(version(), `${spoof.name}: knowledge version`).toBe(v0);
        expect(installed(), `${spoof.name}: upload installed`).toBe(false);
        refused++;
        counts.spoofRefused++;
      }
      console.log(
        `[security /${command}] spoofed attempts=${spoofs.length} refused=${refused}; ` +
          `not seen as the command: ${[...otherReplies].join('; ') || 'none'}`,
      );

      // Positive controls: the same command from the real admins does act, so the refusals
      // above are the admin check at work.
      if (command === 'reload') {
        await handleCounting(bot, fake.privateText(ADMIN_ID, text));
        expect(version()).toBe(v0 + 1);
        await handleCounting(bot, anonymousAdminText(fake, LISTED_GROUP, text));
        expect(version()).toBe(v0 + 2);
        counts.adminControls += 2;
      } else if (command === 'stats' || command === 'unanswered') {
        const { texts } = await handleCounting(bot, anonymousAdminText(fake, LISTED_GROUP, text));
        expect(texts).toEqual([en.privateOnly]);
        counts.adminControls++;
      } else if (command === 'confirm') {
        // The pending upload survived every spoof, and the admin's /confirm installs it.
        await handleCounting(bot, fake.privateText(ADMIN_ID, text));
        expect(installed()).toBe(true);
        expect(version()).toBe(v0 + 1);
        counts.adminControls++;
      } else {
        const { texts } = await handleCounting(bot, fake.privateText(ADMIN_ID, text));
        expect(texts).toEqual([en.uploadCancelled(UPLOAD_NAME)]);
        counts.adminControls++;
      }
      expect(bot.escaped).toEqual([]);
      expect(bot.fake.calls.filter((c) => c.errorCode === 400)).toEqual([]);
    },
  );
});

// ---------------------------------------------------------------------------
// The token

/** Every place the token could leak to, as one text per source. */
function apiTraffic(fake: FakeBotApi): string {
  return fake.calls
    .map((c) => JSON.stringify({ payload: c.payload, result: c.result, d: c.description }))
    .join('\n');
}

function secretHalf(token: string): string {
  const half = token.split(':')[1];
  if (!half || half.length < 30) throw new Error('the test token has no secret half');
  return half;
}

/** True when `text` holds the token, its secret half, or a 12-character end of that half. */
function holdsToken(text: string, token: string): boolean {
  const half = secretHalf(token);
  return [token, half, half.slice(0, 12), half.slice(-12)].some((part) => text.includes(part));
}

function expectNoToken(label: string, text: string, token: string): void {
  counts.leakChecks++;
  const leaked = holdsToken(text, token);
  if (leaked) counts.leaksFound++;
  expect(leaked, `${label} contains the token`).toBe(false);
}

describe('the bot token never leaks', () => {
  test('masking covers the token in the forms an error may quote it in', () => {
    const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_secret';
    const encoded = token.replace(':', '%3A');
    for (const secrets of [[], [token]]) {
      for (const text of [
        `request to https://api.telegram.org/bot${token}/sendMessage failed`,
        `request to https://api.telegram.org/bot${encoded}/sendMessage failed`,
        `request to https://api.telegram.org/bot${encoded.replace('%3A', '%3a')}/getFile`,
        JSON.stringify({ url: `/file/bot${token}/documents/file_1.md` }),
      ]) {
        expectNoToken(`redactSecrets(${text.slice(0, 40)}…)`, redactSecrets(text, secrets), token);
      }
    }
  });

  test('in process: logs, errors, console output, replies and API payloads', async () => {
    // Masking by pattern only (no secrets passed), so that the pattern itself is tested.
    h = await startReliabilityBot({ secrets: () => [], logLevel: 'trace' });
    const bot = h;
    const { fake } = bot;
    const printed: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(' '));
      });
    }
    const errors: unknown[] = [];
    const originalHandler = bot.bot.errorHandler;
    bot.bot.catch(async (error) => {
      errors.push(error);
      await originalHandler(error);
    });

    await bot.handle(fake.privateText(USER_ID, 'what is green tea'));
    fake.failNext('sendMessage', { kind: 'drop' }, 5);
    await bot.handle(fake.privateText(USER_ID, 'what is green tea'));
    fake.failNext('sendMessage', { kind: 'error', code: 401, description: 'Unauthorized' });
    await bot.handle(fake.privateText(USER_ID, 'what is green tea'));
    fake.failNext('sendMessage', {
      kind: 'error',
      code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    await bot.handle(fake.privateText(USER_ID + 1, 'what is green tea'));
    fake.failNext('sendMessage', {
      kind: 'error',
      code: 400,
      description: 'Bad Request: chat not found',
    });
    await bot.handle(fake.privateText(USER_ID, 'what is green tea'));
    // An upload whose file Telegram does not know: the download never starts.
    await bot.handle(
      fake.document(ADMIN_ID, { file_id: 'BQACAgIAAxkBAAIunknown', file_name: '17-x.md' }),
    );
    // An upload whose download fails: the file path Telegram gives leads nowhere (404).
    fake.addFile('BQACAgIAAxkBAAIgone', 'x', { filePath: '../../nowhere.md', fileName: '17-y.md' });
    await bot.handle(
      fake.document(ADMIN_ID, { file_id: 'BQACAgIAAxkBAAIgone', file_name: '17-y.md' }),
    );

    // What each error says of itself, and what its causes say: BotError → HttpError → the HTTP
    // client's error, which quotes the request URL.
    const chainOf = (error: unknown): unknown[] => {
      const cause = (error as { error?: unknown } | undefined)?.error;
      return error === undefined ? [] : [error, ...(cause === undefined ? [] : chainOf(cause))];
    };
    const textOf = (e: unknown) => (e instanceof Error ? `${String(e)}\n${e.stack}` : String(e));
    const errorTexts = errors.map((e) => textOf(e));
    const causeTexts = errors.flatMap((e) => chainOf(e).slice(1).map(textOf));
    console.log(
      `[security in-process] log lines=${bot.rawLogs.length} errors=${errors.length} ` +
        `API calls=${fake.calls.length} console lines=${printed.length}`,
    );
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(bot.rawLogs.join('')).toContain('[redacted]');
    expectNoToken('the logs', bot.rawLogs.join(''), fake.token);
    expectNoToken('the console', printed.join('\n'), fake.token);
    expectNoToken('the API payloads and replies', apiTraffic(fake), fake.token);
    for (const text of errorTexts) expectNoToken('an error', text, fake.token);
    // The HTTP client's own error quotes the request URL, token included; it reaches a person
    // only through the logger, which masks it.
    expect(causeTexts.some((text) => holdsToken(text, fake.token))).toBe(true);
    for (const text of causeTexts)
      expectNoToken('a cause, masked', redactSecrets(text), fake.token);
  });

  test(
    'the real program: start, a question, a network fault, a 401, SIGTERM, and a start with a revoked token',
    { timeout: 60_000 },
    async () => {
      const fake = await FakeBotApi.start();
      const knowledgeDir = await copyKnowledge();
      const children: BotProcess[] = [];
      cleanups.push(async () => {
        for (const child of children) child.child.kill('SIGKILL');
        await Promise.all(children.map((c) => c.exited));
        await fake.close();
        await rm(knowledgeDir, { recursive: true, force: true });
      });
      const env = {
        BOT_TOKEN: fake.token,
        BOT_API_ROOT: fake.apiRoot,
        KNOWLEDGE_DIR: knowledgeDir,
        ADMIN_IDS: String(ADMIN_ID),
        LOG_LEVEL: 'trace',
      };
      const bot = spawnBot(env);
      children.push(bot);
      // Meanwhile, the same program with a token Telegram does not know.
      const revokedToken = `${fake.botInfo.id}:AARevokedRevokedRevokedRevoked_98765`;
      const revoked = spawnBot({ ...env, BOT_TOKEN: revokedToken });
      children.push(revoked);

      await bot.waitForLog('polling for updates', undefined, 30_000);
      fake.privateText(USER_ID, 'what is green tea');
      await fake.waitFor({ method: 'sendMessage', count: 1 }, 30_000);
      // A network fault that outlasts the retries (500 ms + 1 s + 2 s + 4 s), then a 401.
      fake.failNext('sendMessage', { kind: 'drop' }, 5);
      fake.privateText(USER_ID, '红茶怎么泡');
      await bot.waitForLog('network error talking to Telegram', undefined, 30_000);
      fake.failNext('sendMessage', { kind: 'error', code: 401, description: 'Unauthorized' });
      fake.privateText(USER_ID, 'what is green tea');
      await bot.waitForLog('Telegram rejected a call', (l) => l.code === 401, 30_000);
      // An admin's reload and a document upload, which downloads by a URL with the token.
      fake.privateText(ADMIN_ID, '/reload');
      fake.document(ADMIN_ID, {
        file_id: 'BQACAgIAAxkBAAIprocess',
        file_name: UPLOAD_NAME,
        contents: UPLOAD_TEXT,
      });
      await waitUntil(() => fake.sent(ADMIN_ID).length >= 2, 'the replies to the admin', 30_000);
      bot.child.kill('SIGTERM');
      expect(await exitWithin(bot, 30_000)).toEqual({ code: 0, signal: null });
      expect((await exitWithin(revoked, 30_000)).code).toBe(1);
      expect(revoked.stderr).toMatch(/401/);

      const network = bot.logs().find((l) => l.msg === 'network error talking to Telegram');
      console.log(
        `[security process] stdout=${bot.stdout.length} B stderr=${bot.stderr.length} B ` +
          `log lines=${bot.logs().length} API calls=${fake.calls.length} ` +
          `network error logged as: ${String(network?.error).slice(0, 120)}`,
      );
      expect(String(network?.error)).toContain('[redacted]');
      for (const [label, text] of [
        ['stdout', bot.stdout],
        ['stderr', bot.stderr],
        ['the revoked run', revoked.stdout + revoked.stderr],
        ['the API payloads and replies', apiTraffic(fake)],
      ] as const) {
        expectNoToken(label, text, fake.token);
        expectNoToken(label, text, revokedToken);
      }
    },
  );
});

// ---------------------------------------------------------------------------
// Knowledge paths

describe('knowledge paths cannot leave KNOWLEDGE_DIR', () => {
  async function expectRejectedLink(name: string, target: string): Promise<void> {
    h = await startReliabilityBot();
    const bot = h;
    await symlink(target, path.join(bot.knowledgeDir, name));
    counts.pathAttempts++;
    const outcome = await bot.store.reload();
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.problems).toContainEqual({ file: name, reason: reasons.outsideFolder });
    expect(bot.store.current.version).toBe(1);
    counts.pathRejected++;
  }

  test('a link to /etc/hostname is rejected, and its content never reaches a reply', async (ctx) => {
    const target = ['/etc/hostname', '/etc/passwd'].find((f) => existsSync(f));
    if (!target) {
      ctx.skip();
      return;
    }
    await expectRejectedLink('17-host.md', target);
    const bot = h!;
    await bot.handle(bot.fake.privateText(ADMIN_ID, '/reload'));
    const reply = String(bot.fake.sent(ADMIN_ID)[0]?.payload.text);
    expect(reply).toContain('17-host.md');
    const content = (await readFile(target, 'utf8')).trim();
    if (content.length >= 4) expect(reply).not.toContain(content);
  });

  test('a link to a valid section in a sibling folder sharing the name prefix is rejected', async () => {
    let sibling = '';
    h = await startReliabilityBot({
      prepareKnowledge: async (dir) => {
        // knowledge-XXXX-evil beside knowledge-XXXX: a naive prefix check would accept it.
        sibling = `${dir}-evil`;
        await mkdir(sibling);
        await writeFile(path.join(sibling, 'section.md'), UPLOAD_TEXT);
      },
    });
    cleanups.push(() => rm(sibling, { recursive: true, force: true }));
    const target = path.join(sibling, 'section.md');
    await symlink(target, path.join(h.knowledgeDir, '17-sibling.md'));
    counts.pathAttempts++;
    const outcome = await h.store.reload();
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.problems).toContainEqual({
        file: '17-sibling.md',
        reason: reasons.outsideFolder,
      });
      counts.pathRejected++;
    }
    // At start-up too: a folder with such a link does not load.
    await expect(KnowledgeStore.open(h.knowledgeDir)).rejects.toThrow(/17-sibling\.md/);
  });

  test('a chain of links that ends outside, and a link to an outside folder, are rejected', async () => {
    h = await startReliabilityBot();
    const bot = h;
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'esim-faq-elsewhere-'));
    cleanups.push(() => rm(elsewhere, { recursive: true, force: true }));
    await writeFile(path.join(elsewhere, 'section.md'), UPLOAD_TEXT);
    // 17-chain.md → hop.txt (inside, not knowledge) → the outside file.
    await symlink(path.join(elsewhere, 'section.md'), path.join(bot.knowledgeDir, 'hop.txt'));
    await symlink('hop.txt', path.join(bot.knowledgeDir, '17-chain.md'));
    await symlink(elsewhere, path.join(bot.knowledgeDir, '18-folder.md'));
    await symlink('../../../../../../../../etc', path.join(bot.knowledgeDir, '19-etc.md'));
    counts.pathAttempts += 3;
    const outcome = await bot.store.reload();
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    for (const file of ['17-chain.md', '18-folder.md', '19-etc.md']) {
      expect(outcome.error.problems).toContainEqual({ file, reason: reasons.outsideFolder });
      counts.pathRejected++;
    }
  });

  test('no file name that may be written into the folder can point outside it (property)', () => {
    const dir = path.resolve('/srv/knowledge');
    let accepted = 0;
    const part = fc.constantFrom(
      '..',
      '.',
      '/',
      '\\',
      'a',
      'Z',
      '0',
      '-',
      '_',
      '.md',
      '%2e',
      '\0',
      ' ',
      'é',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.array(part, { maxLength: 12 }).map((p) => p.join('')),
          fc.array(part, { maxLength: 12 }).map((p) => `${p.join('')}.md`),
        ),
        (name) => {
          counts.pathAttempts++;
          if (!isKnowledgeFileName(name)) {
            counts.pathRejected++;
            return;
          }
          accepted++;
          const full = path.resolve(dir, name);
          expect(path.dirname(full)).toBe(dir);
          expect(isInside(dir, full)).toBe(true);
          expect(knowledgeFileNames([name])).toEqual([name]);
        },
      ),
      { numRuns: 3_000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  test('../ names are refused by the store and by the upload, and nothing is written outside', async () => {
    h = await startReliabilityBot();
    const bot = h;
    const parent = path.dirname(bot.knowledgeDir);
    const before = await readdir(bot.knowledgeDir);
    for (const name of ['../evil.md', '..\\evil.md', 'sub/evil.md', '/tmp/evil.md', '.evil.md']) {
      counts.pathAttempts += 2;
      await expect(bot.store.check(name, UPLOAD_TEXT)).rejects.toThrow(KnowledgeFileNameError);
      await expect(bot.store.install(name, UPLOAD_TEXT)).rejects.toThrow(KnowledgeFileNameError);
      counts.pathRejected += 2;
      counts.pathAttempts++;
      const update = bot.fake.document(ADMIN_ID, {
        file_id: `BQACAgIAAxkBAAIdots${counts.pathAttempts}`,
        file_name: name,
        contents: UPLOAD_TEXT,
      });
      const { texts } = await handleCounting(bot, update);
      expect(texts.join('\n')).not.toContain('/confirm');
      await handleCounting(bot, bot.fake.privateText(ADMIN_ID, '/confirm'));
      counts.pathRejected++;
    }
    expect(existsSync(path.join(parent, 'evil.md'))).toBe(false);
    expect(existsSync('/tmp/evil.md')).toBe(false);
    expect(existsSync(path.join(bot.knowledgeDir, 'sub'))).toBe(false);
    expect((await readdir(bot.knowledgeDir)).sort()).toEqual(before.sort());
    // The loader reads only names readdir gives, which never hold a separator.
    const names = (await readKnowledgeFolder(bot.knowledgeDir)).map((f) => f.name);
    expect(names.every((n) => !n.includes('/') && !n.includes('\\') && !n.startsWith('.'))).toBe(
      true,
    );
    expect(bot.store.current.version).toBe(1);
  });
});

describe('summary', () => {
  test('prints the counts of this file', () => {
    console.log(
      `[security summary] spoofed admin attempts=${counts.spoofAttempts} refused=${counts.spoofRefused} ` +
        `admin controls obeyed=${counts.adminControls} commands skipped=${counts.commandsSkipped.join(',') || 'none'} ` +
        `token checks=${counts.leakChecks} leaks=${counts.leaksFound} ` +
        `path attempts=${counts.pathAttempts} rejected=${counts.pathRejected}`,
    );
    expect(counts.spoofAttempts).toBeGreaterThan(0);
  });
});
