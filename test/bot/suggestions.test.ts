import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repliesFor } from '../../src/bot/replies.js';
import { suggestionKey } from '../../src/feedback/suggestions.js';
import {
  ADMIN_ID,
  answerActionButtons,
  buttonsOf,
  errorLogs,
  harnessPerTest,
  SHIPPED_KNOWLEDGE,
  logsWith,
  sectionButtons,
  titleOf,
  USER_ID,
  visibleText,
  type BotHarness,
  askPrivately,
} from '../support/bot-harness.js';
import type { SentMessage } from '../support/fake-bot-api.js';
import { inProcessMatcher, type QuestionMatcher } from '../../src/match-thread/thread-matcher.js';

// The learning loop is about real questions and the matcher's real alternatives: it runs on
// the shipped knowledge, as the answer-quality tests do.
const start = harnessPerTest();
const en = repliesFor('en');
const OTHER_USER = 1002;

// Unanswered by the shipped knowledge, and about the safety of eSIM activation.
const UNANSWERED = 'could a fake qr sticker at the shop hijack my activation';
// Answered with "esim"; the matcher offers "esim-remote-control" beside it.
const WITH_ALTERNATIVE = 'what does provisioning over the air mean';

async function press(bot: BotHarness, user: number, message: SentMessage, text: string) {
  const button = buttonsOf(message).find((b) => b.text === text);
  if (!button?.callback_data) throw new Error(`no button "${text}" under: ${visibleText(message)}`);
  const before = bot.fake.sent(user).length;
  await bot.handle(
    bot.fake.callbackQuery(user, user, button.callback_data, message.message.message_id),
  );
  return bot.fake.sent(user).slice(before);
}

/** The /suggestions item whose text quotes `example`. */
function itemFor(messages: SentMessage[], example: string): SentMessage {
  const item = messages.find((m) => visibleText(m).includes(example));
  if (!item) throw new Error(`no suggestion for "${example}"`);
  return item;
}

