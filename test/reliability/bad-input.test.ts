/**
 * Bad input: the matcher on the shipped knowledge, and the real bot's message handlers (a
 * private text, a group /ask) over the fake Bot API, on at least 10,000 generated strings:
 * full Unicode, graphemes, emoji, right-to-left text, zero-width and combining characters, lone
 * surrogates, control characters, empty and whitespace-only text, walls of 100,000 characters,
 * punctuation, mentions, markup and commands with junk. Nothing may throw, and everything the
 * bot sends must be a message Telegram accepts: no 400, no text over 4,096 characters.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MESSAGE_LIMIT } from '../../src/bot/render.js';
import { KnowledgeStore } from '../../src/knowledge-store.js';
import type { Lang } from '../../src/knowledge/types.js';
import { matchQuestion, type MatchResult } from '../../src/match/match-question.js';
import { matchTuning } from '../../src/match/tuning.js';
import { errorLogs, TEST_KNOWLEDGE } from '../support/bot-harness.js';
import type { RecordedCall } from '../support/fake-bot-api.js';
import { anyText, askText, hugeText, mixedText, pieces, shapedText } from '../support/junk-text.js';
import { startReliabilityBot, type ReliabilityBot } from '../support/reliability-bot.js';

const LANGS: readonly Lang[] = ['en', 'zh-Hans', 'zh-Hant'];
const join = (parts: readonly string[]) => parts.join('');
/** Telegram names are at most 64 characters. */
const cut64 = (name: string) => Array.from(name).slice(0, 64).join('');
const MIN_TOTAL_INPUTS = 10_000;

const counts = {
  matcher: 0,
  matcherAnswered: 0,
  handlerPrivate: 0,
  handlerGroup: 0,
  huge: 0,
  sendCalls: 0,
  badRequests: 0,
  overLimit: 0,
  longestReply: 0,
};

describe('the matcher on generated strings', () => {
  let store: KnowledgeStore;
  beforeAll(async () => {
    store = await KnowledgeStore.open(TEST_KNOWLEDGE);
  });

  /** Matches `question` twice (the answer must not depend on caches) and checks the result. */
  function checkMatch(question: string): void {
    const { index, knowledge } = store.current;
    counts.matcher++;
    const result = matchQuestion(index, question);
    const again = matchQuestion(index, question);
    expect(again.section?.id).toBe(result.section?.id);
    expect(again.score).toBe(result.score);
    expectSaneResult(result, knowledge.sections);
    if (result.section) counts.matcherAnswered++;
  }

  function expectSaneResult(result: MatchResult, sections: readonly unknown[]): void {
    expect(Number.isFinite(result.score)).toBe(true);
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(1);
    expect(LANGS).toContain(result.lang);
    if (result.section) {
      expect(sections).toContain(result.section);
      expect(result.score).toBeGreaterThanOrEqual(store.current.index.calibration.threshold);
    }
    expect(result.alternatives.length).toBeLessThanOrEqual(matchTuning.answer.maxAlternatives);
    for (const alt of result.alternatives) {
      expect(alt.section).not.toBe(result.section);
      expect(alt.score).toBeLessThanOrEqual(result.score);
    }
  }

  test('full Unicode code points (unit "binary")', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => checkMatch(s)),
      { numRuns: 2_500 },
    );
  });

  test('graphemes (unit "grapheme")', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 150 }), (s) => checkMatch(s)),
      { numRuns: 2_000 },
    );
  });

  test('mixes of emoji, RTL, zero-width, combining marks, lone surrogates, markup, commands', () => {
    fc.assert(
      fc.property(mixedText, (s) => checkMatch(s)),
      { numRuns: 3_000 },
    );
  });

  test('telling shapes: empty, whitespace only, punctuation only, a mention only, commands with junk', () => {
    fc.assert(
      fc.property(shapedText, (s) => checkMatch(s)),
      { numRuns: 1_500 },
    );
  });

  test('strings of lone surrogates and control characters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(pieces.loneSurrogate, pieces.control, pieces.nonCharacter), {
          maxLength: 100,
        }),
        (parts) => checkMatch(parts.join('')),
      ),
      { numRuns: 500 },
    );
  });

  test('walls of 100,000 characters (a few runs)', () => {
    fc.assert(
      fc.property(hugeText, (s) => {
        counts.huge++;
        const started = performance.now();
        checkMatch(s);
        // The matcher reads a bounded prefix: a wall of text costs no more than a question.
        expect(performance.now() - started).toBeLessThan(2_000);
      }),
      { numRuns: 5 },
    );
  });
});

