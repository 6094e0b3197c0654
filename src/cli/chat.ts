import { botSettings } from '../app.js';
import { loadConfig } from '../config.js';
import { KnowledgeStore } from '../knowledge-store.js';
import { createLogger } from '../logger.js';
import { runConsoleChat } from './console-chat.js';

// `npm run chat`: the console chat even when a BOT_TOKEN is configured.
const config = await loadConfig();
const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
const store = await KnowledgeStore.open(config.KNOWLEDGE_DIR);
await runConsoleChat({ store, logger, settings: botSettings(config) });
