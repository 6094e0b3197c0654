/**
 * Broken knowledge files: each fault is written into the folder together with a valid edit
 * (a marker paragraph in the green-tea section), then `KnowledgeStore.reload()` and an admin's
 * /reload must reject the whole reload with a message naming the faulty file, and the bot must
 * keep answering from the old copy: the green-tea answer without the marker, and the faulty
 * section's own answer as before. Removing the fault makes the next reload succeed, which
 * shows the marker edit was real.
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { formatProblem, reasons } from '../../src/knowledge/errors.js';
import { knowledgeLimits } from '../../src/knowledge/load.js';
import { ADMIN_ID, errorLogs, privateReplies, titleOf, USER_ID } from '../support/bot-harness.js';
import { encodeGbk, encodeLatin1, isUtf8 } from '../support/encodings.js';
import { startReliabilityBot, type ReliabilityBot } from '../support/reliability-bot.js';

const MARKER = 'Zebra marker paragraph added by the knowledge-faults test.';
const ESIM_FILE = '01-green-tea.md';
const VICTIM_FILE = '02-coffee-beans.md';
const VICTIM_ID = 'coffee-beans';
const VICTIM_QUESTION = 'how should I store coffee beans';

let h: ReliabilityBot | undefined;
const outside: string[] = [];

afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const dir of outside.splice(0)) await rm(dir, { recursive: true, force: true });
});

const counts = { faults: 0, rejected: 0, namedTheFile: 0, oldAnswersServed: 0, recovered: 0 };

/** A valid section file in French, all of it within Latin-1. */
const LATIN1_SECTION = [
  '---',
  'id: carte-francaise',
  'questions:',
  '  zh-Hans: ["Qu\'est-ce qu\'une carte à puce française ?"]',
  '  en: ["what is a café résumé naïve card"]',
  '---',
  '',
  '## zh-Hans: Carte à puce française',
  '',
  "Une carte à puce, c'est très pratique : déjà expliqué, voilà.",
  '',
  '## en: The café card',
  '',
  'A café résumé naïve façade card, with crème brûlée.',
  '',
].join('\n');

interface Fault {
  name: string;
  /** The file the rejection must name. */
  file: string;
  reason: string;
  /** Writes the fault into the knowledge folder. */
  apply(dir: string): Promise<void>;
  /** Takes the fault out again (restore the file, remove the new one). */
  undo(dir: string, original: Buffer): Promise<void>;
}

const restoreVictim = async (dir: string, original: Buffer) =>
  writeFile(path.join(dir, VICTIM_FILE), original);
const removeFile = (name: string) => async (dir: string) => rm(path.join(dir, name));

async function victimText(dir: string): Promise<string> {
  return readFile(path.join(dir, VICTIM_FILE), 'utf8');
}

