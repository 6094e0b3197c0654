import { createInterface } from 'node:readline';
import type { Chat, Message, Update, UserFromGetMe } from 'grammy/types';
import type { ReplyButton, UrlButton } from '../bot/answer.js';
import { createBot } from '../bot/create-bot.js';
import type { BotDeps } from '../bot/deps.js';
import { htmlToPlain } from '../bot/render.js';
import { repliesFor } from '../bot/replies.js';
import { MemoryFeedbackStore } from '../feedback/memory-feedback-store.js';

const CONSOLE_BOT: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: 'eSIM FAQ',
  username: 'esim_faq_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
const CONSOLE_USER = { id: 100, is_bot: false, first_name: 'You' } as const;

interface KeyboardMarkup {
  inline_keyboard?: { text: string; callback_data?: string; url?: string }[][];
}

/**
 * A local chat on the terminal that drives the real bot: each line typed becomes a private
 * message update, each API call the bot makes is printed instead of sent. Buttons are numbered;
 * typing a number presses one (a link button prints its link). It needs no token and no
 * network. Without a feedback store in `deps` (`npm run chat`) votes are kept in memory.
 */
export async function runConsoleChat(
  deps: BotDeps,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = {
    input: process.stdin,
    output: process.stdout,
  },
): Promise<void> {
  // One person at a keyboard, or a pasted list of questions: no flood control to apply.
  const settings = { ...deps.settings, userMessagesPerSecond: Number.MAX_SAFE_INTEGER };
  const feedback = deps.feedback ?? new MemoryFeedbackStore();
  const bot = createBot('0:console', { ...deps, settings, feedback }, { botInfo: CONSOLE_BOT });
  // A reader that goes away (the chat piped into `head`, a closed terminal) ends the chat
  // quietly: the failed write is reported as an 'error' event, which would otherwise crash.
  let readerGone = false;
  const lines = createInterface({ input: io.input, crlfDelay: Infinity });
  io.output.on('error', () => {
    readerGone = true;
    lines.close();
  });
  const write = (text: string) => {
    if (!readerGone) io.output.write(text);
  };
  const print = (line: string) => write(`${line}\n`);
  let buttons: (ReplyButton | UrlButton)[] = [];
  let messageId = 0;
  let updateId = 0;
  const chat = {
    id: CONSOLE_USER.id,
    type: 'private' as const,
    first_name: CONSOLE_USER.first_name,
  };

  bot.api.config.use(async (_prev, method, payload) => {
    const p = (payload ?? {}) as { text?: string; reply_markup?: KeyboardMarkup };
    if (method === 'answerCallbackQuery') {
      const answer = (payload ?? {}) as { text?: string };
      if (answer.text) print(`\n(${answer.text})`);
      return { ok: true, result: true } as never;
    }
    // An edited message (a topic list turned to another page) prints as a new one would.
    if ((method === 'sendMessage' || method === 'editMessageText') && p.text !== undefined) {
      print(`\n${htmlToPlain(p.text)}`);
      const rows = p.reply_markup?.inline_keyboard ?? [];
      buttons = rows
        .flat()
        .map((b) =>
          b.url === undefined
            ? { text: b.text, data: b.callback_data ?? '' }
            : { text: b.text, url: b.url },
        );
      buttons.forEach((b, i) => print(`  [${i + 1}] ${b.text}${'url' in b ? ` ${b.url}` : ''}`));
      const message: Message.TextMessage = {
        message_id: ++messageId,
        date: now(),
        chat,
        text: p.text,
        from: CONSOLE_BOT,
      };
      return { ok: true, result: message } as never;
    }
    return { ok: true, result: true } as never;
  });

  print(repliesFor('zh-Hans').consoleIntro);
  print(repliesFor('en').consoleIntro);
  write('> ');
  for await (const raw of lines) {
    const text = raw.trim();
    if (text !== '') {
      const pressed = /^\d+$/.test(text) ? buttons[Number(text) - 1] : undefined;
      if (pressed && 'url' in pressed) {
        print(pressed.url);
        write('\n> ');
        continue;
      }
      const update: Update = pressed
        ? {
            update_id: ++updateId,
            callback_query: {
              id: String(updateId),
              from: CONSOLE_USER,
              chat_instance: 'console',
              data: pressed.data,
              message: { message_id: messageId, date: now(), chat, text: '', from: CONSOLE_BOT },
            },
          }
        : { update_id: ++updateId, message: userMessage(++messageId, text, chat) };
      await bot.handleUpdate(update);
    }
    write('\n> ');
  }
  write('\n');
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function userMessage(
  id: number,
  text: string,
  chat: Chat.PrivateChat,
): Message.TextMessage & { chat: Chat.PrivateChat; from: typeof CONSOLE_USER } {
  const command = /^\/\S+/.exec(text);
  return {
    message_id: id,
    date: now(),
    chat,
    from: CONSOLE_USER,
    text,
    ...(command
      ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }
      : {}),
  };
}