describe('the message handlers on generated strings', () => {
  let h: ReliabilityBot;
  let nextUser = 900_000;

  beforeAll(async () => {
    h = await startReliabilityBot({ logLevel: 'warn' });
  });
  afterAll(async () => {
    await h.close();
  });

  /** Handles one update and checks every sendMessage it caused; returns those calls. */
  async function handleAndCheck(push: () => { update_id: number }): Promise<RecordedCall[]> {
    const before = h.fake.calls.length;
    const update = push();
    await h.handle(update as Parameters<typeof h.handle>[0]);
    const calls = h.fake.calls.slice(before).filter((c) => c.method === 'sendMessage');
    for (const call of calls) {
      counts.sendCalls++;
      const text = String(call.payload.text ?? '');
      counts.longestReply = Math.max(counts.longestReply, text.length);
      if (call.errorCode === 400) counts.badRequests++;
      if (text.length > MESSAGE_LIMIT) counts.overLimit++;
      expect(
        call.state,
        `${call.description ?? ''} for ${JSON.stringify(text.slice(0, 200))}`,
      ).toBe('ok');
      expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    }
    expect(h.escaped).toEqual([]);
    expect(h.failedUpdates).toEqual([]);
    return calls;
  }

  test('a private text: always one valid reply or more, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(anyText, fc.tuple(pieces.command, fc.constantFrom(' ', ''), anyText).map(join)),
        // The sender's name is quoted by /start, and the interface language picks the replies.
        fc.oneof(fc.constant('Test'), anyText.filter((n) => n.trim() !== '').map(cut64)),
        fc.constantFrom('en', 'zh-hans', 'zh-hant', 'zh-TW', 'ar', 'he', ''),
        async (text, firstName, languageCode) => {
          counts.handlerPrivate++;
          // A new user each time, so the per-user flood limit never drops a run.
          const user = nextUser++;
          const from = { first_name: firstName, language_code: languageCode };
          const calls = await handleAndCheck(() => h.fake.privateText(user, text, { from }));
          expect(calls.length).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('/start and /help from users with hostile names and any language', async () => {
    const hostileName = fc.oneof(
      fc.array(fc.oneof(pieces.markup, pieces.emoji, pieces.rtl, pieces.combining), {
        minLength: 1,
        maxLength: 20,
      }),
      fc.array(fc.oneof(pieces.loneSurrogate, pieces.zeroWidth, pieces.control), {
        minLength: 1,
        maxLength: 10,
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/start', '/help', '/start esim', '/start ../../etc', '/topics'),
        hostileName.map((p) => cut64(p.join('') || 'x')),
        fc.constantFrom('en', 'zh-hans', 'zh-hant', 'ar', ''),
        async (command, firstName, languageCode) => {
          counts.handlerPrivate++;
          const user = nextUser++;
          const from = { first_name: firstName, language_code: languageCode };
          const calls = await handleAndCheck(() => h.fake.privateText(user, command, { from }));
          expect(calls.length).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });

  // Every run asks in a group of its own: the bot rightly holds a group to 18 messages a
  // minute, which a thousand runs in one group would turn into a wait of an hour.
  let nextGroup = -1_000_900_001;

  test('a group /ask with junk: always one valid reply threaded under it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/ask ', '/ask\n', '/ask@esim_faq_test_bot ', '/ask  '),
        askText,
        async (command, junk) => {
          counts.handlerGroup++;
          const user = nextUser++;
          const group = nextGroup--;
          let messageId = 0;
          const calls = await handleAndCheck(() => {
            const update = h.fake.groupText(group, user, `${command}${junk}`);
            messageId = update.message?.message_id ?? 0;
            return update;
          });
          expect(calls.length).toBeGreaterThanOrEqual(1);
          expect(calls[0]?.payload.reply_parameters).toMatchObject({ message_id: messageId });
        },
      ),
      { numRuns: 300 },
    );
  });

  test('any group message (addressed or not): whatever is sent is valid', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyText,
          fc.tuple(pieces.mention, fc.constantFrom(' ', ''), anyText).map((p) => p.join('')),
        ),
        async (text) => {
          counts.handlerGroup++;
          const user = nextUser++;
          const group = nextGroup--;
          await handleAndCheck(() => h.fake.groupText(group, user, text));
        },
      ),
      { numRuns: 100 },
    );
  });

  test('walls of 100,000 characters, privately and with /ask (a few runs)', async () => {
    await fc.assert(
      fc.asyncProperty(hugeText, async (text) => {
        counts.huge++;
        counts.handlerPrivate++;
        counts.handlerGroup++;
        const user = nextUser++;
        const privately = await handleAndCheck(() => h.fake.privateText(user, text));
        const inGroup = await handleAndCheck(() =>
          h.fake.groupText(nextGroup--, user, `/ask ${text}`),
        );
        expect(privately.length).toBeGreaterThanOrEqual(1);
        expect(inGroup.length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 4 },
    );
  });

  test('no error was logged and no 400 returned over all runs', () => {
    expect(errorLogs(h.logs)).toEqual([]);
    expect(h.fake.calls.filter((c) => c.errorCode === 400)).toEqual([]);
    expect(h.fake.violations).toEqual([]);
  });
});

describe('summary', () => {
  test('prints the counts of this file', () => {
    const total = counts.matcher + counts.handlerPrivate + counts.handlerGroup;
    console.log(
      `[bad-input summary] inputs tried=${total} (matcher=${counts.matcher} of which answered=` +
        `${counts.matcherAnswered}; private handler=${counts.handlerPrivate}; group handler=` +
        `${counts.handlerGroup}; 100k-character walls=${counts.huge}) sendMessage checked=` +
        `${counts.sendCalls} 400s=${counts.badRequests} over ${MESSAGE_LIMIT}=${counts.overLimit} ` +
        `longest reply=${counts.longestReply} faults injected=0 duplicates=n/a losses=0`,
    );
    expect(total).toBeGreaterThanOrEqual(MIN_TOTAL_INPUTS);
    expect(counts.badRequests).toBe(0);
    expect(counts.overLimit).toBe(0);
  });
});
