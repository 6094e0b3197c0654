import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Logger } from '../logger.js';

type Described = Record<'en' | 'zh', string>;

const PUBLIC: Record<string, Described> = {
  start: { en: 'Start and see what I can answer', zh: '开始，看看我能回答什么' },
  help: { en: 'How to ask me', zh: '怎么向我提问' },
  topics: { en: 'All topics', zh: '全部话题' },
};
const GROUP: Record<string, Described> = {
  ask: { en: 'Ask a question: /ask and your question', zh: '提问：/ask 后面写上问题' },
  topics: PUBLIC.topics as Described,
  help: PUBLIC.help as Described,
};
const ADMIN: Record<string, Described> = {
  ...PUBLIC,
  reload: { en: 'Reload the knowledge files', zh: '重新加载知识库' },
  unanswered: { en: 'Frequent unanswered questions (7 days)', zh: '最近 7 天常见的无答案问题' },
  stats: { en: 'Questions, answers and feedback', zh: '问题、回答和反馈统计' },
  suggestions: { en: 'Wordings to add to the knowledge', zh: '可以加进知识库的问法' },
  confirm: { en: 'Install the uploaded knowledge file', zh: '写入上传的知识库文件' },
  cancel: { en: 'Drop the uploaded knowledge file', zh: '放弃上传的知识库文件' },
};

function list(commands: Record<string, Described>, lang: 'en' | 'zh'): BotCommand[] {
  return Object.entries(commands).map(([command, d]) => ({ command, description: d[lang] }));
}

/**
 * Registers the command menus: everyone sees start/help/topics, groups see /ask, and the admin
 * commands (/reload, /unanswered, /stats, /suggestions, /confirm, /cancel) appear only in the admins' own
 * private chats. An admin who has not opened a chat with the bot
 * yet cannot get a chat-scoped menu; that is logged and skipped.
 */
export async function registerCommands(
  api: Api,
  adminIds: readonly number[],
  logger: Logger,
): Promise<void> {
  for (const lang of ['en', 'zh'] as const) {
    // English is the default menu; Chinese interfaces get their own.
    const other = lang === 'zh' ? { language_code: 'zh' as const } : {};
    await api.setMyCommands(list(PUBLIC, lang), { scope: { type: 'all_private_chats' }, ...other });
    await api.setMyCommands(list(GROUP, lang), { scope: { type: 'all_group_chats' }, ...other });
    for (const chat_id of adminIds) {
      try {
        await api.setMyCommands(list(ADMIN, lang), { scope: { type: 'chat', chat_id }, ...other });
      } catch (error) {
        logger.warn(
          { admin: chat_id, error: error instanceof Error ? error.message : String(error) },
          'admin command menu not set',
        );
      }
    }
  }
}
