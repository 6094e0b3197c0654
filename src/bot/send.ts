import { GrammyError, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import type { ReplyButton, UrlButton } from './answer.js';
import type { BotContext } from './context.js';
import { htmlToPlain } from './render.js';

/** A button under a message: a callback to the bot, or a link. */
export type AnyButton = ReplyButton | UrlButton;

/** Turns button rows into an inline keyboard; undefined when there is no button at all. */
export function toKeyboard(rows: readonly (readonly AnyButton[])[]): InlineKeyboard | undefined {
  const nonEmpty = rows.filter((row) => row.length > 0);
  if (nonEmpty.length === 0) return undefined;
  return InlineKeyboard.from(
    nonEmpty.map((row) =>
      row.map((b) =>
        'url' in b ? InlineKeyboard.url(b.text, b.url) : InlineKeyboard.text(b.text, b.data),
      ),
    ),
  );
}

export interface SendOptions {
  /** The message to thread the first part under (groups). */
  replyTo?: number;
  buttons?: readonly (readonly AnyButton[])[];
}

/**
 * Sends HTML messages in order, with the buttons under the last one. Should Telegram still
 * reject the markup, the same text goes out as plain text: an answer is never lost to
 * formatting.
 */
export async function sendHtmlMessages(
  ctx: BotContext,
  messages: readonly string[],
  options: SendOptions = {},
): Promise<Message.TextMessage[]> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return [];
  const sent: Message.TextMessage[] = [];
  // In a forum, a reply belongs in the topic the message or the pressed button came from.
  const origin = ctx.msg as Partial<Message> | undefined;
  const thread = origin?.is_topic_message ? origin.message_thread_id : undefined;
  const keyboard = options.buttons ? toKeyboard(options.buttons) : undefined;
  for (const [i, html] of messages.entries()) {
    const last = i === messages.length - 1;
    const other = {
      link_preview_options: { is_disabled: true },
      ...(thread === undefined ? {} : { message_thread_id: thread }),
      ...(i === 0 && options.replyTo !== undefined
        ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
        : {}),
      ...(last && keyboard ? { reply_markup: keyboard } : {}),
    };
    try {
      sent.push(await ctx.api.sendMessage(chatId, html, { ...other, parse_mode: 'HTML' }));
    } catch (error) {
      if (!(
        error instanceof GrammyError &&
        error.error_code === 400 &&
        /parse entities/i.test(error.description)
      )) {
        throw error;
      }
      sent.push(await ctx.api.sendMessage(chatId, htmlToPlain(html), other));
    }
  }
  return sent;
}
