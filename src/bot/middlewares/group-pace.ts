import type { Transformer } from 'grammy';
import { StoppingError } from '../../delivery/update-dispatcher.js';
import type { SendSlots } from '../../send-slots.js';
import { sleep as abortableSleep } from '../connect.js';
import { RateWindow } from '../rate-window.js';

// Methods that put a new message into a chat; edits and callback answers do not count.
const SENDING = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendSticker',
  'sendAnimation',
  'sendVideo',
  'sendAudio',
  'sendVoice',
  'sendMediaGroup',
  'copyMessage',
  'forwardMessage',
]);

/** Send slots in this process's memory. */
export function localSendSlots(perMinute: number): SendSlots {
  const window = new RateWindow(perMinute, 60_000);
  return {
    reserve: (chat, now) => {
      const slot = window.nextSlot(chat, now);
      window.record(chat, slot);
      return slot;
    },
  };
}

export interface GroupPaceOptions {
  /** Where the send times are booked; this process's memory by default. */
  slots?: SendSlots | undefined;
  /** Waits the test clock instead of the real one. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A stop in progress: a waiting send gives up with a {@link StoppingError}. */
  stopping?: (() => AbortSignal | undefined) | undefined;
}

/**
 * An API transformer that keeps every group under `perMinute` messages a minute by delaying
 * sends, never dropping them. Private chats are not paced: Telegram's per-chat limit there is
 * far above what one person's questions need, and any 429 is still honoured by auto-retry.
 * A stop cuts the waits short, so a group's backlog never holds up a shutdown.
 */
export function groupPace(perMinute: number, options: GroupPaceOptions = {}): Transformer {
  const sleep = options.sleep ?? abortableSleep;
  const slots = options.slots ?? localSendSlots(perMinute);
  return async (prev, method, payload, signal) => {
    const chatId =
      SENDING.has(method) && payload && 'chat_id' in payload ? payload.chat_id : undefined;
    // Group and channel ids are negative; @usernames address public groups and channels.
    const paced = (typeof chatId === 'number' && chatId < 0) || typeof chatId === 'string';
    if (paced) {
      const slot = await slots.reserve(chatId, Date.now());
      const wait = slot - Date.now();
      if (wait > 0) {
        const stopping = options.stopping?.();
        await sleep(wait, stopping);
        if (stopping?.aborted) throw new StoppingError();
      }
    }
    return prev(method, payload, signal);
  };
}
