/**
 * A fake Telegram Bot API server for tests.
 *
 * A real grammY `Bot` talks to it over HTTP (`new Bot(token, { client: { apiRoot } })`), so
 * tests exercise the same serialisation, error and retry paths as production instead of a
 * mocked `bot.api`. The server is deliberately strict where Telegram is strict (HTML parsing,
 * length limits, flood waits, double answers) because those are the failures a mock hides.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  BotCommand,
  BotCommandScope,
  Chat,
  ChatMember,
  File,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';

// ---------------------------------------------------------------------------
// Public types

/**
 * A fault to inject instead of (or before) the normal answer, so tests can drive the
 * bot's error handling: Telegram error replies, connections that die without an answer,
 * and slow answers.
 */
export type FakeFault =
  | { kind: 'error'; code: number; description: string; retryAfter?: number }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number };

/**
 * Decides per call whether to inject a fault; return `undefined` to let the call through.
 * Rules see every call, so they can count ("every 5th sendMessage to chat X").
 */
export type FaultRule = (method: string, payload: Record<string, unknown>) => FakeFault | undefined;

/**
 * Lifecycle of a recorded call. `pending` covers long polls and delayed answers; `aborted`
 * means the client hung up first (e.g. `bot.stop()` cancelling a long poll).
 */
export type CallState = 'pending' | 'ok' | 'error' | 'dropped' | 'aborted';

/**
 * One HTTP call the bot made, recorded on arrival and completed when answered, so tests can
 * assert on what the bot asked for and what it got back.
 */
export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  /** `Date.now()` when the request arrived. */
  at: number;
  state: CallState;
  errorCode?: number;
  description?: string;
  result?: unknown;
  /** The injected fault, if the answer was not the normal one. */
  fault?: FakeFault;
}

/**
 * A message the bot successfully sent or edited, with the request payload and the Message
 * Telegram returned, so tests can assert on user-visible output without digging in `calls`.
 */
export interface SentMessage {
  method: string;
  payload: Record<string, unknown>;
  message: Message;
  at: number;
}

/**
 * A call that arrived while a flood wait (429 with retry_after) was still running for the
 * same chat (or, for calls without a chat, the same method). Tests assert this stays empty
 * to prove the bot honours `retry_after`.
 */
export interface RateLimitViolation {
  method: string;
  /** `chat:<id>` or `method:<name>`. */
  key: string;
  at: number;
  /** How much earlier than allowed the call arrived. */
  earlyByMs: number;
}

/**
 * What `waitFor` waits for: either a predicate over successful calls (one match is enough)
 * or a method name with a count and an optional extra filter.
 */
export type WaitForMatcher =
  | ((call: RecordedCall) => boolean)
  | {
      method: string;
      count?: number;
      where?: (call: RecordedCall) => boolean;
      /** Count answered calls that failed too (error/dropped), e.g. to wait for a 429. */
      includeFailed?: boolean;
    };

/** Options for `FakeBotApi.start`; everything has a realistic default. */
export interface FakeBotApiOptions {
  token?: string;
  botInfo?: Partial<UserFromGetMe>;
}

/** Overrides for the user that update helpers put in `from`. */
export type UserInit = Partial<Omit<User, 'id' | 'is_bot'>>;

/** Optional fields for messages built by the update helpers. */
export interface MessageExtra {
  from?: UserInit;
  /** Replaces the auto-derived `bot_command`/`mention` entities. */
  entities?: MessageEntity[];
  /** A full message, or just its id: a stored message with that id is looked up. */
  reply_to_message?: Message | { message_id: number };
  message_id?: number;
  date?: number;
  /** Caption for `photo` and `document`. */
  caption?: string;
}

/** A document a user sends; `contents` also registers the file for `getFile` and download. */
export interface DocumentInit {
  file_id: string;
  file_name?: string;
  file_size?: number;
  mime_type?: string;
  contents?: Buffer | string;
}

/** Current webhook registration, as set by `setWebhook`. */
export interface WebhookState {
  url: string;
  secretToken?: string;
  allowedUpdates?: unknown[];
  maxConnections?: number;
}

/**
 * A file part of a multipart upload, as it appears in a recorded payload. A class so tests
 * (and the server) can tell uploads apart from plain values with `instanceof`.
 */
export class UploadedFile {
  constructor(
    readonly fileName: string,
    readonly mimeType: string,
    readonly data: Buffer,
  ) {}

  /** Size in bytes, as Telegram reports `file_size`. */
  get size(): number {
    return this.data.length;
  }
}

/** The pixel size of a PNG (from its IHDR chunk) or JPEG (from its first SOF marker). */
export function imageSize(data: Buffer): { width: number; height: number } | undefined {
  if (
    data.length >= 24 &&
    data.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))
  )
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return undefined;
  for (let i = 2; i + 9 < data.length;) {
    if (data[i] !== 0xff) return undefined;
    const marker = data[i + 1] ?? 0;
    const length = data.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
      return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return undefined;
}

/** Result of parsing text the way Telegram does before sending it. */
export type ParsedText =
  { ok: true; text: string; entities: MessageEntity[] } | { ok: false; error: string };

// ---------------------------------------------------------------------------
// Constants

const DEFAULT_BOT_INFO: UserFromGetMe = {
  id: 777000111,
  is_bot: true,
  first_name: 'eSIM FAQ Test Bot',
  username: 'esim_faq_test_bot',
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

const MAX_MESSAGE_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;
const MAX_CALLBACK_ANSWER_LENGTH = 200;
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
/** Timer/clock granularity allowance so a client that waits exactly retry_after is not flagged. */
const FLOOD_WAIT_SLACK_MS = 10;

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const INLINE_BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
] as const;

// ---------------------------------------------------------------------------
// Small helpers

type Payload = Record<string, unknown>;

/** A Telegram error answer raised from inside a handler. */
class TelegramError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

const badRequest = (message: string): TelegramError =>
  new TelegramError(400, `Bad Request: ${message}`);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Form-encoded bodies carry everything as strings, so numbers are accepted in both forms. */
function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
}

function toStr(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function toBool(value: unknown): boolean {
  return value === true || value === 'true';
}

/** Objects arrive as JSON strings in form-encoded and multipart bodies. */
function parseJsonField(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function toRecord(value: unknown): Record<string, unknown> | undefined {
  const parsed = parseJsonField(value);
  return isRecord(parsed) ? parsed : undefined;
}

function toArray(value: unknown): unknown[] | undefined {
  const parsed = parseJsonField(value);
  return Array.isArray(parsed) ? parsed : undefined;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Telegram reports parse errors as UTF-8 byte offsets. */
const byteOffset = (src: string, index: number): number =>
  Buffer.byteLength(src.slice(0, index), 'utf8');

/** Stable pseudo file_unique_id so the same file_id always maps to the same unique id. */
function uniqueIdFor(fileId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < fileId.length; i++) {
    hash ^= fileId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `AgAD${hash.toString(36)}`;
}

/** Telegram strips surrounding whitespace from text and shifts entities accordingly. */
function trimFormatted(
  text: string,
  entities: MessageEntity[],
): { text: string; entities: MessageEntity[] } {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const shifted: MessageEntity[] = [];
  for (const entity of entities) {
    const start = Math.max(0, entity.offset - lead);
    const end = Math.min(trimmed.length, entity.offset + entity.length - lead);
    if (end > start) shifted.push({ ...entity, offset: start, length: end - start });
  }
  shifted.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: trimmed, entities: shifted };
}

// ---------------------------------------------------------------------------
// HTML parse mode

const HTML_ENTITY = /^&(?:(lt|gt|amp|quot)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));/;
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

class HtmlError extends Error {}

/** Decodes the entity at `index` (which holds `&`); Telegram rejects a bare `&` in strict mode. */
function decodeEntityAt(src: string, index: number): { text: string; end: number } {
  const match = HTML_ENTITY.exec(src.slice(index, index + 12));
  if (match) {
    const [whole, name, dec, hex] = match;
    if (name !== undefined) {
      return { text: NAMED_ENTITIES[name] ?? '', end: index + whole.length };
    }
    const codePoint = dec !== undefined ? Number(dec) : Number.parseInt(hex ?? '', 16);
    const valid =
      codePoint > 0 && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
    if (valid) return { text: String.fromCodePoint(codePoint), end: index + whole.length };
  }
  throw new HtmlError(
    `Unsupported HTML entity at byte offset ${byteOffset(src, index)}; a literal "&" must be written as "&amp;"`,
  );
}

function decodeEntities(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length;) {
    if (raw.charAt(i) === '&') {
      const decoded = decodeEntityAt(raw, i);
      out += decoded.text;
      i = decoded.end;
    } else {
      out += raw.charAt(i);
      i++;
    }
  }
  return out;
}