const FAULTS: Fault[] = [
  {
    name: 'a file cut in the middle of its front matter',
    file: VICTIM_FILE,
    reason: reasons.unclosedFrontMatter,
    apply: async (dir) => {
      const text = await victimText(dir);
      const close = text.indexOf('\n---', 4);
      await writeFile(path.join(dir, VICTIM_FILE), text.slice(0, Math.floor(close / 2)));
    },
    undo: restoreVictim,
  },
  {
    name: 'a file cut in the middle of its first body (the second language is lost)',
    file: VICTIM_FILE,
    reason: reasons.missingLanguage('en'),
    apply: async (dir) => {
      const text = await victimText(dir);
      const zh = text.indexOf('## zh-Hans:');
      const en = text.indexOf('## en:');
      await writeFile(path.join(dir, VICTIM_FILE), text.slice(0, Math.floor((zh + en) / 2)));
    },
    undo: restoreVictim,
  },
  {
    name: 'a file cut in the middle of a multi-byte character',
    file: VICTIM_FILE,
    reason: reasons.notUtf8,
    apply: async (dir) => {
      const bytes = Buffer.from(await victimText(dir), 'utf8');
      // The first byte of the last Chinese character of the zh-Hans body, plus one more.
      const en = bytes.indexOf('## en:');
      let cut = en - 1;
      while (cut > 0 && (bytes[cut] ?? 0) < 0xe0) cut--;
      const truncated = bytes.subarray(0, cut + 2);
      expect(isUtf8(truncated)).toBe(false);
      await writeFile(path.join(dir, VICTIM_FILE), truncated);
    },
    undo: restoreVictim,
  },
  {
    name: 'a file saved as GBK',
    file: VICTIM_FILE,
    reason: reasons.notUtf8,
    apply: async (dir) => {
      const gbk = encodeGbk(await victimText(dir));
      expect(isUtf8(gbk)).toBe(false);
      await writeFile(path.join(dir, VICTIM_FILE), gbk);
    },
    undo: restoreVictim,
  },
  {
    name: 'a new file saved as Latin-1',
    file: '17-carte.md',
    reason: reasons.notUtf8,
    apply: async (dir) => {
      const latin1 = encodeLatin1(LATIN1_SECTION);
      expect(isUtf8(latin1)).toBe(false);
      await writeFile(path.join(dir, '17-carte.md'), latin1);
    },
    undo: removeFile('17-carte.md'),
  },
  {
    name: 'a file saved as UTF-16 with a byte order mark',
    file: VICTIM_FILE,
    reason: reasons.notUtf8,
    apply: async (dir) => {
      const text = await victimText(dir);
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      await writeFile(path.join(dir, VICTIM_FILE), utf16);
    },
    undo: restoreVictim,
  },
  {
    name: 'a second file with the id of an existing section',
    file: '99-esim-copy.md',
    reason: reasons.duplicateId('green-tea', ESIM_FILE),
    apply: async (dir) => {
      const copy = await readFile(path.join(dir, ESIM_FILE));
      await writeFile(path.join(dir, '99-esim-copy.md'), copy);
    },
    undo: removeFile('99-esim-copy.md'),
  },
  {
    name: 'a body over the size limit',
    file: VICTIM_FILE,
    reason: 'over the',
    apply: async (dir) => {
      const text = await victimText(dir);
      const paragraph = 'A very long paragraph about SIM cards that goes on and on. '.repeat(40);
      const huge = `${text}\n${Array.from({ length: 200 }, () => paragraph).join('\n\n')}\n`;
      expect(Buffer.byteLength(huge)).toBeGreaterThan(knowledgeLimits.maxFileBytes);
      await writeFile(path.join(dir, VICTIM_FILE), huge);
    },
    undo: restoreVictim,
  },
  {
    name: 'a file missing its English version',
    file: VICTIM_FILE,
    reason: reasons.missingLanguage('en'),
    apply: async (dir) => {
      const text = await victimText(dir);
      await writeFile(path.join(dir, VICTIM_FILE), text.replace(/\n## en:[\s\S]*$/, '\n'));
    },
    undo: restoreVictim,
  },
  {
    name: 'a file missing its Chinese version',
    file: VICTIM_FILE,
    reason: reasons.missingLanguage('zh-Hans'),
    apply: async (dir) => {
      const text = await victimText(dir);
      await writeFile(
        path.join(dir, VICTIM_FILE),
        text.replace(/\n## zh-Hans:[\s\S]*?(?=\n## en:)/, '\n'),
      );
    },
    undo: restoreVictim,
  },
  {
    name: 'a link to a valid section file outside the knowledge folder',
    file: '17-outside.md',
    reason: reasons.outsideFolder,
    apply: async (dir) => {
      const elsewhere = await mkdtemp(path.join(tmpdir(), 'esim-faq-outside-'));
      outside.push(elsewhere);
      await writeFile(path.join(elsewhere, 'section.md'), LATIN1_SECTION);
      await symlink(path.join(elsewhere, 'section.md'), path.join(dir, '17-outside.md'));
    },
    undo: removeFile('17-outside.md'),
  },
];

describe('a broken knowledge file is rejected and the old copy keeps answering', () => {
  test.each(FAULTS.map((f) => [f.name, f] as const))('%s', async (_name, fault) => {
    h = await startReliabilityBot();
    const bot = h;
    const dir = bot.knowledgeDir;
    const esimBefore = await privateReplies(bot, USER_ID, 'what is green tea');
    const victimBefore = await privateReplies(bot, USER_ID, VICTIM_QUESTION);
    expect(esimBefore[0]?.startsWith(titleOf(bot.store, 'green-tea', 'en'))).toBe(true);
    expect(victimBefore[0]?.startsWith(titleOf(bot.store, VICTIM_ID, 'en'))).toBe(true);
    const original = await readFile(path.join(dir, VICTIM_FILE));

    // A valid edit, and the fault, in the same reload.
    const esimText = await readFile(path.join(dir, ESIM_FILE), 'utf8');
    await writeFile(
      path.join(dir, ESIM_FILE),
      esimText.replace(/^(## en:[^\n]*\n)/m, `$1\n${MARKER}\n`),
    );
    await fault.apply(dir);
    counts.faults++;

    const outcome = await bot.store.reload();
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    counts.rejected++;
    const problems = outcome.error.problems.map(formatProblem);
    const named = outcome.error.problems.filter((p) => p.file === fault.file);
    expect(problems.join('\n')).toContain(fault.file);
    expect(named.map((p) => p.reason).join('\n')).toContain(fault.reason);
    // The message is the file and the reason, one line per problem.
    expect(outcome.error.message.split('\n')[0]).toMatch(
      new RegExp(`^${fault.file.replace('.', '\\.')}`),
    );
    counts.namedTheFile++;
    expect(bot.store.current.version).toBe(1);

    // An admin's /reload says the same, in a reply Telegram accepts.
    const [reply] = await privateReplies(bot, ADMIN_ID, '/reload');
    expect(reply).toContain(fault.file);
    expect(reply).toContain(fault.reason);
    expect(bot.store.current.version).toBe(1);

    // The old copy answers: the green-tea answer without the marker, the faulty section as before.
    expect(await privateReplies(bot, USER_ID, 'what is green tea')).toEqual(esimBefore);
    expect(await privateReplies(bot, USER_ID, VICTIM_QUESTION)).toEqual(victimBefore);
    counts.oldAnswersServed += 2;

    // Without the fault the same folder loads, marker included.
    await fault.undo(dir, original);
    const fixed = await bot.store.reload();
    expect(fixed.ok).toBe(true);
    expect((await privateReplies(bot, USER_ID, 'what is green tea'))[0]).toContain(MARKER);
    counts.recovered++;

    expect(bot.fake.callsOf('sendMessage').every((c) => c.state === 'ok')).toBe(true);
    expect(bot.escaped).toEqual([]);
    expect(errorLogs(bot.logs)).toEqual([]);
    console.log(`[knowledge fault] ${fault.name}: ${problems.join(' | ')}`);
  });
});

describe('summary', () => {
  test('prints the counts of this file', () => {
    console.log(
      `[knowledge-faults summary] faults injected=${counts.faults} rejected=${counts.rejected} ` +
        `naming the file=${counts.namedTheFile} old answers served=${counts.oldAnswersServed} ` +
        `recovered after the fix=${counts.recovered} losses=${counts.faults - counts.rejected}`,
    );
    expect(counts.faults).toBe(FAULTS.length);
  });
});
