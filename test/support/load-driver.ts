/**
 * Drives bursts of questions through the real bot and checks what the fake Bot API recorded:
 * which question every delivered message answers, duplicates, losses and per-chat order. Also
 * a seeded storm of Telegram faults, and a forced garbage collection for memory checks.
 *
 * Every question of a burst names a different section in its chat, so an answer is attributed
 * by its first line (the section title) in private chats and by `reply_parameters` in groups.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Update } from 'grammy/types';
import { renderSection } from '../../src/bot/answer.js';
import type { KnowledgeStore } from '../../src/knowledge-store.js';
import type { Lang } from '../../src/knowledge/types.js';
import { sectionText } from '../../src/match/localize.js';
import { matchQuestion } from '../../src/match/match-question.js';
import type { FakeBotApi, FakeFault, FaultRule, SentMessage } from './fake-bot-api.js';
import { seededRandom } from './seeded-random.js';

// ---------------------------------------------------------------------------
// Questions with a known answer

/** A section and the questions that the matcher answers with it, in one message. */
export interface CatalogEntry {
  sectionId: string;
  /** The first line of the answer: the section title. */
  title: string;
  questions: string[];
}

/**
 * For every section of the current knowledge, the alternate questions in `lang` that the
 * matcher answers with that very section, kept only for sections whose answer is one message
 * with a title no other section shares. Throws when fewer than `min` sections qualify.
 */
export function questionCatalog(
  store: KnowledgeStore,
  lang: Lang = 'en',
  min = 10,
): CatalogEntry[] {
  const { index, knowledge } = store.current;
  const titles = new Map<string, number>();
  for (const s of knowledge.sections) {
    const title = sectionText(s, lang).title;
    titles.set(title, (titles.get(title) ?? 0) + 1);
  }
  const catalog: CatalogEntry[] = [];
  for (const section of knowledge.sections) {
    const text = sectionText(section, lang);
    if (titles.get(text.title) !== 1 || renderSection(section, lang).length !== 1) continue;
    const questions = text.questions.filter(
      (q) => matchQuestion(index, q, { fallbackLang: lang }).section?.id === section.id,
    );
    if (questions.length > 0) catalog.push({ sectionId: section.id, title: text.title, questions });
  }
  if (catalog.length < min)
    throw new Error(`only ${catalog.length} sections have a reliable question; need ${min}`);
  return catalog;
}

// ---------------------------------------------------------------------------
// Bursts

/** One question of a burst, with what it should be answered with. */
export interface AskedQuestion {
  chatId: number;
  userId: number;
  group: boolean;
  update: Update;
  messageId: number;
  sectionId: string;
  /** Its position among the questions of its chat, from 0. */
  order: number;
}

export interface BurstPlan {
  /** Private chats: chat id = user id. */
  privateChats: readonly number[];
  /** Group chat ids (negative); each question comes from another member. */
  groups: readonly number[];
  /** Questions per private chat and per group; at most the catalog's size. */
  perPrivateChat: number;
  perGroup: number;
  /** Shifts the choice of sections and question wording between bursts. */
  variant?: number;
}

/**
 * Pushes the questions of a burst to the fake (which numbers updates and messages like
 * Telegram) and returns them interleaved across chats, in the order a poller would get them:
 * round after round, every chat's next question.
 */
export function planBurst(
  fake: FakeBotApi,
  catalog: readonly CatalogEntry[],
  plan: BurstPlan,
): AskedQuestion[] {
  const variant = plan.variant ?? 0;
  const chats = [
    ...plan.privateChats.map((id) => ({ id, group: false, count: plan.perPrivateChat })),
    ...plan.groups.map((id) => ({ id, group: true, count: plan.perGroup })),
  ];
  for (const chat of chats) {
    if (chat.count > catalog.length)
      throw new Error(`${chat.count} questions per chat, but only ${catalog.length} sections`);
  }
  const asked: AskedQuestion[] = [];
  const rounds = Math.max(plan.perPrivateChat, plan.perGroup);
  for (let round = 0; round < rounds; round++) {
    for (const [c, chat] of chats.entries()) {
      if (round >= chat.count) continue;
      const entry = catalog[(c + round + variant) % catalog.length] as CatalogEntry;
      const question = entry.questions[(c + variant) % entry.questions.length] as string;
      const userId = chat.group ? 500_000 + Math.abs(chat.id % 100_000) * 100 + round : chat.id;
      const update = chat.group
        ? fake.groupText(chat.id, userId, `/ask ${question}`)
        : fake.privateText(userId, question);
      const messageId = update.message?.message_id ?? -1;
      asked.push({
        chatId: chat.id,
        userId,
        group: chat.group,
        update,
        messageId,
        sectionId: entry.sectionId,
        order: round,
      });
    }
  }
  return asked;
}

