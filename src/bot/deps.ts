import type { KnowledgeStore } from '../knowledge/store.js';
import type { Logger } from '../logger.js';

/** The settings the bot's features read, taken from the validated configuration. */
export interface BotSettings {
  adminIds: readonly number[];
  /** Groups in which an anonymous group admin (GroupAnonymousBot) counts as a bot admin. */
  anonymousAdminChatIds: readonly number[];
  threshold: number | undefined;
  groupAutoAnswer: boolean;
  groupAutoThreshold: number;
  groupAutoPerMinute: number;
  groupMessagesPerMinute: number;
  userMessagesPerSecond: number;
}

/** What the bot needs from the rest of the program; passed in, never imported, so tests swap it. */
export interface BotDeps {
  store: KnowledgeStore;
  logger: Logger;
  settings: BotSettings;
}
