import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { autoRetry } from '@grammyjs/auto-retry';
import { limit } from '@grammyjs/ratelimiter';
import { sequentialize } from '@grammyjs/runner';
import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { userLang, type BotContext } from './context.js';
import type { BotDeps } from './deps.js';
import { adminFeature } from './features/admin.js';
import { feedbackFeature } from './features/feedback.js';
import { groupQuestionsFeature } from './features/group-questions.js';
import { staleButtonsFeature } from './features/stale-buttons.js';
import { suggestionsFeature } from './features/suggestions.js';
import { inlineFeature } from './features/inline.js';
import { insightsFeature } from './features/insights.js';
import { knowledgeUploadFeature } from './features/knowledge-upload.js';
import { learningFeature } from './features/learning.js';
import { privateQuestionsFeature } from './features/private-questions.js';
import { topicsFeature } from './features/topics.js';
import { welcomeFeature } from './features/welcome.js';
import { dedupeUpdates } from './middlewares/dedupe-updates.js';
import { errorHandler } from './middlewares/error-handler.js';
import { groupPace } from './middlewares/group-pace.js';
import { networkRetry, type NetworkRetryOptions } from './middlewares/network-retry.js';
import { countRefusals, countTelegramErrors, timeUpdates } from './middlewares/telegram-metrics.js';
import { StoppingError } from '../delivery/update-dispatcher.js';
import { repliesFor } from './replies.js';

/** Telegram's Bot API, unless a self-hosted server is configured. */
export const DEFAULT_API_ROOT = 'https://api.telegram.org';

export interface CreateBotOptions {
  /** A self-hosted Bot API server (or the test server) instead of Telegram's. */
  apiRoot?: string;
  /** Skips `getMe` at start; tests and the console chat know who the bot is. */
  botInfo?: UserFromGetMe;
  /** How network failures are retried; tests shorten the waits. */
  networkRetry?: NetworkRetryOptions;
  /**
   * The signal of a stop in progress: waits for a group's pace are cut short, so a stop is never
   * held up by them (their updates stay in the inbox). A function, as the signal's owner is made
   * after the bot.
   */
  stopping?: () => AbortSignal | undefined;
  /** The signal of the stop's bound: from then on an update whose turn comes is not begun. */
  cutoff?: () => AbortSignal | undefined;
}

/**
 * A keep-alive agent with Nagle's algorithm off: an answer is a request of a few kilobytes that
 * Node writes in more than one piece, and waiting to coalesce them stalls every send by the
 * peer's delayed acknowledgement.
 */
function apiAgent(apiRoot: string): HttpAgent {
  const options = { keepAlive: true, noDelay: true };
  return apiRoot.startsWith('http:') ? new HttpAgent(options) : new HttpsAgent(options);
}

/**
 * Wires the bot: API transformers, then middleware in the order an update meets it. Every
 * capability is a feature file; this function only decides the order.
 */
export function createBot(
  token: string,
  deps: BotDeps,
  options: CreateBotOptions = {},
): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    client: {
      ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
      timeoutSeconds: 60,
      baseFetchConfig: { agent: apiAgent(options.apiRoot ?? DEFAULT_API_ROOT), compress: true },
    },
  });

  // Outgoing calls: keep groups under their pace, and honour every 429's retry_after.
  // Innermost, so that each attempt is counted, also those auto-retry repeats.
  if (deps.metrics) bot.api.config.use(countTelegramErrors(deps.metrics));
  bot.api.config.use(
    groupPace(deps.settings.groupMessagesPerMinute, {
      stopping: options.stopping,
      slots: deps.sendSlots,
    }),
  );
  bot.api.config.use(networkRetry(options.networkRetry));
  bot.api.config.use(
    autoRetry({ maxRetryAttempts: 6, maxDelaySeconds: 120, rethrowHttpErrors: true }),
  );

  // Incoming updates: one at a time per chat, each once, no flood from a single user.
  if (deps.metrics) bot.use(timeUpdates(deps.metrics));
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  // An update whose turn comes after the stop's bound is left for the next start, not begun.
  bot.use((_ctx, next) => {
    if (options.cutoff?.()?.aborted) throw new StoppingError();
    return next();
  });
  bot.use(dedupeUpdates());
  bot.use(
    countRefusals(
      limit<BotContext, never>({
        timeFrame: 1000,
        limit: deps.settings.userMessagesPerSecond,
        // Inline queries are exempt: typing sends one per keystroke, they are answered from a
        // short cache, and dropping the last one would leave the asker with stale results.
        keyGenerator: (ctx) => (ctx.inlineQuery ? undefined : ctx.from?.id.toString()),
        onLimitExceeded: async (ctx) => {
          deps.logger.warn(
            { update: ctx.update.update_id, user: ctx.from?.id, chat: ctx.chat?.id },
            'user rate limit exceeded',
          );
          if (ctx.chat?.type === 'private')
            await ctx.reply(repliesFor(userLang(ctx)).tooFast).catch(() => undefined);
        },
      }),
      deps.metrics,
    ),
  );

  bot.use(welcomeFeature(deps));
  // Before the features that show a section and record a vote: it records what they mean.
  bot.use(learningFeature(deps));
  bot.use(topicsFeature(deps));
  bot.use(inlineFeature(deps));
  bot.use(feedbackFeature(deps));
  bot.use(adminFeature(deps));
  bot.use(insightsFeature(deps));
  bot.use(suggestionsFeature(deps));
  // Before the private questions, which would take a document or /confirm for a question.
  bot.use(knowledgeUploadFeature(deps, { apiRoot: options.apiRoot ?? DEFAULT_API_ROOT }));
  bot.use(privateQuestionsFeature(deps));
  bot.use(groupQuestionsFeature(deps));
  bot.use(staleButtonsFeature());

  bot.catch(errorHandler(deps.logger));
  return bot;
}