type PendingEntity =
  | {
      type:
        | 'bold'
        | 'italic'
        | 'underline'
        | 'strikethrough'
        | 'spoiler'
        | 'code'
        | 'blockquote'
        | 'expandable_blockquote';
    }
  | { type: 'text_link'; url: string }
  | { type: 'pre'; language?: string }
  | { type: 'custom_emoji'; custom_emoji_id: string };

interface OpenTag {
  name: string;
  start: number;
  entity: PendingEntity | undefined;
}

const SIMPLE_TAGS: Record<string, PendingEntity['type']> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
};
const SUPPORTED_TAGS = new Set([
  ...Object.keys(SIMPLE_TAGS),
  'span',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);

const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';

function readAttributes(src: string, from: number, tag: string, tagStart: number) {
  const attrs = new Map<string, string>();
  const unclosed = () =>
    new HtmlError(`Unclosed start tag at byte offset ${byteOffset(src, tagStart)}`);
  let j = from;
  for (;;) {
    while (isSpace(src.charAt(j))) j++;
    if (j >= src.length) throw unclosed();
    if (src.charAt(j) === '>') return { attrs, end: j + 1 };
    const nameStart = j;
    while (/[A-Za-z0-9_-]/.test(src.charAt(j))) j++;
    if (j === nameStart) {
      throw new HtmlError(
        `Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(src, j)}`,
      );
    }
    const attr = src.slice(nameStart, j).toLowerCase();
    while (isSpace(src.charAt(j))) j++;
    if (src.charAt(j) !== '=') {
      // Valueless attributes exist in Telegram's dialect: <blockquote expandable>.
      attrs.set(attr, '');
      continue;
    }
    j++;
    while (isSpace(src.charAt(j))) j++;
    if (j >= src.length) throw unclosed();
    const quote = src.charAt(j);
    let raw: string;
    if (quote === '"' || quote === "'") {
      const close = src.indexOf(quote, j + 1);
      if (close < 0) throw unclosed();
      raw = src.slice(j + 1, close);
      j = close + 1;
    } else {
      const valueStart = j;
      while (j < src.length && !isSpace(src.charAt(j)) && src.charAt(j) !== '>') j++;
      raw = src.slice(valueStart, j);
    }
    attrs.set(attr, decodeEntities(raw));
  }
}

function entityForTag(
  name: string,
  attrs: Map<string, string>,
  parent: OpenTag | undefined,
): PendingEntity | undefined {
  const simple = SIMPLE_TAGS[name];
  if (simple !== undefined) return { type: simple } as PendingEntity;
  switch (name) {
    case 'span':
      if (attrs.get('class') !== 'tg-spoiler') {
        throw new HtmlError('Tag "span" must have class "tg-spoiler"');
      }
      return { type: 'spoiler' };
    case 'a': {
      const href = attrs.get('href');
      return href ? { type: 'text_link', url: href } : undefined;
    }
    case 'code': {
      // <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
      if (parent?.entity?.type === 'pre') {
        const cls = attrs.get('class') ?? '';
        if (cls.startsWith('language-')) parent.entity.language = cls.slice('language-'.length);
        return undefined;
      }
      return { type: 'code' };
    }
    case 'pre':
      return { type: 'pre' };
    case 'blockquote':
      return { type: attrs.has('expandable') ? 'expandable_blockquote' : 'blockquote' };
    case 'tg-emoji': {
      const id = attrs.get('emoji-id');
      if (!id) throw new HtmlError('Tag "tg-emoji" must have attribute "emoji-id"');
      return { type: 'custom_emoji', custom_emoji_id: id };
    }
    default:
      return undefined;
  }
}

function parseHtmlOrThrow(src: string): { text: string; entities: MessageEntity[] } {
  let out = '';
  const stack: OpenTag[] = [];
  const entities: MessageEntity[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src.charAt(i);
    if (ch === '&') {
      const decoded = decodeEntityAt(src, i);
      out += decoded.text;
      i = decoded.end;
      continue;
    }
    if (ch !== '<') {
      out += ch;
      i++;
      continue;
    }
    const begin = i;
    if (src.charAt(i + 1) === '/') {
      let j = i + 2;
      while (/[A-Za-z0-9-]/.test(src.charAt(j))) j++;
      const name = src.slice(i + 2, j).toLowerCase();
      while (isSpace(src.charAt(j))) j++;
      if (src.charAt(j) !== '>') {
        throw new HtmlError(`Unclosed end tag at byte offset ${byteOffset(src, begin)}`);
      }
      const open = stack.pop();
      if (!open) throw new HtmlError(`Unexpected end tag at byte offset ${byteOffset(src, begin)}`);
      if (open.name !== name) {
        throw new HtmlError(
          `Unmatched end tag at byte offset ${byteOffset(src, begin)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      const length = out.length - open.start;
      if (open.entity && length > 0) {
        entities.push({ ...open.entity, offset: open.start, length } as MessageEntity);
      }
      i = j + 1;
      continue;
    }
    let j = i + 1;
    while (/[A-Za-z0-9-]/.test(src.charAt(j))) j++;
    const name = src.slice(i + 1, j).toLowerCase();
    if (!SUPPORTED_TAGS.has(name)) {
      throw new HtmlError(
        `Unsupported start tag "${name}" at byte offset ${byteOffset(src, begin)}`,
      );
    }
    const { attrs, end } = readAttributes(src, j, name, begin);
    const entity = entityForTag(name, attrs, stack[stack.length - 1]);
    stack.push({ name, start: out.length, entity });
    i = end;
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) {
    throw new HtmlError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  }
  return trimFormatted(out, entities);
}

/**
 * Parses `parse_mode: "HTML"` text with Telegram's rules (supported tags only, proper nesting,
 * valid `&` entities) and returns the plain text and entities Telegram would produce.
 * Exported so formatter tests can validate output without a server round trip.
 */
export function parseTelegramHtml(html: string): ParsedText {
  try {
    return { ok: true, ...parseHtmlOrThrow(html) };
  } catch (error) {
    if (error instanceof HtmlError) return { ok: false, error: error.message };
    throw error;
  }
}

// ---------------------------------------------------------------------------
// MarkdownV2 parse mode (loose: catches unescaped reserved characters and unbalanced markers)

const MARKDOWN_ALWAYS_RESERVED = new Set(['#', '+', '-', '=', '{', '}', '.', '!', '(', ')']);
const MARKDOWN_ENTITY_NAMES: Record<string, string> = {
  '*': 'Bold',
  _: 'Italic',
  __: 'Underline',
  '~': 'Strikethrough',
  '||': 'Spoiler',
};

/** Index of the next unescaped `char` at or after `from`, or -1. */
function findUnescaped(src: string, char: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    if (src.charAt(i) === '\\') i++;
    else if (src.charAt(i) === char) return i;
  }
  return -1;
}

const unescapeMarkdown = (text: string): string => text.replace(/\\([\s\S])/g, '$1');

function parseMarkdownV2OrThrow(src: string): { text: string; entities: MessageEntity[] } {
  const reserved = (index: number) =>
    new HtmlError(
      `Character '${src.charAt(index)}' is reserved and must be escaped with the preceding '\\'`,
    );
  const open = new Map<string, number>();
  const toggle = (marker: string, index: number) => {
    if (open.has(marker)) open.delete(marker);
    else open.set(marker, index);
  };
  let linkStart: number | undefined;
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src.charAt(i);
    const lineStart = i === 0 || src.charAt(i - 1) === '\n';
    if (ch === '\\') {
      if (i + 1 >= src.length) throw new HtmlError(`Unexpected end of text after '\\'`);
      out += src.charAt(i + 1);
      i += 2;
    } else if (ch === '`') {
      const fence = src.startsWith('```', i);
      const close = fence ? src.indexOf('```', i + 3) : findUnescaped(src, '`', i + 1);
      if (close < 0) {
        throw new HtmlError(
          `Can't find end of ${fence ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(src, i)}`,
        );
      }
      let body = src.slice(i + (fence ? 3 : 1), close);
      const newline = body.indexOf('\n');
      // The first line of a fenced block is its language tag, not content.
      if (fence && newline >= 0 && /^\S*$/.test(body.slice(0, newline))) {
        body = body.slice(newline + 1);
      }
      out += unescapeMarkdown(body);
      i = close + (fence ? 3 : 1);
    } else if (lineStart && src.startsWith('**>', i)) {
      i += 3;
    } else if (ch === '>' && lineStart) {
      i++;
    } else if (ch === '*' || ch === '~') {
      toggle(ch, i);
      i++;
    } else if (ch === '_') {
      const underline = src.charAt(i + 1) === '_';
      toggle(underline ? '__' : '_', i);
      i += underline ? 2 : 1;
    } else if (ch === '|') {
      if (src.charAt(i + 1) !== '|') throw reserved(i);
      toggle('||', i);
      i += 2;
    } else if (ch === '[') {
      if (linkStart !== undefined) throw reserved(i);
      linkStart = i;
      i++;
    } else if (ch === ']') {
      if (linkStart === undefined) throw reserved(i);
      if (src.charAt(i + 1) === '(') {
        const close = findUnescaped(src, ')', i + 2);
        if (close < 0) {
          throw new HtmlError(`Can't find end of a URL at byte offset ${byteOffset(src, i + 1)}`);
        }
        i = close + 1;
      } else {
        i++;
      }
      linkStart = undefined;
    } else if (MARKDOWN_ALWAYS_RESERVED.has(ch) || ch === '>') {
      throw reserved(i);
    } else {
      out += ch;
      i++;
    }
  }
  if (linkStart !== undefined) {
    throw new HtmlError(
      `Can't find end of TextUrl entity at byte offset ${byteOffset(src, linkStart)}`,
    );
  }
  for (const [marker, index] of open) {
    throw new HtmlError(
      `Can't find end of ${MARKDOWN_ENTITY_NAMES[marker] ?? marker} entity at byte offset ${byteOffset(src, index)}`,
    );
  }
  return trimFormatted(out, []);
}

// ---------------------------------------------------------------------------
// Payload validation shared by several methods

function parseEntitiesParam(value: unknown): MessageEntity[] {
  if (value === undefined) return [];
  const list = toArray(value);
  if (!list) throw badRequest("can't parse entities JSON object");
  return list.map((item) => {
    if (
      !isRecord(item) ||
      typeof item.type !== 'string' ||
      toInt(item.offset) === undefined ||
      toInt(item.length) === undefined
    ) {
      throw badRequest('can\'t parse MessageEntity: field "type", "offset" or "length" is missing');
    }
    return item as unknown as MessageEntity;
  });
}

/**
 * Applies parse_mode/entities like Telegram and enforces the empty/too-long rules, whose
 * exact descriptions bots match on.
 */
function formatText(
  raw: unknown,
  parseMode: unknown,
  entitiesParam: unknown,
  limits: { max: number; empty?: string; tooLong: string },
): { text: string; entities: MessageEntity[] } {
  const source = toStr(raw) ?? '';
  const mode = toStr(parseMode)?.toLowerCase() ?? '';
  let formatted: { text: string; entities: MessageEntity[] };
  try {
    if (mode === '') formatted = trimFormatted(source, parseEntitiesParam(entitiesParam));
    else if (mode === 'html') formatted = parseHtmlOrThrow(source);
    else if (mode === 'markdownv2') formatted = parseMarkdownV2OrThrow(source);
    else if (mode === 'markdown') formatted = trimFormatted(source, []);
    else throw badRequest('unsupported parse_mode');
  } catch (error) {
    if (error instanceof HtmlError) throw badRequest(`can't parse entities: ${error.message}`);
    throw error;
  }
  if (limits.empty !== undefined && formatted.text === '') throw badRequest(limits.empty);
  // Telegram counts characters after entity parsing; code points are the closest match.
  if ([...formatted.text].length > limits.max) throw badRequest(limits.tooLong);
  return formatted;
}

/**
 * Validates reply_markup like Telegram and returns the inline keyboard to echo: Telegram only
 * includes inline keyboards in the returned Message, reply keyboards live in the payload only.
 */
function checkReplyMarkup(value: unknown): InlineKeyboardMarkup | undefined {
  if (value === undefined) return undefined;
  const markup = toRecord(value);
  if (!markup) throw badRequest("can't parse reply keyboard markup JSON object");
  if ('inline_keyboard' in markup) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
      throw badRequest(
        'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
      );
    }
    // Telegram's limits, which it does not document: at most 100 buttons in all, 8 in a row.
    const buttons = (rows as unknown[][]).reduce((sum, row) => sum + row.length, 0);
    if (buttons > 100 || (rows as unknown[][]).some((row) => row.length > 8)) {
      throw badRequest('reply markup is too long');
    }
    for (const row of rows as unknown[][]) {
      for (const button of row) {
        if (!isRecord(button) || typeof button.text !== 'string' || button.text === '') {
          throw badRequest("can't parse inline keyboard button: Text must be a non-empty String");
        }
        if (!INLINE_BUTTON_ACTIONS.some((key) => button[key] !== undefined)) {
          throw badRequest('text buttons are unallowed in the inline keyboard');
        }
        if (button.callback_data !== undefined) {
          const data = button.callback_data;
          const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : 0;
          if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
        }
        if (button.url !== undefined) {
          const url = typeof button.url === 'string' ? button.url : '';
          if (!/^(https?|tg):\/\/\S+$/i.test(url)) {
            throw badRequest(`inline keyboard button URL '${url}' is invalid: Wrong HTTP URL`);
          }
        }
      }
    }
    return rows.length > 0 ? (markup as unknown as InlineKeyboardMarkup) : undefined;
  }
  if ('keyboard' in markup) {
    const rows = markup.keyboard;
    if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
    }
    for (const row of rows as unknown[][]) {
      for (const button of row) {
        const ok =
          typeof button === 'string' || (isRecord(button) && typeof button.text === 'string');
        if (!ok) throw badRequest("can't parse keyboard button: Text must be a String");
      }
    }
    return undefined;
  }
  if ('remove_keyboard' in markup || 'force_reply' in markup) return undefined;
  throw badRequest('object expected as reply markup');
}

