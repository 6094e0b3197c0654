import type { Message } from 'grammy/types';

/** Callback data of the "none of these" button under a topic pick: `n:<question id>`. */
export function noneOfTheseData(questionId: number): string {
  return `n:${questionId}`;
}

/**
 * The recorded question a message's buttons belong to: the id in its 👍/👎 buttons (an answer)
 * or in its "none of these" button (a pick after 👎). A section button pressed under such a
 * message is a user's choice of section for that question; under any other message (a topic
 * list, a deep link) it is not. Reading it back from the message keeps every button's data
 * short and survives restarts.
 */
export function questionOfMessage(
  message: Pick<Message, 'reply_markup'> | undefined,
): { questionId: number; source: 'alternative' | 'after-downvote' } | undefined {
  for (const row of message?.reply_markup?.inline_keyboard ?? []) {
    for (const button of row) {
      const data = 'callback_data' in button ? button.callback_data : undefined;
      const vote = data === undefined ? null : /^v:([1-9][0-9]{0,15}):[ud]$/.exec(data);
      if (vote) return { questionId: Number(vote[1]), source: 'alternative' };
      const none = data === undefined ? null : /^n:([1-9][0-9]{0,15})$/.exec(data);
      if (none) return { questionId: Number(none[1]), source: 'after-downvote' };
    }
  }
  return undefined;
}
