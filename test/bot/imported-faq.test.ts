import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runTsx } from '../cli/run.js';
import { removeTempDirs, tempDir } from '../knowledge/section-files.js';
import {
  buttonsOf,
  harnessPerTest,
  REPO_ROOT,
  USER_ID,
  visibleText,
  type BotHarness,
  askPrivately,
} from '../support/bot-harness.js';

afterAll(removeTempDirs);
const start = harnessPerTest();

/** Imports `fixture` with the command line into a fresh folder, which it checks. */
async function imported(fixture: string): Promise<string> {
  const out = path.join(await tempDir(), 'faq');
  const run = await runTsx('src/cli/knowledge-import.ts', [
    path.join(REPO_ROOT, 'test/fixtures/import', fixture),
    '--out',
    out,
  ]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/✔ .*: \d+ sections load/);
  const check = await runTsx('src/cli/knowledge-check.ts', [out]);
  expect(check.code, check.stderr).toBe(0);
  return out;
}

async function ask(bot: BotHarness, text: string) {
  const replies = await askPrivately(bot, USER_ID, text);
  return { text: replies.map(visibleText).join('\n'), last: replies.at(-1) };
}

describe('an imported FAQ, served over the Bot API', () => {
  test('a CSV is imported, checked and answers unseen wordings', async () => {
    const bot = await start({ knowledgeFrom: await imported('bike-share.csv') });
    expect((await ask(bot, "the bike won't unlock")).text).toContain(
      'scan the QR code on the handlebar',
    );
    expect((await ask(bot, 'how expensive is one ride')).text).toContain('1 euro to unlock');
    expect((await ask(bot, 'where do I leave the bike when I am done')).text).toContain(
      'marked zone',
    );
    // Nothing in it is about helmets (that row had no answer): an honest no.
    expect((await ask(bot, 'do you lend helmets')).text).toContain(
      "I don't have a reliable answer",
    );
  });

  test('a QnA Maker export is imported, checked, answered, and its follow-up prompt pressed', async () => {
    const bot = await start({ knowledgeFrom: await imported('gym-qna.tsv') });
    const answer = await ask(bot, 'how can I cancel my gym membership');
    expect(answer.text).toContain('Send the cancellation form');
    const followUp = buttonsOf(answer.last!).find((b) => b.callback_data?.startsWith('r:'));
    expect(followUp?.text).toContain('Is there a cancellation fee?');
    await bot.handle(
      bot.fake.callbackQuery(
        USER_ID,
        USER_ID,
        followUp!.callback_data!,
        answer.last!.message.message_id,
      ),
    );
    expect(visibleText(bot.fake.sent(USER_ID).at(-1)!)).toContain('No fee on the monthly plan');
    expect((await ask(bot, 'what time do you open on sunday')).text).toContain('6:00 to 23:00');
  });
});