/** The counts of a delivery check; `problems` says what went wrong, one line each. */
export interface DeliveryReport {
  questions: number;
  /** Messages the fake recorded as sent (ok) in the chats asked in. */
  delivered: number;
  answeredOnce: number;
  /** Extra answers beyond the first, over all questions. */
  duplicates: number;
  /** Questions with no answer. */
  losses: number;
  /** Answers that arrived after an answer to a later question of the same chat. */
  outOfOrder: number;
  /** Messages that answer none of the questions. */
  unattributed: number;
  problems: string[];
}

/** The delivery counts of a test file's bursts added up, for the summary line it ends with. */
export class DeliveryTotals {
  questions = 0;
  faults = 0;
  delivered = 0;
  duplicates = 0;
  losses = 0;
  outOfOrder = 0;
  violations = 0;

  /** Adds one burst: its delivery check, the faults injected and the pace violations seen. */
  record(report: DeliveryReport, faults: number, violations: number): void {
    this.questions += report.questions;
    this.faults += faults;
    this.delivered += report.delivered;
    this.duplicates += report.duplicates;
    this.losses += report.losses;
    this.outOfOrder += report.outOfOrder;
    this.violations += violations;
  }

  /** The counts as `name=value` words. */
  summary(): string {
    return (
      `questions=${this.questions} faults injected=${this.faults} ` +
      `answers delivered=${this.delivered} duplicates=${this.duplicates} ` +
      `losses=${this.losses} out of order=${this.outOfOrder} violations=${this.violations}`
    );
  }
}

function replyTarget(sent: SentMessage): number | undefined {
  const raw = sent.payload.reply_parameters;
  const parsed: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (typeof parsed !== 'object' || parsed === null || !('message_id' in parsed)) return undefined;
  return Number((parsed as { message_id: unknown }).message_id);
}

/** Checks that every question of `asked` got exactly one answer, in order within its chat. */
export function checkDeliveries(
  fake: FakeBotApi,
  catalog: readonly CatalogEntry[],
  asked: readonly AskedQuestion[],
): DeliveryReport {
  const sectionOfTitle = new Map(catalog.map((e) => [e.title, e.sectionId]));
  const byChat = new Map<number, AskedQuestion[]>();
  for (const q of asked) byChat.set(q.chatId, [...(byChat.get(q.chatId) ?? []), q]);
  const report: DeliveryReport = {
    questions: asked.length,
    delivered: 0,
    answeredOnce: 0,
    duplicates: 0,
    losses: 0,
    outOfOrder: 0,
    unattributed: 0,
    problems: [],
  };
  for (const [chatId, questions] of byChat) {
    const answers = new Map<AskedQuestion, number>();
    let lastOrder = -1;
    const sent = fake.sent(chatId).filter((s) => s.method === 'sendMessage');
    report.delivered += sent.length;
    for (const message of sent) {
      const title = (message.message.text ?? '').split('\n')[0] ?? '';
      const section = sectionOfTitle.get(title);
      const target = replyTarget(message);
      const question = questions.find((q) =>
        q.group ? q.messageId === target : q.sectionId === section,
      );
      if (!question || question.sectionId !== section) {
        report.unattributed++;
        report.problems.push(`chat ${chatId}: message "${title.slice(0, 60)}" answers no question`);
        continue;
      }
      answers.set(question, (answers.get(question) ?? 0) + 1);
      if (question.order < lastOrder) {
        report.outOfOrder++;
        report.problems.push(
          `chat ${chatId}: the answer to question ${question.order} came after question ${lastOrder}'s`,
        );
      }
      lastOrder = Math.max(lastOrder, question.order);
    }
    for (const q of questions) {
      const count = answers.get(q) ?? 0;
      if (count === 1) report.answeredOnce++;
      if (count === 0) {
        report.losses++;
        report.problems.push(`chat ${chatId}: question ${q.order} (${q.sectionId}) got no answer`);
      }
      if (count > 1) {
        report.duplicates += count - 1;
        report.problems.push(`chat ${chatId}: question ${q.order} got ${count} answers`);
      }
    }
  }
  return report;
}

