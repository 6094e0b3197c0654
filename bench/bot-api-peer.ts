/**
 * The fake Bot API of the tests, run as its own process for the end-to-end benchmark: Telegram
 * answers on another machine, so its work (parsing, validating HTML) must not be billed to the
 * bot under measurement. Talks to the parent over IPC.
 */
import { FakeBotApi } from '../test/support/fake-bot-api.js';

/** Messages from the benchmark to this process; `collect` hands over and forgets what was sent. */
export type PeerRequest = { type: 'collect' } | { type: 'close' };

/** Messages from this process to the benchmark. */
export type PeerReply =
  | { type: 'ready'; apiRoot: string; token: string; botInfo: FakeBotApi['botInfo'] }
  | { type: 'sent'; sent: { chatId: number; at: number }[] };

const fake = await FakeBotApi.start();
const send = (reply: PeerReply) => process.send?.(reply);
send({ type: 'ready', apiRoot: fake.apiRoot, token: fake.token, botInfo: fake.botInfo });
process.on('message', (request: PeerRequest) => {
  if (request.type === 'collect') {
    send({
      type: 'sent',
      sent: fake.sent().map((m) => ({ chatId: Number(m.payload.chat_id), at: m.at })),
    });
    // Each round is collected once: the records of the last would only grow this process's heap
    // and the message sent over the channel.
    fake.reset();
  } else {
    void fake.close().then(() => process.exit(0));
  }
});