describe('the learning loop', () => {
  test('a scripted session: unanswered and chosen wordings become suggestions, an admin adds them, the same questions are then answered', async () => {
    const bot = await start({ knowledgeFrom: SHIPPED_KNOWLEDGE });

    // 1. Two people ask a question the knowledge does not answer.
    for (const user of [USER_ID, OTHER_USER]) {
      const [reply] = await askPrivately(bot, user, UNANSWERED);
      expect(visibleText(reply!).startsWith(en.noAnswer)).toBe(true);
    }

    // 2. One asks something answered with "esim" and presses the alternative instead.
    const answer = (await askPrivately(bot, USER_ID, WITH_ALTERNATIVE)).at(-1)!;
    const alternative = sectionButtons(answer).find((b) =>
      b.text.includes(titleOf(bot.store, 'esim-remote-control', 'en')),
    );
    expect(alternative).toBeDefined();
    await press(bot, USER_ID, answer, alternative!.text);

    // 3. Another votes 👎 on an answer and picks a topic from the list offered.
    const other = (await askPrivately(bot, OTHER_USER, 'is esim safe')).at(-1)!;
    const [pick] = await press(bot, OTHER_USER, other, en.voteDownButton);
    expect(visibleText(pick!)).toBe(en.pickAnother);
    const choice = sectionButtons(pick!)[0]!;
    await press(bot, OTHER_USER, pick!, choice.text);
    expect(logsWith(bot.logs, 'suggestion').map((l) => [l.source, l.outcome])).toEqual([
      ['alternative', 'recorded'],
      ['after-downvote', 'recorded'],
    ]);

    // 4. The admin's /suggestions lists both wordings and the unanswered group.
    const listed = await askPrivately(bot, ADMIN_ID, '/suggestions');
    expect(visibleText(listed[0]!)).toBe(
      'Suggestions, last 7 days: 2 wordings users chose a topic for, 1 groups of unanswered questions.',
    );
    const chosen = itemFor(listed, WITH_ALTERNATIVE);
    expect(visibleText(chosen)).toContain('Wording users chose ×1');
    expect(visibleText(chosen)).toContain('esim-remote-control');
    const unanswered = itemFor(listed, UNANSWERED);
    expect(visibleText(unanswered)).toContain('Unanswered ×2');
    expect(buttonsOf(unanswered).map((b) => b.text)).toEqual([
      en.addWordingButton,
      en.chooseSectionButton,
      en.dismissButton,
    ]);

    // 5. ↪ then a section: the unanswered question becomes a wording of esim-security.
    const [sections] = await press(bot, ADMIN_ID, unanswered, en.chooseSectionButton);
    expect(visibleText(sections!)).toBe(`Which section should “${UNANSWERED}” be added to?`);
    const [added] = await press(
      bot,
      ADMIN_ID,
      sections!,
      titleOf(bot.store, 'esim-security', 'en'),
    );
    const addedText = visibleText(added!);
    expect(addedText).toContain(`Added “${UNANSWERED}” to 09-esim-security.md, questions.en`);
    expect(addedText).toContain('Reloaded: changed esim-security.');
    expect(addedText).toMatch(
      /Asked again, it is now answered with esim-security \(score 0\.\d\d\)\./,
    );
    const file = await readFile(path.join(bot.knowledgeDir, '09-esim-security.md'), 'utf8');
    expect(file).toContain(`- ${UNANSWERED}`);
    const backups = await readdir(path.join(bot.knowledgeDir, '.backups'));
    expect(backups).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT.*-09-esim-security\.md$/)]);

    // 6. ➕ adds the chosen wording to the section the user picked.
    const [addedChoice] = await press(bot, ADMIN_ID, chosen, en.addWordingButton);
    expect(visibleText(addedChoice!)).toContain('now answered with esim-remote-control');

    // 7. 🗑 dismisses the last one; it is not listed again, nor are the added ones.
    const dismissed = itemFor(listed, 'is esim safe');
    const [gone] = await press(bot, ADMIN_ID, dismissed, en.dismissButton);
    expect(visibleText(gone!)).toContain('Dismissed: is esim safe');
    expect((await bot.feedback.decisions()).get(suggestionKey('is esim safe'))?.decision).toBe(
      'dismissed',
    );
    const again = await askPrivately(bot, ADMIN_ID, '/suggestions');
    expect(again.map(visibleText)).toEqual([en.suggestionsEmpty(7)]);

    // 8. The same questions are now answered with the sections the admin chose.
    const [now] = await askPrivately(bot, USER_ID, UNANSWERED);
    expect(visibleText(now!).startsWith(titleOf(bot.store, 'esim-security', 'en'))).toBe(true);
    expect(answerActionButtons(now!).length).toBeGreaterThan(0);
    const [nowChosen] = await askPrivately(bot, USER_ID, WITH_ALTERNATIVE);
    expect(
      visibleText(nowChosen!).startsWith(titleOf(bot.store, 'esim-remote-control', 'en')),
    ).toBe(true);
    expect(errorLogs(bot.logs)).toEqual([]);
  });

  test('suggestion buttons and /suggestions are for admins only', async () => {
    const bot = await start({ knowledgeFrom: SHIPPED_KNOWLEDGE });
    await askPrivately(bot, USER_ID, UNANSWERED);
    expect((await askPrivately(bot, USER_ID, '/suggestions')).map(visibleText)).toEqual([
      en.adminOnly,
    ]);
    const listed = await askPrivately(bot, ADMIN_ID, '/suggestions');
    const item = itemFor(listed, UNANSWERED);
    const data = buttonsOf(item).find((b) => b.text === en.dismissButton)!.callback_data!;
    await bot.handle(bot.fake.callbackQuery(USER_ID, USER_ID, data));
    expect(bot.fake.callsOf('answerCallbackQuery').at(-1)?.payload.text).toBe(en.adminOnly);
    expect(await bot.feedback.decisions()).toEqual(new Map());
  });

  test('a topic pressed from /topics or a deep link is no suggestion', async () => {
    const bot = await start({ knowledgeFrom: SHIPPED_KNOWLEDGE });
    const [topics] = await askPrivately(bot, USER_ID, '/topics');
    await press(bot, USER_ID, topics!, sectionButtons(topics!)[1]!.text);
    expect(logsWith(bot.logs, 'suggestion')).toEqual([]);
  });
});

describe('the pick after 👎', () => {
  test("is matched where the questions are: through the bot's matcher, as the question was", async () => {
    const asked: string[] = [];
    const matcher: QuestionMatcher = {
      match: async (snapshot, question, options) => {
        asked.push(question);
        return inProcessMatcher.match(snapshot, question, options);
      },
    };
    const bot = await start({ knowledgeFrom: SHIPPED_KNOWLEDGE, matcher });
    const answer = (await askPrivately(bot, USER_ID, WITH_ALTERNATIVE)).at(-1)!;
    expect(asked).toEqual([WITH_ALTERNATIVE]);
    const [pick] = await press(bot, USER_ID, answer, en.voteDownButton);
    expect(visibleText(pick!)).toBe(en.pickAnother);
    expect(asked).toEqual([WITH_ALTERNATIVE, WITH_ALTERNATIVE]);
    // The matcher's nearest sections lead the list, the answered one left out.
    const titles = sectionButtons(pick!).map((b) => b.text);
    expect(titles[0]).toContain(titleOf(bot.store, 'esim-remote-control', 'en'));
    expect(titles.some((t) => t.includes(titleOf(bot.store, 'esim', 'en')))).toBe(false);
  });
});