/**
 * Waits for `work` up to `ms`; false when it is still running then. Lets a test report what was
 * delivered so far (and fail on it) instead of only timing out.
 */
export async function finishesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------
// Fault storms

export interface StormOptions {
  seed: number;
  /** Shares of attempts answered with each fault (the rest go through). */
  rate429: number;
  /** retry_after of the injected 429s, in seconds. */
  retryAfter?: number;
  rate500: number;
  rate502: number;
  rateDrop: number;
  rateDelay: number;
  /** Delays are drawn between these bounds, in milliseconds. */
  delayMs?: readonly [number, number];
  /**
   * Faults one message may meet over its attempts (then it goes through), so that a storm
   * tests recovery without making a message wait for minutes; a 5xx at most once, since
   * auto-retry backs off 3 s, then 6 s, after one.
   */
  maxFaultsPerMessage?: number;
  /** Calls of these methods meet the storm; sendMessage by default. */
  methods?: readonly string[];
  /** Chats the storm leaves alone. */
  spare?: (chatId: number) => boolean;
}

export interface StormCounts {
  attempts: number;
  e429: number;
  e500: number;
  e502: number;
  drops: number;
  delays: number;
  total: number;
}

/** A fault rule for `fake.failWhen` that plays a seeded storm, and what it injected. */
export function stormRule(options: StormOptions): { rule: FaultRule; counts: StormCounts } {
  const random = seededRandom(options.seed);
  const methods = new Set((options.methods ?? ['sendMessage']).map((m) => m.toLowerCase()));
  const maxFaults = options.maxFaultsPerMessage ?? 2;
  const [minDelay, maxDelay] = options.delayMs ?? [50, 400];
  const history = new Map<string, { faults: number; serverErrors: number }>();
  const counts: StormCounts = {
    attempts: 0,
    e429: 0,
    e500: 0,
    e502: 0,
    drops: 0,
    delays: 0,
    total: 0,
  };
  const rule: FaultRule = (method, payload) => {
    if (!methods.has(method.toLowerCase())) return undefined;
    const chatId = Number(payload.chat_id);
    if (options.spare?.(chatId)) return undefined;
    counts.attempts++;
    // One message's attempts share a key; a digest of the text keeps the map small.
    const text = String(payload.text ?? '');
    const key = `${chatId}:${text.length}:${text.slice(0, 48)}:${text.slice(-48)}`;
    const seen = history.get(key) ?? { faults: 0, serverErrors: 0 };
    history.set(key, seen);
    if (seen.faults >= maxFaults) return undefined;
    let roll = random();
    const pick = (share: number) => {
      const hit = roll < share;
      roll -= share;
      return hit;
    };
    let fault: FakeFault | undefined;
    if (pick(options.rate429)) {
      const retryAfter = options.retryAfter ?? 1;
      fault = {
        kind: 'error',
        code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        retryAfter,
      };
      counts.e429++;
    } else if (pick(options.rate500)) {
      if (seen.serverErrors === 0) {
        fault = { kind: 'error', code: 500, description: 'Internal Server Error' };
        counts.e500++;
        seen.serverErrors++;
      }
    } else if (pick(options.rate502)) {
      if (seen.serverErrors === 0) {
        fault = { kind: 'error', code: 502, description: 'Bad Gateway' };
        counts.e502++;
        seen.serverErrors++;
      }
    } else if (pick(options.rateDrop)) {
      fault = { kind: 'drop' };
      counts.drops++;
    } else if (pick(options.rateDelay)) {
      fault = { kind: 'delay', ms: Math.round(minDelay + random() * (maxDelay - minDelay)) };
      counts.delays++;
    }
    if (fault) {
      seen.faults++;
      counts.total++;
    }
    return fault;
  };
  return { rule, counts };
}

// ---------------------------------------------------------------------------
// Memory

/**
 * A function that runs a full garbage collection: `global.gc` when node was started with
 * --expose-gc, else the same function obtained by setting that flag at run time.
 */
export function gcFunction(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** heapUsed in bytes after a few full collections (finalisers and weak refs settle between). */
export async function settledHeapUsed(gc: () => void): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** Bytes as megabytes with one decimal, for the printed counts. */
export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