function requireChatId(payload: Payload): number {
  const raw = payload.chat_id;
  if (raw === undefined || raw === '') throw badRequest('chat_id is empty');
  const id = toInt(raw);
  // @channel usernames are out of scope for this bot; Telegram says the same for unknown ones.
  if (id === undefined || id === 0) throw badRequest('chat not found');
  return id;
}

function requireMessageId(payload: Payload): number {
  const id = toInt(payload.message_id);
  if (id === undefined) throw badRequest('message identifier is not specified');
  return id;
}

function scopeKey(scopeValue: unknown, languageCode: unknown): string {
  const scope = toRecord(scopeValue) ?? { type: 'default' };
  const type = toStr(scope.type) ?? 'default';
  const chat = toStr(scope.chat_id) ?? '';
  const user = toStr(scope.user_id) ?? '';
  return `${type}:${chat}:${user}|${toStr(languageCode) ?? ''}`;
}

function chatMemberFor(status: ChatMember['status'], user: User): ChatMember {
  switch (status) {
    case 'creator':
      return { status, user, is_anonymous: false };
    case 'administrator':
      return {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
      } as ChatMember;
    case 'restricted':
      return {
        status,
        user,
        is_member: true,
        until_date: 0,
        can_send_messages: false,
        can_send_audios: false,
        can_send_documents: false,
        can_send_photos: false,
        can_send_videos: false,
        can_send_video_notes: false,
        can_send_voice_notes: false,
        can_send_polls: false,
        can_send_other_messages: false,
        can_add_web_page_previews: false,
        can_change_info: false,
        can_invite_users: false,
        can_pin_messages: false,
        can_manage_topics: false,
      } as ChatMember;
    case 'kicked':
      return { status, user, until_date: 0 };
    case 'left':
      return { status, user };
    default:
      return { status: 'member', user };
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks);
}

