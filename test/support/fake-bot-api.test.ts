import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, HttpError, InputFile, webhookCallback } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeBotApi, parseTelegramHtml } from './fake-bot-api.js';

let fake: FakeBotApi;
let bot: Bot;

beforeEach(async () => {
  fake = await FakeBotApi.start();
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
});

afterEach(async () => {
  await fake.close();
});

/** Runs `fn` and returns what it threw, so tests can assert on grammY's error objects. */
async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

async function grammyError(fn: () => Promise<unknown>): Promise<GrammyError> {
  const error = await caught(fn);
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('FakeBotApi basics', () => {
  it('serves getMe to bot.init()', async () => {
    await bot.init();
    expect(bot.botInfo.username).toBe('esim_faq_test_bot');
    expect(bot.botInfo.id).toBe(777000111);
    expect(bot.botInfo.can_read_all_group_messages).toBe(false);
    expect(bot.botInfo.supports_inline_queries).toBe(true);
    expect(fake.calls.map((call) => call.method)).toEqual(['getMe']);
    expect(fake.calls[0]?.state).toBe('ok');
  });

  it('rejects a wrong token with 401 and an unknown method with 404', async () => {
    const stranger = new Bot('1:wrong', { client: { apiRoot: fake.apiRoot } });
    const unauthorized = await grammyError(() => stranger.api.getMe());
    expect(unauthorized.error_code).toBe(401);
    expect(unauthorized.description).toBe('Unauthorized');

    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendTelepathy`, {
      method: 'POST',
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      ok: false,
      error_code: 404,
      description: 'Not Found: method not found',
    });
  });

  it('accepts form-encoded bodies', async () => {
    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: '5', text: 'form hello' }).toString(),
    });
    const body = (await response.json()) as { ok: boolean; result: { text: string } };
    expect(body.ok).toBe(true);
    expect(body.result.text).toBe('form hello');
    expect(fake.sent(5)).toHaveLength(1);
  });
});

describe('sendMessage', () => {
  it('round-trips a message with per-chat ids, reply and keyboard', async () => {
    const keyboard = { inline_keyboard: [[{ text: 'More', callback_data: 'faq:esim' }]] };
    const first = await bot.api.sendMessage(42, 'hello', {
      reply_markup: keyboard,
      reply_parameters: { message_id: 7 },
    });
    const second = await bot.api.sendMessage(42, 'again');
    const group = await bot.api.sendMessage(-100123, 'group hello');

    expect(first.message_id).toBe(1);
    expect(second.message_id).toBe(2);
    expect(group.message_id).toBe(1);
    expect(first.chat).toMatchObject({ id: 42, type: 'private' });
    expect(group.chat).toMatchObject({ id: -100123, type: 'supergroup' });
    expect(first.from?.id).toBe(777000111);
    expect(first.text).toBe('hello');
    expect(first.reply_markup).toEqual(keyboard);
    expect(first.reply_to_message?.message_id).toBe(7);
    expect(Math.abs(first.date - Date.now() / 1000)).toBeLessThan(5);

    expect(fake.sent(42).map((entry) => entry.payload.text)).toEqual(['hello', 'again']);
    expect(fake.sent()).toHaveLength(3);
    expect(fake.maxPerWindow(42, 60_000)).toBe(2);
    expect(fake.maxPerWindow(-100123, 60_000)).toBe(1);
    expect(fake.maxPerWindow(99, 60_000)).toBe(0);
  });

  it('rejects invalid HTML the way Telegram does', async () => {
    const cases: Array<[string, RegExp]> = [
      ['<x>hi</x>', /Unsupported start tag "x"/],
      ['line<br>break', /Unsupported start tag "br"/],
      ['<b>bold', /Can't find end tag corresponding to start tag "b"/],
      ['<b><i>x</b></i>', /Unmatched end tag .* expected "<\/i>", found "<\/b>"/],
      ['a < b', /Unsupported start tag ""/],
      ['AT&T', /Unsupported HTML entity/],
      ['<span>x</span>', /Tag "span" must have class "tg-spoiler"/],
    ];
    for (const [text, pattern] of cases) {
      const error = await grammyError(() => bot.api.sendMessage(1, text, { parse_mode: 'HTML' }));
      expect(error.error_code).toBe(400);
      expect(error.description).toMatch(/^Bad Request: can't parse entities: /);
      expect(error.description).toMatch(pattern);
    }
    expect(fake.sent()).toHaveLength(0);
  });

  it('accepts escaped HTML and returns the parsed text and entities', async () => {
    const message = await bot.api.sendMessage(
      1,
      '<b>5 &lt; 6 &amp; 7</b> <a href="https://example.com/?a=1&amp;b=2">link</a> &#128512;',
      { parse_mode: 'HTML' },
    );
    expect(message.text).toBe('5 < 6 & 7 link 😀');
    expect(message.entities).toEqual([
      { type: 'bold', offset: 0, length: 9 },
      { type: 'text_link', offset: 10, length: 4, url: 'https://example.com/?a=1&b=2' },
    ]);
    const spoiler = parseTelegramHtml(
      '<tg-spoiler>s</tg-spoiler><blockquote expandable>q</blockquote><pre><code class="language-ts">x</code></pre>',
    );
    expect(spoiler).toEqual({
      ok: true,
      text: 'sqx',
      entities: [
        { type: 'spoiler', offset: 0, length: 1 },
        { type: 'expandable_blockquote', offset: 1, length: 1 },
        { type: 'pre', offset: 2, length: 1, language: 'ts' },
      ],
    });
  });

  it('enforces the 4096 character limit on parsed text', async () => {
    await expect(bot.api.sendMessage(1, 'a'.repeat(4096))).resolves.toBeDefined();
    const tooLong = await grammyError(() => bot.api.sendMessage(1, 'a'.repeat(4097)));
    expect(tooLong.description).toBe('Bad Request: message is too long');
    // Markup does not count, and characters are counted rather than UTF-16 units.
    const html = `<b>${'a'.repeat(4096)}</b>`;
    await expect(bot.api.sendMessage(1, html, { parse_mode: 'HTML' })).resolves.toBeDefined();
    await expect(bot.api.sendMessage(1, '😀'.repeat(4096))).resolves.toBeDefined();
    const empty = await grammyError(() => bot.api.sendMessage(1, '  \n '));
    expect(empty.description).toBe('Bad Request: message text is empty');
  });

  it('checks MarkdownV2 escaping loosely', async () => {
    const error = await grammyError(() =>
      bot.api.sendMessage(1, 'Price: 5.00!', { parse_mode: 'MarkdownV2' }),
    );
    expect(error.description).toMatch(/Character '\.' is reserved/);
    const ok = await bot.api.sendMessage(1, '*Price:* 5\\.00\\!', { parse_mode: 'MarkdownV2' });
    expect(ok.text).toBe('Price: 5.00!');
  });

  it('edits text and refuses a no-op edit', async () => {
    const sent = await bot.api.sendMessage(42, 'v1');
    const edited = await bot.api.editMessageText(42, sent.message_id, '<i>v2</i>', {
      parse_mode: 'HTML',
    });
    expect(edited).toMatchObject({ message_id: sent.message_id, text: 'v2' });
    const same = await grammyError(() =>
      bot.api.editMessageText(42, sent.message_id, '<i>v2</i>', { parse_mode: 'HTML' }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    expect(fake.sent(42).map((entry) => entry.method)).toEqual(['sendMessage', 'editMessageText']);
  });
});

describe('getUpdates long polling', () => {
  it('returns pushed updates and confirms them via offset', async () => {
    const update = fake.privateText(42, '/start@esim_faq_test_bot hi @someone_else');
    expect(update.message?.entities).toEqual([
      { type: 'bot_command', offset: 0, length: 24 },
      { type: 'mention', offset: 28, length: 13 },
    ]);

    const first = await bot.api.getUpdates({ offset: 0, timeout: 1 });
    expect(first.map((u) => u.update_id)).toEqual([update.update_id]);
    expect(first[0]?.message?.text).toBe('/start@esim_faq_test_bot hi @someone_else');
    // Not confirmed yet: asking again without a higher offset returns it again.
    const again = await bot.api.getUpdates({ timeout: 0 });
    expect(again).toHaveLength(1);

    const started = Date.now();
    const afterConfirm = await bot.api.getUpdates({ offset: update.update_id + 1, timeout: 1 });
    expect(afterConfirm).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.pendingUpdates).toEqual([]);
  });

  it('holds the request until an update is pushed', async () => {
    const started = Date.now();
    const poll = bot.api.getUpdates({ timeout: 10 });
    setTimeout(() => fake.groupText(-100500, 42, 'is eSIM supported?'), 150);
    const updates = await poll;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.message?.chat).toMatchObject({ id: -100500, type: 'supergroup' });
  });

  it('answers the older of two concurrent polls with 409', async () => {
    const older = caught(() => bot.api.getUpdates({ timeout: 5 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.callsOf('getUpdates').map((call) => call.state)).toEqual(['pending']);
    const newer = bot.api.getUpdates({ timeout: 0 });
    const error = await older;
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(409);
    await expect(newer).resolves.toEqual([]);
  });

  it('feeds a running bot and ends polls on close', async () => {
    bot.command('start', (ctx) => ctx.reply(`hi ${ctx.from?.first_name ?? ''}`));
    bot.on('callback_query:data', (ctx) => ctx.answerCallbackQuery({ text: 'ok' }));
    void bot.start({ timeout: 5 });
    fake.setUser(42, { first_name: 'Mei', language_code: 'zh-hans' });
    fake.privateText(42, '/start');
    const [reply] = await fake.waitFor({ method: 'sendMessage' });
    expect(reply?.payload).toMatchObject({ chat_id: 42, text: 'hi Mei' });

    fake.callbackQuery(42, 42, 'faq:1');
    await fake.waitFor({ method: 'answerCallbackQuery' });
    await bot.stop();
    expect(fake.callsOf('getUpdates').filter((call) => call.errorCode === 409)).toEqual([]);
  });

  it('close() ends a pending long poll with an empty result', async () => {
    const poll = bot.api.getUpdates({ timeout: 30 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await fake.close();
    await expect(poll).resolves.toEqual([]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('fault injection', () => {
  it('failNext 429 gives retry_after and punishes an early retry', async () => {
    fake.failNext('sendMessage', {
      kind: 'error',
      code: 429,
      description: 'Too Many Requests: retry after 3',
      retryAfter: 3,
    });
    const limited = await grammyError(() => bot.api.sendMessage(42, 'x'));
    expect(limited.error_code).toBe(429);
    expect(limited.parameters.retry_after).toBe(3);
    expect(fake.faultsInjected).toBe(1);
    expect(fake.violations).toEqual([]);

    // Retrying immediately ignores retry_after: Telegram would answer 429 again.
    const early = await grammyError(() => bot.api.sendMessage(42, 'x'));
    expect(early.error_code).toBe(429);
    expect(early.parameters.retry_after).toBeGreaterThanOrEqual(2);
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toMatchObject({ method: 'sendMessage', key: 'chat:42' });
    // Other chats are unaffected.
    await expect(bot.api.sendMessage(43, 'y')).resolves.toBeDefined();
  });

  it('records no violation for a client that honours retry_after', async () => {
    bot.api.config.use(autoRetry({ rethrowHttpErrors: true }));
    fake.failNext('sendMessage', {
      kind: 'error',
      code: 429,
      description: 'Too Many Requests: retry after 1',
      retryAfter: 1,
    });
    const started = Date.now();
    await expect(bot.api.sendMessage(42, 'patient')).resolves.toMatchObject({ text: 'patient' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.callsOf('sendMessage').map((call) => call.state)).toEqual(['error', 'ok']);
    expect(fake.violations).toEqual([]);
  });

  it('drop makes grammY throw HttpError and the next call works', async () => {
    fake.failNext('sendMessage', { kind: 'drop' });
    const error = await caught(() => bot.api.sendMessage(42, 'x'));
    expect(error).toBeInstanceOf(HttpError);
    expect(fake.callsOf('sendMessage')[0]?.state).toBe('dropped');
    await expect(bot.api.sendMessage(42, 'x')).resolves.toMatchObject({ text: 'x' });
  });

  it('delay answers normally after the delay', async () => {
    fake.failNext('getMe', { kind: 'delay', ms: 300 });
    const started = Date.now();
    await expect(bot.api.getMe()).resolves.toMatchObject({ id: 777000111 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('failWhen rules can target every 2nd send to one chat', async () => {
    let count = 0;
    const remove = fake.failWhen((method, payload) => {
      if (method !== 'sendMessage' || payload.chat_id !== -100) return undefined;
      count++;
      return count % 2 === 0
        ? { kind: 'error', code: 403, description: 'Forbidden: bot was kicked from the group chat' }
        : undefined;
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(
        await bot.api.sendMessage(-100, `m${i}`).then(
          () => 'ok',
          (error: unknown) => String((error as GrammyError).error_code),
        ),
      );
    }
    expect(outcomes).toEqual(['ok', '403', 'ok', '403']);
    remove();
    await expect(bot.api.sendMessage(-100, 'after')).resolves.toBeDefined();
    expect(fake.faultsInjected).toBe(2);
  });

  it('waitFor rejects with the calls it saw', async () => {
    await bot.api.getMe();
    await expect(fake.waitFor({ method: 'sendMessage', count: 2 }, 100)).rejects.toThrow(
      /waitFor\(2x sendMessage\) timed out after 100 ms; saw 1 call\(s\): getMe -> ok/,
    );
  });
});

describe('webhooks, files and other methods', () => {
  it('records setWebhook and delivers updates with the secret header', async () => {
    await bot.api.setWebhook('https://bot.example.com/hook', { secret_token: 'sekret_1' });
    expect(fake.webhook).toEqual({ url: 'https://bot.example.com/hook', secretToken: 'sekret_1' });
    expect((await bot.api.getWebhookInfo()).url).toBe('https://bot.example.com/hook');
    const conflict = await grammyError(() => bot.api.getUpdates({ timeout: 0 }));
    expect(conflict.error_code).toBe(409);

    const seen: IncomingHttpHeaders[] = [];
    const probe = createServer((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    const probeUrl = await listen(probe);
    const update = fake.privateText(42, 'hello');
    await expect(fake.deliverWebhook(probeUrl, update, 'sekret_1')).resolves.toEqual({
      status: 200,
      body: 'ok',
    });
    await fake.deliverWebhook(probeUrl, update);
    await closeServer(probe);
    expect(seen[0]?.['x-telegram-bot-api-secret-token']).toBe('sekret_1');
    expect(seen[1]?.['x-telegram-bot-api-secret-token']).toBeUndefined();

    bot.on('message:text', (ctx) => ctx.reply(`echo ${ctx.message.text}`));
    const hook = createServer(webhookCallback(bot, 'http', { secretToken: 'sekret_1' }));
    const hookUrl = await listen(hook);
    try {
      expect((await fake.deliverWebhook(hookUrl, update, 'wrong')).status).toBe(401);
      expect((await fake.deliverWebhook(hookUrl, update, 'sekret_1')).status).toBe(200);
      const [reply] = await fake.waitFor({ method: 'sendMessage' });
      expect(reply?.payload.text).toBe('echo hello');
    } finally {
      await closeServer(hook);
    }
  });

  it('serves getFile and the file download', async () => {
    fake.document(42, {
      file_id: 'doc-1',
      file_name: 'plans.csv',
      mime_type: 'text/csv',
      contents: 'plan,price\n',
    });
    const file = await bot.api.getFile('doc-1');
    expect(file.file_path).toMatch(/\.csv$/);
    const download = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('plan,price\n');
    const missing = await grammyError(() => bot.api.getFile('nope'));
    expect(missing.description).toBe('Bad Request: invalid file_id');
  });

  it('accepts multipart uploads for sendDocument', async () => {
    const message = await bot.api.sendDocument(42, new InputFile(Buffer.from('a,b\n'), 'x.csv'), {
      caption: '<b>Export</b>',
      parse_mode: 'HTML',
    });
    expect(message.document).toMatchObject({ file_name: 'x.csv', file_size: 4 });
    expect(message.caption).toBe('Export');
    expect(fake.callsOf('sendDocument')[0]?.state).toBe('ok');
  });

  it('stores commands per scope and language', async () => {
    await bot.api.setMyCommands([{ command: 'start', description: 'Start' }]);
    await bot.api.setMyCommands([{ command: 'start', description: '开始' }], {
      language_code: 'zh',
    });
    expect(await bot.api.getMyCommands()).toEqual([{ command: 'start', description: 'Start' }]);
    expect(await bot.api.getMyCommands({ language_code: 'zh' })).toEqual([
      { command: 'start', description: '开始' },
    ]);
    expect(await bot.api.getMyCommands({ scope: { type: 'all_group_chats' } })).toEqual([]);
    await bot.api.deleteMyCommands({ language_code: 'zh' });
    expect(fake.commandsFor(undefined, 'zh')).toEqual([]);
    const invalid = await grammyError(() =>
      bot.api.setMyCommands([{ command: 'Start', description: 'x' }]),
    );
    expect(invalid.description).toBe('Bad Request: BOT_COMMAND_INVALID');
  });

  it('reports configured chat members and rejects double callback answers', async () => {
    fake.setChatMember(-100, 7, 'administrator');
    expect((await bot.api.getChatMember(-100, 7)).status).toBe('administrator');
    expect(await bot.api.getChatMember(-100, 8)).toEqual({
      status: 'member',
      user: { id: 8, is_bot: false, first_name: 'U' },
    });

    const update = fake.callbackQuery(42, 42, 'faq:1');
    const id = update.callback_query?.id ?? '';
    await expect(bot.api.answerCallbackQuery(id)).resolves.toBe(true);
    const twice = await grammyError(() => bot.api.answerCallbackQuery(id));
    expect(twice.description).toMatch(/query is too old/);

    const inline = fake.inlineQuery(42, 'esim');
    const result = {
      type: 'article' as const,
      id: 'a1',
      title: 'eSIM',
      input_message_content: { message_text: '<b>eSIM</b>', parse_mode: 'HTML' as const },
    };
    await expect(bot.api.answerInlineQuery(inline.inline_query?.id ?? '', [result])).resolves.toBe(
      true,
    );
  });

  it('reset clears recordings but keeps update ids increasing', async () => {
    const before = fake.privateText(1, 'a');
    await bot.api.sendMessage(1, 'x');
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.sent()).toEqual([]);
    expect(fake.pendingUpdates).toEqual([]);
    expect(fake.privateText(1, 'b').update_id).toBeGreaterThan(before.update_id);
  });
});
