import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a question came to: an answer, the honest "no answer", or refused for flooding. */
export type QuestionOutcome = 'answered' | 'declined' | 'rate_limited';

/** Where the gauges read their values when Prometheus scrapes. */
export interface MetricsSources {
  knowledge?: () => { version: number; sections: number; loadedAt: Date };
  /** Updates accepted and not yet answered (in flight, or waiting in the durable queue). */
  queueDepth?: () => number | Promise<number>;
}

const PREFIX = 'esim_faq_';

// Seconds. The matcher answers in about a millisecond, a whole update in tens of them; the
// upper buckets catch a paced group answer or a 429 wait.
const MATCH_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const UPDATE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60];

/**
 * Every figure the bot exposes on `GET /metrics`, in one registry of its own (never the
 * global one, so tests and two bots in one process do not mix). The rest of the program only
 * calls the small recording methods below.
 */
export class BotMetrics {
  readonly registry = new Registry();
  private readonly questions: Counter<'chat_type' | 'outcome'>;
  private readonly matchSeconds: Histogram;
  private readonly updateSeconds: Histogram<'kind'>;
  private readonly telegramErrors: Counter<'method' | 'code'>;
  private readonly retryAfterWaits: Counter;
  private readonly retryAfterSeconds: Counter;
  private readonly duplicates: Counter;
  private sources: MetricsSources = {};

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.questions = new Counter({
      name: `${PREFIX}questions_total`,
      help: 'Questions the bot replied to or refused, by chat type and outcome',
      labelNames: ['chat_type', 'outcome'],
      registers,
    });
    this.matchSeconds = new Histogram({
      name: `${PREFIX}match_duration_seconds`,
      help: 'Time to match one question against the knowledge',
      buckets: MATCH_BUCKETS,
      registers,
    });
    this.updateSeconds = new Histogram({
      name: `${PREFIX}update_duration_seconds`,
      help: 'Time from receiving an update to having handled it (answer sent), by update kind',
      labelNames: ['kind'],
      buckets: UPDATE_BUCKETS,
      registers,
    });
    this.telegramErrors = new Counter({
      name: `${PREFIX}telegram_errors_total`,
      help: 'Failed Bot API calls, by method and error code ("network" when no answer came)',
      labelNames: ['method', 'code'],
      registers,
    });
    this.retryAfterWaits = new Counter({
      name: `${PREFIX}telegram_429_waits_total`,
      help: 'Times Telegram answered 429 and the bot waited retry_after before trying again',
      registers,
    });
    this.retryAfterSeconds = new Counter({
      name: `${PREFIX}telegram_429_wait_seconds_total`,
      help: 'Seconds of retry_after the bot was asked to wait',
      registers,
    });
    this.duplicates = new Counter({
      name: `${PREFIX}duplicate_updates_total`,
      help: 'Redelivered updates recognised as already handled and not answered again',
      registers,
    });
    const sources = () => this.sources;
    new Gauge({
      name: `${PREFIX}knowledge_version`,
      help: 'Version of the knowledge this process answers from (1 at start, +1 per reload)',
      registers,
      collect() {
        const knowledge = sources().knowledge?.();
        if (knowledge) this.set(knowledge.version);
      },
    });
    new Gauge({
      name: `${PREFIX}knowledge_sections`,
      help: 'Sections in the knowledge this process answers from',
      registers,
      collect() {
        const knowledge = sources().knowledge?.();
        if (knowledge) this.set(knowledge.sections);
      },
    });
    new Gauge({
      name: `${PREFIX}knowledge_loaded_timestamp_seconds`,
      help: 'When the current knowledge was loaded (Unix time)',
      registers,
      collect() {
        const knowledge = sources().knowledge?.();
        if (knowledge) this.set(knowledge.loadedAt.getTime() / 1000);
      },
    });
    new Gauge({
      name: `${PREFIX}queue_depth`,
      help: 'Updates accepted and not yet answered',
      registers,
      async collect() {
        const depth = sources().queueDepth;
        if (depth) this.set(await depth());
      },
    });
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /** Tells the gauges where to read; a later call replaces the sources it names. */
  observe(sources: MetricsSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  question(chatType: string, outcome: QuestionOutcome): void {
    this.questions.inc({ chat_type: chatType, outcome });
  }

  matched(seconds: number): void {
    this.matchSeconds.observe(seconds);
  }

  updateHandled(kind: string, seconds: number): void {
    this.updateSeconds.observe({ kind }, seconds);
  }

  telegramError(method: string, code: number | 'network'): void {
    this.telegramErrors.inc({ method, code: String(code) });
  }

  retryAfter(seconds: number): void {
    this.retryAfterWaits.inc();
    this.retryAfterSeconds.inc(seconds);
  }

  duplicate(): void {
    this.duplicates.inc();
  }

  /** The exposition text and its content type, for `GET /metrics`. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
