/**
 * Updates that look like an admin command without being one: from someone else, forwarded,
 * edited, in a caption, in reply to an admin, as an anonymous admin of the wrong group, as a
 * channel post. Each is pushed through the fake so that it gets a fresh update_id and message
 * id like a real one.
 */
import type { Message, MessageOrigin, Update } from 'grammy/types';
import { GROUP_ANONYMOUS_BOT_ID } from '../../src/bot/features/admin.js';
import type { FakeBotApi } from './fake-bot-api.js';

/** Replaces the message of an update pushed by the fake, keeping its update_id. */
export function withMessage(update: Update, change: (message: Message) => Message): Update {
  if (!update.message) throw new Error('the update has no message');
  return { update_id: update.update_id, message: change(update.message) as Update['message'] };
}

/** `text` sent in `chatId` by an anonymous admin: from GroupAnonymousBot, as `senderChatId`. */
export function anonymousAdminText(
  fake: FakeBotApi,
  chatId: number,
  text: string,
  senderChatId = chatId,
): Update {
  const update = fake.groupText(chatId, GROUP_ANONYMOUS_BOT_ID, text, {
    from: { first_name: 'Group', username: 'GroupAnonymousBot' },
  });
  return withMessage(update, (message) => ({
    ...message,
    from: {
      ...(message.from ?? { id: GROUP_ANONYMOUS_BOT_ID, first_name: 'Group' }),
      is_bot: true,
    },
    sender_chat: {
      id: senderChatId,
      type: senderChatId === chatId ? 'supergroup' : 'channel',
      title: 'Some chat',
    },
  }));
}

/** The same message, marked as forwarded from `origin`. */
export function forwarded(update: Update, origin: MessageOrigin): Update {
  return withMessage(update, (message) => ({ ...message, forward_origin: origin }));
}

/** A forward origin naming a user. */
export function userOrigin(userId: number): MessageOrigin {
  return {
    type: 'user',
    sender_user: { id: userId, is_bot: false, first_name: 'Someone' },
    date: Math.floor(Date.now() / 1000) - 3600,
  };
}

/** The message of `update` as an edit: an `edited_message` update with a new update_id. */
export function edited(fake: FakeBotApi, update: Update): Update {
  if (!update.message) throw new Error('the update has no message');
  return fake.pushUpdate({
    edited_message: { ...update.message, edit_date: Math.floor(Date.now() / 1000) },
  });
}

/** A post with `text` in a channel (no `from`, the channel as sender_chat). */
export function channelPost(fake: FakeBotApi, channelId: number, text: string): Update {
  const chat = { id: channelId, type: 'channel' as const, title: 'A channel' };
  const command = /^\/\S+/.exec(text)?.[0];
  return fake.pushUpdate({
    channel_post: {
      message_id: 7,
      chat,
      sender_chat: chat,
      date: Math.floor(Date.now() / 1000),
      text,
      ...(command
        ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] }
        : {}),
    },
  });
}