function headerParam(header: string, key: string): string | undefined {
  const match = new RegExp(`;\\s*${key}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(header);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Minimal multipart/form-data reader. Hand-written because grammY emits compact headers
 * (`content-disposition:form-data;name="x";filename=y`) that undici's strict parser rejects.
 */
function parseMultipart(body: Buffer, contentType: string): Payload {
  const boundary = headerParam(contentType, 'boundary');
  if (!boundary) throw badRequest('multipart boundary is missing');
  const delimiter = Buffer.from(`--${boundary}`);
  const payload: Payload = {};
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString('latin1') === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // Each part sits between "<delimiter>\r\n" and "\r\n<next delimiter>".
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n');
      const header = (name: string) =>
        headers
          .find((line) => line.toLowerCase().startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim();
      const disposition = `;${header('content-disposition') ?? ''}`;
      const name = headerParam(disposition, 'name');
      const fileName = headerParam(disposition, 'filename');
      const content = part.subarray(headerEnd + 4);
      if (name !== undefined) {
        payload[name] =
          fileName === undefined
            ? content.toString('utf8')
            : new UploadedFile(fileName, header('content-type') ?? '', Buffer.from(content));
      }
    }
    pos = next;
  }
  return payload;
}

/** Query string plus JSON, form-encoded or multipart body, as Telegram accepts all of them. */
async function readPayload(req: IncomingMessage, url: URL): Promise<Payload> {
  const payload: Payload = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  if (body.length === 0) return payload;
  const contentType = req.headers['content-type'] ?? '';
  const mime = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (mime === 'application/x-www-form-urlencoded') {
    return { ...payload, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
  }
  if (mime === 'multipart/form-data') return { ...payload, ...parseMultipart(body, contentType) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest("can't parse JSON encoded request body");
  }
  if (!isRecord(parsed)) throw badRequest('JSON object expected as request body');
  return { ...payload, ...parsed };
}

// ---------------------------------------------------------------------------
// The server

interface HandlerContext {
  call: RecordedCall;
  res: ServerResponse;
}

type Handler = (payload: Payload, ctx: HandlerContext) => unknown;

interface PollWaiter {
  limit: number;
  settle: (outcome: Update[] | TelegramError) => void;
}

interface StoredFile {
  contents: Buffer;
  filePath: string;
  fileName?: string;
  mimeType?: string;
}

type Outcome = { ok: true; result: unknown } | { ok: false; error: TelegramError };

/**
 * Fake Telegram Bot API server. Start it with `FakeBotApi.start()`, point a grammY `Bot` at
 * `apiRoot`, push updates with the helpers, and assert on `calls`, `sent()` and `waitFor()`.
 */
export class FakeBotApi {
  /** Base URL to pass as grammY's `client.apiRoot`, e.g. `http://127.0.0.1:12345`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The only token the server accepts; any other gets 401 like a revoked token. */
  readonly token: string;

  /** What `getMe` returns (and `from` of bot messages). */
  readonly botInfo: UserFromGetMe;

  /** Every request in arrival order, including failed, dropped and in-flight ones. */
  readonly calls: RecordedCall[] = [];

  /** Calls that arrived during a flood wait they had been told about; should stay empty. */
  readonly violations: RateLimitViolation[] = [];

  private readonly server: Server;
  private readonly handlers: ReadonlyMap<string, { name: string; fn: Handler }>;
  private readonly sentMessages: SentMessage[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private readonly pollWaiters = new Set<PollWaiter>();
  private readonly faultQueue: Array<{ method: string; fault: FakeFault; remaining: number }> = [];
  private readonly faultRules: FaultRule[] = [];
  private readonly floodWaitUntil = new Map<string, number>();
  private readonly sendTimes = new Map<number, number[]>();
  private readonly chats = new Map<number, Chat>();
  private readonly messages = new Map<number, Map<number, Message>>();
  private readonly lastMessageIds = new Map<number, number>();
  private readonly profiles = new Map<number, UserInit>();
  private readonly openCallbackQueries = new Set<string>();
  private readonly openInlineQueries = new Set<string>();
  private readonly commands = new Map<string, BotCommand[]>();
  private readonly members = new Map<string, ChatMember['status']>();
  private readonly files = new Map<string, StoredFile>();
  private queue: Update[] = [];
  private webhookState: WebhookState | undefined;
  private lastUpdateId = 0;
  private idCounter = 0;
  private injected = 0;
  private closed = false;

  private constructor(opts: FakeBotApiOptions) {
    this.botInfo = { ...DEFAULT_BOT_INFO, ...opts.botInfo };
    this.token = opts.token ?? `${this.botInfo.id}:AAFakeTokenForTests_0123456789abcdefgh`;
    const table: Record<string, Handler> = {
      getMe: () => this.botInfo,
      getUpdates: (p, ctx) => this.getUpdates(p, ctx),
      sendMessage: (p) => this.sendMessage(p),
      editMessageText: (p) => this.editMessageText(p),
      editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
      deleteMessage: (p) => this.deleteMessage(p),
      sendChatAction: (p) => this.sendChatAction(p),
      sendDocument: (p) => this.sendDocument(p),
      sendPhoto: (p) => this.sendPhoto(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      answerInlineQuery: (p) => this.answerInlineQuery(p),
      setMyCommands: (p) => this.setMyCommands(p),
      deleteMyCommands: (p) => {
        this.commands.delete(scopeKey(p.scope, p.language_code));
        return true;
      },
      getMyCommands: (p) => this.commands.get(scopeKey(p.scope, p.language_code)) ?? [],
      getChatMember: (p) => this.getChatMember(p),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: (p) => {
        this.webhookState = undefined;
        if (toBool(p.drop_pending_updates)) this.queue = [];
        return true;
      },
      getWebhookInfo: () => this.getWebhookInfo(),
      getFile: (p) => this.getFile(p),
    };
    this.handlers = new Map(
      Object.entries(table).map(([name, fn]) => [name.toLowerCase(), { name, fn }]),
    );
    this.server = createServer((req, res) => {
      this.handleRequest(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error_code: 500, description: String(error) }));
        }
      });
    });
    // Longer than any test so grammY's keep-alive agent never reuses a socket the server is closing.
    this.server.keepAliveTimeout = 120_000;
  }

  /** Starts a server on 127.0.0.1 with an OS-assigned port. */
  static async start(opts: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const api = new FakeBotApi(opts);
    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(0, '127.0.0.1', () => {
        api.server.off('error', reject);
        resolve();
      });
    });
    return api;
  }

  /**
   * Stops the server. Pending long polls are answered with `[]` first so a bot loop that is
   * still running sees a clean end rather than a reset; idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of [...this.pollWaiters]) waiter.settle([]);
    for (const sleeper of [...this.sleepers]) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // Give the just-written poll answers a turn to flush before forcing sockets shut.
      setImmediate(() => this.server.closeAllConnections());
    });
  }

  // -------------------------------------------------------------------------
  // Inspection

  /** Number of faults applied from `failNext`/`failWhen` (not counting flood-wait repeats). */
  get faultsInjected(): number {
    return this.injected;
  }

  /** Current webhook registration, or undefined when the bot is in polling mode. */
  get webhook(): WebhookState | undefined {
    return this.webhookState ? { ...this.webhookState } : undefined;
  }

  /** Updates queued and not yet confirmed by a getUpdates offset. */
  get pendingUpdates(): Update[] {
    return [...this.queue];
  }

  /** Successfully sent or edited messages (sendMessage, sendDocument, edits), optionally for one chat. */
  sent(chatId?: number): SentMessage[] {
    return chatId === undefined
      ? [...this.sentMessages]
      : this.sentMessages.filter((entry) => entry.message.chat.id === chatId);
  }

  /** All recorded calls of one method, whatever their outcome. */
  callsOf(method: string): RecordedCall[] {
    const wanted = method.toLowerCase();
    return this.calls.filter((call) => call.method.toLowerCase() === wanted);
  }

  /** Commands stored by setMyCommands for a scope and language (default scope, no language). */
  commandsFor(scope?: BotCommandScope, languageCode?: string): BotCommand[] {
    return [...(this.commands.get(scopeKey(scope, languageCode)) ?? [])];
  }

  /**
   * Highest number of messages sent to `chatId` within any window of `windowMs`, to check
   * the bot stays under Telegram's per-chat limits (20/min in groups).
   */
  maxPerWindow(chatId: number, windowMs: number): number {
    const times = this.sendTimes.get(chatId) ?? [];
    let best = 0;
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }

  /**
   * Resolves with the matching answered calls once enough have been recorded. Event driven:
   * re-checked whenever a call is answered. Rejects after `timeoutMs` listing what was seen.
   */
  waitFor(matcher: WaitForMatcher, timeoutMs = 5000): Promise<RecordedCall[]> {
    const spec =
      typeof matcher === 'function'
        ? { test: matcher, count: 1, includeFailed: false, label: matcher.name || 'predicate' }
        : {
            test: (call: RecordedCall) =>
              call.method.toLowerCase() === matcher.method.toLowerCase() &&
              (matcher.where?.(call) ?? true),
            count: matcher.count ?? 1,
            includeFailed: matcher.includeFailed ?? false,
            label: `${matcher.count ?? 1}x ${matcher.method}${matcher.where ? ' (filtered)' : ''}`,
          };
    const check = (): RecordedCall[] | undefined => {
      const matches = this.calls.filter(
        (call) =>
          (spec.includeFailed
            ? call.state !== 'pending' && call.state !== 'aborted'
            : call.state === 'ok') && spec.test(call),
      );
      return matches.length >= spec.count ? matches : undefined;
    };
    const ready = check();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const listener = () => {
        const matches = check();
        if (!matches) return;
        cleanup();
        resolve(matches);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `waitFor(${spec.label}) timed out after ${timeoutMs} ms; ${this.describeCalls()}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  /**
   * Clears recordings, faults, flood waits, queued updates and stored state between tests.
   * update_id and message_id counters keep increasing so a bot that already confirmed
   * updates keeps receiving new ones.
   */
  reset(): void {
    this.calls.length = 0;
    this.violations.length = 0;
    this.sentMessages.length = 0;
    this.faultQueue.length = 0;
    this.faultRules.length = 0;
    this.injected = 0;
    this.floodWaitUntil.clear();
    this.sendTimes.clear();
    this.chats.clear();
    this.messages.clear();
    this.profiles.clear();
    this.openCallbackQueries.clear();
    this.openInlineQueries.clear();
    this.commands.clear();
    this.members.clear();
    this.files.clear();
    this.queue = [];
    this.webhookState = undefined;
  }

  // -------------------------------------------------------------------------
  // Configuration

  /** Makes getChatMember report `status` for this user in this chat (default is 'member'). */
  setChatMember(chatId: number, userId: number, status: ChatMember['status']): void {
    this.members.set(`${chatId}:${userId}`, status);
  }

  /** Sets profile fields (name, language_code, ...) used for this user by every update helper. */
  setUser(userId: number, init: UserInit): void {
    this.profiles.set(userId, { ...this.profiles.get(userId), ...init });
  }

  /** Registers a downloadable file for getFile and `GET /file/bot<token>/<file_path>`. */
  addFile(
    fileId: string,
    contents: Buffer | string,
    opts: { filePath?: string; fileName?: string; mimeType?: string } = {},
  ): File {
    const data = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
    const extension = opts.fileName?.match(/\.[A-Za-z0-9]+$/)?.[0] ?? '';
    const filePath = opts.filePath ?? `documents/file_${++this.idCounter}${extension}`;
    this.files.set(fileId, {
      contents: data,
      filePath,
      ...(opts.fileName !== undefined && { fileName: opts.fileName }),
      ...(opts.mimeType !== undefined && { mimeType: opts.mimeType }),
    });
    return {
      file_id: fileId,
      file_unique_id: uniqueIdFor(fileId),
      file_size: data.length,
      file_path: filePath,
    };
  }

  // -------------------------------------------------------------------------
  // Fault injection

  /** The next `times` calls of `method` get `fault` instead of their normal answer. */
  failNext(method: string, fault: FakeFault, times = 1): void {
    this.faultQueue.push({ method: method.toLowerCase(), fault, remaining: times });
  }

  /** Adds a rule consulted for every call (after `failNext`); returns a function removing it. */
  failWhen(rule: FaultRule): () => void {
    this.faultRules.push(rule);
    return () => {
      const index = this.faultRules.indexOf(rule);
      if (index >= 0) this.faultRules.splice(index, 1);
    };
  }

  // -------------------------------------------------------------------------
  // Updates

  /**
   * Queues an update for getUpdates with the next update_id and wakes a pending long poll.
   * Accepts loose objects on purpose so tests can push malformed updates too.
   */
  pushUpdate(update: Omit<Update, 'update_id'> | Record<string, unknown>): Update {
    const full = { ...update, update_id: ++this.lastUpdateId } as Update;
    this.registerUpdate(full as unknown as Record<string, unknown>);
    this.queue.push(full);
    for (const waiter of [...this.pollWaiters]) waiter.settle(this.queue.slice(0, waiter.limit));
    return full;
  }

  /** A text message from a user in their private chat with the bot. */
  privateText(userId: number, text: string, extra: MessageExtra = {}): Update {
    const from = this.user(userId, extra.from);
    return this.pushUserMessage(this.privateChat(from), from, this.textContent(text, extra), extra);
  }

  /** A text message from a user in a supergroup (`chatId` must be negative). */
  groupText(chatId: number, userId: number, text: string, extra: MessageExtra = {}): Update {
    if (chatId >= 0) throw new Error(`groupText needs a negative chat id, got ${chatId}`);
    const from = this.user(userId, extra.from);
    return this.pushUserMessage(this.groupChat(chatId), from, this.textContent(text, extra), extra);
  }

  /** A sticker message, to check the bot ignores or handles non-text input. */
  sticker(chatId: number, userId: number, extra: MessageExtra = {}): Update {
    const from = this.user(userId, extra.from);
    const fileId = `CAACAgIAAxkBAAI${(++this.idCounter).toString(36)}`;
    return this.pushUserMessage(
      this.chatOf(chatId, from),
      from,
      {
        sticker: {
          file_id: fileId,
          file_unique_id: uniqueIdFor(fileId),
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          emoji: '👍',
        },
      },
      extra,
    );
  }

  /** A photo message (three sizes like Telegram sends), with optional caption. */
  photo(chatId: number, userId: number, extra: MessageExtra = {}): Update {
    const from = this.user(userId, extra.from);
    const base = `AgACAgIAAxkBAAI${(++this.idCounter).toString(36)}`;
    const sizes = [
      [90, 67],
      [320, 240],
      [1280, 960],
    ].map(([width = 0, height = 0], index) => ({
      file_id: `${base}_${index}`,
      file_unique_id: uniqueIdFor(`${base}_${index}`),
      width,
      height,
      file_size: Math.round(width * height * 0.1),
    }));
    return this.pushUserMessage(
      this.chatOf(chatId, from),
      from,
      { photo: sizes, ...this.captionContent(extra) },
      extra,
    );
  }

  /** A document sent by a user in private chat; pass `contents` to make it downloadable. */
  document(userId: number, doc: DocumentInit, extra: MessageExtra = {}): Update {
    const from = this.user(userId, extra.from);
    if (doc.contents !== undefined) {
      this.addFile(doc.file_id, doc.contents, {
        ...(doc.file_name !== undefined && { fileName: doc.file_name }),
        ...(doc.mime_type !== undefined && { mimeType: doc.mime_type }),
      });
    }
    const size =
      doc.file_size ?? (doc.contents === undefined ? undefined : Buffer.byteLength(doc.contents));
    const document = {
      file_id: doc.file_id,
      file_unique_id: uniqueIdFor(doc.file_id),
      ...(doc.file_name !== undefined && { file_name: doc.file_name }),
      ...(doc.mime_type !== undefined && { mime_type: doc.mime_type }),
      ...(size !== undefined && { file_size: size }),
    };
    return this.pushUserMessage(
      this.privateChat(from),
      from,
      { document, ...this.captionContent(extra) },
      extra,
    );
  }

  /**
   * A button press on a bot message. Without `messageId` it uses the bot's latest message in
   * the chat; an unknown message is created so later edits of it succeed.
   */
  callbackQuery(userId: number, chatId: number, data: string, messageId?: number): Update {
    const from = this.user(userId);
    const chat = this.chatOf(chatId, from);
    let message =
      messageId === undefined
        ? this.lastBotMessage(chatId)
        : this.messages.get(chatId)?.get(messageId);
    if (!message) {
      message = {
        message_id: messageId ?? this.nextMessageId(chatId),
        from: this.botInfo,
        chat,
        date: nowSeconds(),
        text: 'Menu',
      };
      this.storeMessage(message);
    }
    return this.pushUpdate({
      callback_query: {
        id: `${4_000_000 + ++this.idCounter}${userId}`,
        from,
        message,
        chat_instance: String(-7_000_000_000_000 - Math.abs(chatId)),
        data,
      },
    });
  }

  /** An inline query (`@bot query`) from a user. */
  inlineQuery(userId: number, query: string): Update {
    return this.pushUpdate({
      inline_query: {
        id: `${5_000_000 + ++this.idCounter}${userId}`,
        from: this.user(userId),
        query,
        offset: '',
        chat_type: 'sender',
      },
    });
  }

  /**
   * POSTs an update to the bot's webhook endpoint the way Telegram does, with the secret
   * header when given; returns the HTTP status and body for assertions.
   */
  async deliverWebhook(
    url: string,
    update: Update,
    secret?: string,
  ): Promise<{ status: number; body: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secret !== undefined) headers['X-Telegram-Bot-Api-Secret-Token'] = secret;
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(update) });
    return { status: response.status, body: await response.text() };
  }

  // -------------------------------------------------------------------------
  // Request pipeline

  private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/file/')) {
      await readBody(req);
      this.serveFile(url.pathname, res);
      return;
    }
    const match = /^\/bot([^/]+)\/([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    const token = match?.[1];
    const rawMethod = match?.[2];
    if (token === undefined || rawMethod === undefined) {
      await readBody(req);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    const handler = this.handlers.get(rawMethod.toLowerCase());
    const call: RecordedCall = {
      method: handler?.name ?? rawMethod,
      payload: {},
      at: Date.now(),
      state: 'pending',
    };
    this.calls.push(call);
    res.on('close', () => {
      if (call.state === 'pending' && !res.writableEnded) {
        call.state = 'aborted';
        this.notify();
      }
    });
    try {
      call.payload = await readPayload(req, url);
    } catch (error) {
      this.answer(call, res, this.asOutcome(error));
      return;
    }
    if (token !== this.token) {
      this.answer(call, res, { ok: false, error: new TelegramError(401, 'Unauthorized') });
      return;
    }
    if (!handler) {
      this.answer(call, res, {
        ok: false,
        error: new TelegramError(404, 'Not Found: method not found'),
      });
      return;
    }
    const floodWait = this.checkFloodWait(call);
    if (floodWait) {
      this.answer(call, res, { ok: false, error: floodWait });
      return;
    }
    const fault = this.takeFault(call.method, call.payload);
    if (fault) {
      this.injected++;
      call.fault = fault;
      if (fault.kind === 'drop') {
        call.state = 'dropped';
        req.socket.destroy();
        this.notify();
        return;
      }
      if (fault.kind === 'error') {
        this.answer(call, res, {
          ok: false,
          error: new TelegramError(fault.code, fault.description, fault.retryAfter),
        });
        return;
      }
      await this.sleep(fault.ms);
      if (call.state !== 'pending') return;
    }
    let outcome: Outcome;
    try {
      outcome = { ok: true, result: await handler.fn(call.payload, { call, res }) };
    } catch (error) {
      outcome = this.asOutcome(error);
    }
    this.answer(call, res, outcome);
  }

  private asOutcome(error: unknown): Outcome {
    if (error instanceof TelegramError) return { ok: false, error };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: new TelegramError(500, `Internal Server Error: ${message}`) };
  }

  private answer(call: RecordedCall, res: ServerResponse, outcome: Outcome): void {
    if (call.state !== 'pending') return;
    let status = 200;
    let body: Record<string, unknown>;
    if (outcome.ok) {
      call.state = 'ok';
      call.result = outcome.result;
      body = { ok: true, result: outcome.result };
    } else {
      const { code, description, retryAfter } = outcome.error;
      call.state = 'error';
      call.errorCode = code;
      call.description = description;
      body = {
        ok: false,
        error_code: code,
        description,
        ...(retryAfter !== undefined && { parameters: { retry_after: retryAfter } }),
      };
      status = code >= 400 && code <= 599 ? code : 500;
      if (code === 429 && retryAfter !== undefined) {
        const key = this.floodKey(call);
        const until = Date.now() + retryAfter * 1000;
        this.floodWaitUntil.set(key, Math.max(until, this.floodWaitUntil.get(key) ?? 0));
      }
    }
    if (!res.destroyed && !res.writableEnded) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }
    this.notify();
  }

  /** Flood waits are per chat for chat-bound calls and per method otherwise. */
  private floodKey(call: RecordedCall): string {
    const chat = toInt(call.payload.chat_id) ?? toStr(call.payload.chat_id);
    return chat !== undefined && chat !== '' ? `chat:${chat}` : `method:${call.method}`;
  }

  /** A call made during a flood wait gets 429 again and is recorded as a violation. */
  private checkFloodWait(call: RecordedCall): TelegramError | undefined {
    const key = this.floodKey(call);
    const until = this.floodWaitUntil.get(key);
    if (until === undefined) return undefined;
    const now = Date.now();
    if (now + FLOOD_WAIT_SLACK_MS >= until) {
      this.floodWaitUntil.delete(key);
      return undefined;
    }
    this.violations.push({ method: call.method, key, at: now, earlyByMs: until - now });
    const retryAfter = Math.ceil((until - now) / 1000);
    return new TelegramError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
  }

  private takeFault(method: string, payload: Payload): FakeFault | undefined {
    const wanted = method.toLowerCase();
    const index = this.faultQueue.findIndex((entry) => entry.method === wanted);
    const entry = this.faultQueue[index];
    if (entry) {
      entry.remaining--;
      if (entry.remaining <= 0) this.faultQueue.splice(index, 1);
      return entry.fault;
    }
    for (const rule of this.faultRules) {
      const fault = rule(method, payload);
      if (fault) return fault;
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => sleeper.wake(), ms),
        wake: () => {
          this.sleepers.delete(sleeper);
          resolve();
        },
      };
      this.sleepers.add(sleeper);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private describeCalls(): string {
    if (this.calls.length === 0) return 'no calls were made';
    const shown = this.calls.slice(-50).map((call) => {
      const detail = call.errorCode !== undefined ? ` ${call.errorCode} ${call.description}` : '';
      return `${call.method} -> ${call.state}${detail}`;
    });
    return `saw ${this.calls.length} call(s): ${shown.join('; ')}`;
  }

  private serveFile(pathname: string, res: ServerResponse): void {
    const prefix = `/file/bot${this.token}/`;
    const path = pathname.startsWith(prefix)
      ? decodeURIComponent(pathname.slice(prefix.length))
      : undefined;
    const file =
      path === undefined ? undefined : [...this.files.values()].find((f) => f.filePath === path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    res.writeHead(200, {
      'content-type': file.mimeType ?? 'application/octet-stream',
      'content-length': file.contents.length,
    });
    res.end(file.contents);
  }

  // -------------------------------------------------------------------------
  // Method handlers

  private getUpdates(payload: Payload, ctx: HandlerContext): Update[] | Promise<Update[]> {
    if (this.webhookState) {
      throw new TelegramError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    // Telegram answers the older of two concurrent polls with 409, exposing duplicate pollers.
    this.terminatePolls(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    const offset = toInt(payload.offset);
    if (offset !== undefined && offset < 0) this.queue = this.queue.slice(offset);
    else if (offset !== undefined && offset > 0) {
      this.queue = this.queue.filter((update) => update.update_id >= offset);
    }
    const limit = Math.min(100, Math.max(1, toInt(payload.limit) ?? 100));
    const timeoutMs = Math.max(0, toNumber(payload.timeout) ?? 0) * 1000;
    const ready = this.queue.slice(0, limit);
    if (ready.length > 0 || timeoutMs === 0 || this.closed) return ready;
    return new Promise<Update[]>((resolve, reject) => {
      const waiter: PollWaiter = {
        limit,
        settle: (outcome) => {
          clearTimeout(timer);
          this.pollWaiters.delete(waiter);
          if (outcome instanceof TelegramError) reject(outcome);
          else resolve(outcome);
        },
      };
      const timer = setTimeout(() => waiter.settle([]), timeoutMs);
      this.pollWaiters.add(waiter);
      // A client that gives up (bot.stop aborts its poll) must not count as a live poller.
      ctx.res.on('close', () => {
        if (this.pollWaiters.has(waiter)) waiter.settle([]);
      });
    });
  }

  private terminatePolls(description: string): void {
    for (const waiter of [...this.pollWaiters]) waiter.settle(new TelegramError(409, description));
  }

  private sendMessage(payload: Payload): Message {
    const chatId = requireChatId(payload);
    if (toStr(payload.text) === undefined) throw badRequest('message text is empty');
    const formatted = formatText(payload.text, payload.parse_mode, payload.entities, {
      max: MAX_MESSAGE_LENGTH,
      empty: 'message text is empty',
      tooLong: 'message is too long',
    });
    const markup = checkReplyMarkup(payload.reply_markup);
    const message = this.botMessage(chatId, payload, markup, {
      text: formatted.text,
      ...(formatted.entities.length > 0 && { entities: formatted.entities }),
    });
    this.recordSent('sendMessage', payload, message);
    return message;
  }

  private editMessageText(payload: Payload): Message | true {
    const formatted = formatText(payload.text, payload.parse_mode, payload.entities, {
      max: MAX_MESSAGE_LENGTH,
      empty: 'message text is empty',
      tooLong: 'message is too long',
    });
    const markup = checkReplyMarkup(payload.reply_markup);
    // Inline-mode messages are not stored; Telegram answers `true` for them.
    if (payload.inline_message_id !== undefined) return true;
    const stored = this.editableMessage(payload);
    const unchanged =
      stored.text === formatted.text &&
      JSON.stringify(stored.entities ?? []) === JSON.stringify(formatted.entities) &&
      JSON.stringify(stored.reply_markup) === JSON.stringify(markup);
    if (unchanged) throw notModified();
    const edited: Message = { ...stored, text: formatted.text, edit_date: nowSeconds() };
    delete edited.entities;
    delete edited.reply_markup;
    if (formatted.entities.length > 0) edited.entities = formatted.entities;
    if (markup) edited.reply_markup = markup;
    this.storeMessage(edited);
    this.recordSent('editMessageText', payload, edited);
    return edited;
  }

  private editMessageReplyMarkup(payload: Payload): Message | true {
    const markup = checkReplyMarkup(payload.reply_markup);
    if (payload.inline_message_id !== undefined) return true;
    const stored = this.editableMessage(payload);
    if (JSON.stringify(stored.reply_markup) === JSON.stringify(markup)) throw notModified();
    const edited: Message = { ...stored, edit_date: nowSeconds() };
    delete edited.reply_markup;
    if (markup) edited.reply_markup = markup;
    this.storeMessage(edited);
    this.recordSent('editMessageReplyMarkup', payload, edited);
    return edited;
  }

  private editableMessage(payload: Payload): Message {
    const chatId = requireChatId(payload);
    const stored = this.messages.get(chatId)?.get(requireMessageId(payload));
    if (!stored) throw badRequest('message to edit not found');
    if (stored.from?.id !== this.botInfo.id) throw badRequest("message can't be edited");
    return stored;
  }

  private deleteMessage(payload: Payload): true {
    const chatId = requireChatId(payload);
    const messageId = requireMessageId(payload);
    if (!this.messages.get(chatId)?.delete(messageId)) {
      throw badRequest('message to delete not found');
    }
    return true;
  }

  private sendChatAction(payload: Payload): true {
    requireChatId(payload);
    if (!CHAT_ACTIONS.has(toStr(payload.action) ?? '')) {
      throw badRequest('wrong parameter action in request');
    }
    return true;
  }

  private sendDocument(payload: Payload): Message {
    const chatId = requireChatId(payload);
    const document = this.resolveDocument(payload);
    const caption =
      payload.caption === undefined
        ? undefined
        : formatText(payload.caption, payload.parse_mode, payload.caption_entities, {
            max: MAX_CAPTION_LENGTH,
            tooLong: 'message caption is too long',
          });
    const markup = checkReplyMarkup(payload.reply_markup);
    const message = this.botMessage(chatId, payload, markup, {
      document,
      ...(caption && caption.text !== '' && { caption: caption.text }),
      ...(caption && caption.entities.length > 0 && { caption_entities: caption.entities }),
    });
    this.recordSent('sendDocument', payload, message);
    return message;
  }

  /**
   * An uploaded photo, checked like Telegram: a PNG or JPEG file within 10 MB, width plus
   * height at most 10000 and sides within 1:20. Re-sending by file id is not modelled.
   */
  private sendPhoto(payload: Payload): Message {
    const chatId = requireChatId(payload);
    const ref = payload.photo;
    const upload =
      ref instanceof UploadedFile
        ? ref
        : typeof ref === 'string' && ref.startsWith('attach://')
          ? payload[ref.slice('attach://'.length)]
          : undefined;
    if (!(upload instanceof UploadedFile)) throw badRequest('there is no photo in the request');
    if (upload.size > 10 * 1024 * 1024) throw badRequest('PHOTO_SAVE_FILE_INVALID');
    const size = imageSize(upload.data);
    if (!size) throw badRequest('IMAGE_PROCESS_FAILED');
    const { width, height } = size;
    if (width + height > 10_000 || Math.max(width, height) / Math.min(width, height) > 20)
      throw badRequest('PHOTO_INVALID_DIMENSIONS');
    const caption =
      payload.caption === undefined
        ? undefined
        : formatText(payload.caption, payload.parse_mode, payload.caption_entities, {
            max: MAX_CAPTION_LENGTH,
            tooLong: 'message caption is too long',
          });
    const fileId = `AgACAgIAAxkDAAI${(++this.idCounter).toString(36)}`;
    this.addFile(fileId, upload.data, { fileName: upload.fileName, mimeType: 'image/png' });
    const markup = checkReplyMarkup(payload.reply_markup);
    const message = this.botMessage(chatId, payload, markup, {
      photo: [
        {
          file_id: fileId,
          file_unique_id: uniqueIdFor(fileId),
          width,
          height,
          file_size: upload.size,
        },
      ],
      ...(caption && caption.text !== '' && { caption: caption.text }),
      ...(caption && caption.entities.length > 0 && { caption_entities: caption.entities }),
    });
    this.recordSent('sendPhoto', payload, message);
    return message;
  }

  private resolveDocument(payload: Payload): NonNullable<Message['document']> {
    const ref = payload.document;
    if (ref === undefined || ref === '') throw badRequest('there is no document in the request');
    const wrongFile = badRequest('wrong file identifier/HTTP URL specified');
    const upload =
      ref instanceof UploadedFile
        ? ref
        : typeof ref === 'string' && ref.startsWith('attach://')
          ? payload[ref.slice('attach://'.length)]
          : undefined;
    if (upload !== undefined) {
      if (!(upload instanceof UploadedFile)) throw wrongFile;
      const fileId = `BQACAgIAAxkDAAI${(++this.idCounter).toString(36)}`;
      this.addFile(fileId, upload.data, { fileName: upload.fileName, mimeType: upload.mimeType });
      return {
        file_id: fileId,
        file_unique_id: uniqueIdFor(fileId),
        file_name: upload.fileName,
        ...(upload.mimeType !== '' && { mime_type: upload.mimeType }),
        file_size: upload.size,
      };
    }
    if (typeof ref !== 'string') throw wrongFile;
    if (/^https?:\/\//i.test(ref)) {
      const fileId = `BQACAgIAAxkDAAI${(++this.idCounter).toString(36)}`;
      const name = new URL(ref).pathname.split('/').pop() || 'file';
      return { file_id: fileId, file_unique_id: uniqueIdFor(fileId), file_name: name };
    }
    const known = this.files.get(ref);
    if (!known) throw wrongFile;
    return {
      file_id: ref,
      file_unique_id: uniqueIdFor(ref),
      ...(known.fileName !== undefined && { file_name: known.fileName }),
      ...(known.mimeType !== undefined && { mime_type: known.mimeType }),
      file_size: known.contents.length,
    };
  }

  private answerCallbackQuery(payload: Payload): true {
    const id = toStr(payload.callback_query_id) ?? '';
    const text = toStr(payload.text);
    if (text !== undefined && [...text].length > MAX_CALLBACK_ANSWER_LENGTH) {
      throw badRequest('MESSAGE_TOO_LONG');
    }
    // Unknown and second answers both fail in Telegram; a double answer is a real bug.
    if (!this.openCallbackQueries.delete(id)) throw queryTooOld();
    return true;
  }

  private answerInlineQuery(payload: Payload): true {
    const id = toStr(payload.inline_query_id) ?? '';
    const results = toArray(payload.results);
    if (!results) throw badRequest("can't parse inline query results JSON object");
    if (results.length > 50) throw badRequest('RESULTS_TOO_MUCH');
    const seen = new Set<string>();
    for (const result of results) {
      if (!isRecord(result) || typeof result.type !== 'string') {
        throw badRequest('can\'t parse inline query result: Field "type" must be a String');
      }
      const resultId = toStr(result.id) ?? '';
      const idBytes = Buffer.byteLength(resultId, 'utf8');
      if (idBytes < 1 || idBytes > 64) throw badRequest('RESULT_ID_INVALID');
      if (seen.has(resultId)) throw badRequest('RESULT_ID_DUPLICATE');
      seen.add(resultId);
      const content = toRecord(result.input_message_content);
      if (content && content.message_text !== undefined) {
        formatText(content.message_text, content.parse_mode, content.entities, {
          max: MAX_MESSAGE_LENGTH,
          empty: 'message text is empty',
          tooLong: 'message is too long',
        });
      }
      checkReplyMarkup(result.reply_markup);
    }
    if (!this.openInlineQueries.delete(id)) throw queryTooOld();
    return true;
  }

  private setMyCommands(payload: Payload): true {
    const list = toArray(payload.commands);
    if (!list) throw badRequest('parameter "commands" is required');
    if (list.length > 100) throw badRequest('too many commands');
    const commands = list.map((item): BotCommand => {
      const command = isRecord(item) ? toStr(item.command) : undefined;
      const description = isRecord(item) ? toStr(item.description) : undefined;
      if (command === undefined || !/^[a-z0-9_]{1,32}$/.test(command)) {
        throw badRequest('BOT_COMMAND_INVALID');
      }
      if (description === undefined || description.length < 1 || description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      return { command, description };
    });
    this.commands.set(scopeKey(payload.scope, payload.language_code), commands);
    return true;
  }

  private getChatMember(payload: Payload): ChatMember {
    const chatId = requireChatId(payload);
    const userId = toInt(payload.user_id);
    if (userId === undefined) throw badRequest('user_id is empty');
    const isBot = userId === this.botInfo.id;
    const user: User = isBot
      ? {
          id: userId,
          is_bot: true,
          first_name: this.botInfo.first_name,
          username: this.botInfo.username,
        }
      : { id: userId, is_bot: false, first_name: 'U' };
    return chatMemberFor(this.members.get(`${chatId}:${userId}`) ?? 'member', user);
  }

  private setWebhook(payload: Payload): true {
    const url = toStr(payload.url) ?? '';
    if (url === '') {
      this.webhookState = undefined;
      return true;
    }
    if (!/^https:\/\//i.test(url)) {
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
    const secret = toStr(payload.secret_token);
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw badRequest('secret token contains unallowed characters');
    }
    const allowedUpdates = toArray(payload.allowed_updates);
    const maxConnections = toInt(payload.max_connections);
    this.webhookState = {
      url,
      ...(secret !== undefined && { secretToken: secret }),
      ...(allowedUpdates !== undefined && { allowedUpdates }),
      ...(maxConnections !== undefined && { maxConnections }),
    };
    if (toBool(payload.drop_pending_updates)) this.queue = [];
    this.terminatePolls('Conflict: terminated by setWebhook request');
    return true;
  }

  private getWebhookInfo(): Record<string, unknown> {
    const hook = this.webhookState;
    return {
      url: hook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      ...(hook?.maxConnections !== undefined && { max_connections: hook.maxConnections }),
      ...(hook?.allowedUpdates !== undefined && { allowed_updates: hook.allowedUpdates }),
    };
  }

  private getFile(payload: Payload): File {
    const fileId = toStr(payload.file_id) ?? '';
    const file = this.files.get(fileId);
    if (!file) throw badRequest('invalid file_id');
    if (file.contents.length > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
    return {
      file_id: fileId,
      file_unique_id: uniqueIdFor(fileId),
      file_size: file.contents.length,
      file_path: file.filePath,
    };
  }

  // -------------------------------------------------------------------------
  // Message and chat bookkeeping

  private botMessage(
    chatId: number,
    payload: Payload,
    markup: InlineKeyboardMarkup | undefined,
    content: Partial<Message>,
  ): Message {
    const replyTo = this.replyTarget(chatId, payload);
    const message: Message = {
      message_id: this.nextMessageId(chatId),
      from: { ...this.botInfo },
      chat: this.chatFor(chatId),
      date: nowSeconds(),
      ...content,
      ...(replyTo && { reply_to_message: replyTo }),
      ...(markup && { reply_markup: markup }),
    };
    this.storeMessage(message);
    return message;
  }

  /**
   * Echoes the replied-to message: the stored one when known, else a stub, because tests
   * often reply to messages they never pushed.
   */
  private replyTarget(chatId: number, payload: Payload): Message['reply_to_message'] {
    const id =
      toInt(toRecord(payload.reply_parameters)?.message_id) ?? toInt(payload.reply_to_message_id);
    if (id === undefined) return undefined;
    const stored = this.messages.get(chatId)?.get(id);
    return asReply(stored ?? { message_id: id, date: 0, chat: this.chatFor(chatId) });
  }

  private recordSent(method: string, payload: Payload, message: Message): void {
    const at = Date.now();
    this.sentMessages.push({ method, payload, message, at });
    if (method.startsWith('send')) {
      const times = this.sendTimes.get(message.chat.id) ?? [];
      times.push(at);
      this.sendTimes.set(message.chat.id, times);
    }
  }

  private nextMessageId(chatId: number): number {
    const next = (this.lastMessageIds.get(chatId) ?? 0) + 1;
    this.lastMessageIds.set(chatId, next);
    return next;
  }

  private storeMessage(message: Message): void {
    const chatId = message.chat.id;
    const perChat = this.messages.get(chatId) ?? new Map<number, Message>();
    perChat.set(message.message_id, message);
    this.messages.set(chatId, perChat);
    // Keep ids unique when tests push messages with explicit ids.
    if (message.message_id > (this.lastMessageIds.get(chatId) ?? 0)) {
      this.lastMessageIds.set(chatId, message.message_id);
    }
  }

  private lastBotMessage(chatId: number): Message | undefined {
    const perChat = [...(this.messages.get(chatId)?.values() ?? [])];
    return perChat.filter((m) => m.from?.id === this.botInfo.id).pop();
  }

  private chatFor(chatId: number): Chat {
    const known = this.chats.get(chatId);
    if (known) return known;
    return chatId > 0
      ? { id: chatId, type: 'private', first_name: 'U' }
      : { id: chatId, type: 'supergroup', title: 'Test group' };
  }

  /** Remembers chats and open queries from pushed updates, reading defensively (loose input). */
  private registerUpdate(update: Record<string, unknown>): void {
    for (const key of ['message', 'edited_message', 'channel_post', 'edited_channel_post']) {
      const message = toRecord(update[key]);
      const chat = toRecord(message?.chat);
      const chatId = toInt(chat?.id);
      if (message && chat && chatId !== undefined && toInt(message.message_id) !== undefined) {
        this.chats.set(chatId, chat as unknown as Chat);
        this.storeMessage(message as unknown as Message);
      }
    }
    const callback = toRecord(update.callback_query);
    const callbackId = toStr(callback?.id);
    if (callbackId !== undefined) this.openCallbackQueries.add(callbackId);
    const inline = toRecord(update.inline_query);
    const inlineId = toStr(inline?.id);
    if (inlineId !== undefined) this.openInlineQueries.add(inlineId);
  }

  private user(userId: number, override: UserInit = {}): User {
    return {
      id: userId,
      is_bot: false,
      first_name: 'Test',
      language_code: 'en',
      ...this.profiles.get(userId),
      ...override,
    };
  }

  private privateChat(user: User): Chat {
    return {
      id: user.id,
      type: 'private',
      first_name: user.first_name,
      ...(user.last_name !== undefined && { last_name: user.last_name }),
      ...(user.username !== undefined && { username: user.username }),
    };
  }

  private groupChat(chatId: number): Chat {
    return this.chats.get(chatId) ?? { id: chatId, type: 'supergroup', title: 'Test group' };
  }

  private chatOf(chatId: number, from: User): Chat {
    if (chatId < 0) return this.groupChat(chatId);
    return chatId === from.id ? this.privateChat(from) : this.chatFor(chatId);
  }

  private textContent(text: string, extra: MessageExtra): Partial<Message> {
    const entities = extra.entities ?? deriveEntities(text);
    return { text, ...(entities.length > 0 && { entities }) };
  }

  private captionContent(extra: MessageExtra): Partial<Message> {
    if (extra.caption === undefined) return {};
    const entities = extra.entities ?? deriveEntities(extra.caption);
    return { caption: extra.caption, ...(entities.length > 0 && { caption_entities: entities }) };
  }

  private pushUserMessage(
    chat: Chat,
    from: User,
    content: Partial<Message>,
    extra: MessageExtra,
  ): Update {
    const reply = extra.reply_to_message;
    let replyTo: Message['reply_to_message'];
    if (reply !== undefined) {
      const stored = 'date' in reply ? reply : this.messages.get(chat.id)?.get(reply.message_id);
      replyTo = asReply(stored ?? { message_id: reply.message_id, date: 0, chat });
    }
    const message: Message = {
      message_id: extra.message_id ?? this.nextMessageId(chat.id),
      from,
      chat,
      date: extra.date ?? nowSeconds(),
      ...content,
      ...(replyTo && { reply_to_message: replyTo }),
    };
    return this.pushUpdate({ message });
  }
}

/** Telegram never nests replies: the echoed message carries no reply of its own. */
function asReply(message: Message): NonNullable<Message['reply_to_message']> {
  return { ...message, reply_to_message: undefined };
}

const notModified = (): TelegramError =>
  badRequest(
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  );

const queryTooOld = (): TelegramError =>
  badRequest('query is too old and response timeout expired or query ID is invalid');

/** Entities Telegram clients attach to typed text: commands (at start or after space) and mentions. */
function deriveEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const match of text.matchAll(/(?<!\S)\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?/g)) {
    entities.push({ type: 'bot_command', offset: match.index, length: match[0].length });
  }
  for (const match of text.matchAll(/(?<![\w@/])@[A-Za-z0-9_]{5,32}\b/g)) {
    const inCommand = entities.some(
      (e) => match.index >= e.offset && match.index < e.offset + e.length,
    );
    if (!inCommand)
      entities.push({ type: 'mention', offset: match.index, length: match[0].length });
  }
  return entities.sort((a, b) => a.offset - b.offset);
}
