import { Lexer, type Token, type Tokens } from 'marked';
import { BoundedCache } from '../match/bounded-cache.js';

/** Telegram's limit on one message's text. */
export const MESSAGE_LIMIT = 4096;

/** Escapes text for Telegram's HTML parse mode: only these three characters are special. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Drops tags and decodes entities: the text a person sees, for the console and for length. */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

const SAFE_LINK = /^(?:https?:\/\/|tg:\/\/)/i;

function inline(tokens: readonly Token[] | undefined): string {
  return (tokens ?? []).map(inlineToken).join('');
}

function inlineToken(token: Token): string {
  switch (token.type) {
    case 'strong':
      return `<b>${inline((token as Tokens.Strong).tokens)}</b>`;
    case 'em':
      return `<i>${inline((token as Tokens.Em).tokens)}</i>`;
    case 'del':
      return `<s>${inline((token as Tokens.Del).tokens)}</s>`;
    case 'codespan':
      return `<code>${escapeHtml((token as Tokens.Codespan).text)}</code>`;
    case 'br':
      return '\n';
    case 'link': {
      const link = token as Tokens.Link;
      const label = inline(link.tokens);
      return SAFE_LINK.test(link.href)
        ? `<a href="${escapeHtml(link.href).replace(/"/g, '&quot;')}">${label}</a>`
        : label;
    }
    case 'image':
      return escapeHtml((token as Tokens.Image).text);
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : escapeHtml(text.text);
    }
    case 'escape':
      return escapeHtml((token as Tokens.Escape).text);
    default:
      return escapeHtml(token.raw);
  }
}

function block(token: Token): string | undefined {
  switch (token.type) {
    case 'space':
    case 'hr':
      return undefined;
    case 'heading':
      return `<b>${inline((token as Tokens.Heading).tokens)}</b>`;
    case 'paragraph':
      return inline((token as Tokens.Paragraph).tokens);
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : escapeHtml(text.text);
    }
    case 'list': {
      const list = token as Tokens.List;
      const start = typeof list.start === 'number' ? list.start : 1;
      return list.items
        .map((item, i) => {
          const marker = list.ordered ? `${start + i}.` : '•';
          const body = item.tokens
            .map((t) => block(t) ?? '')
            .filter(Boolean)
            .join('\n');
          return `${marker} ${body}`;
        })
        .join('\n');
    }
    case 'code':
      return `<pre>${escapeHtml((token as Tokens.Code).text)}</pre>`;
    case 'blockquote':
      return `<blockquote>${(token as Tokens.Blockquote).tokens.map(block).filter(Boolean).join('\n')}</blockquote>`;
    case 'table': {
      const table = token as Tokens.Table;
      const row = (cells: Tokens.TableCell[]) => cells.map((c) => inline(c.tokens)).join(' | ');
      return [row(table.header), ...table.rows.map(row)].join('\n');
    }
    default:
      return escapeHtml(token.raw.trim());
  }
}

/**
 * Renders the Markdown of a section as Telegram HTML blocks (paragraphs, lists, headings), each
 * valid on its own so that a long answer can be split between any two of them.
 */
export function markdownToHtmlBlocks(markdown: string): string[] {
  return [...renderedBlocks.get(markdown, renderBlocks)];
}

// Sections are rendered again and again with the same text: keep the result per text.
const renderedBlocks = new BoundedCache<string, readonly string[]>(2_000);

function renderBlocks(markdown: string): string[] {
  return new Lexer({ gfm: true })
    .lex(markdown)
    .map(block)
    .filter((b): b is string => !!b && b.trim() !== '');
}

/**
 * Joins HTML blocks into messages of at most `limit` characters, breaking only between blocks.
 * A single block longer than the limit is sent as plain text in pieces, broken at line ends
 * where possible, so that no tag is ever cut in half.
 */
export function splitIntoMessages(blocks: readonly string[], limit = MESSAGE_LIMIT): string[] {
  const messages: string[] = [];
  let current = '';
  const push = (piece: string) => {
    const joined = current === '' ? piece : `${current}\n\n${piece}`;
    if (joined.length <= limit) {
      current = joined;
      return;
    }
    if (current !== '') messages.push(current);
    current = piece;
  };
  for (const html of blocks) {
    if (html.length <= limit) push(html);
    else for (const piece of splitPlain(htmlToPlain(html), limit)) push(escapeHtml(piece));
  }
  if (current !== '') messages.push(current);
  return messages;
}

// Escaping can grow text up to five times (& → &amp;), so pieces are cut with that headroom.
function splitPlain(text: string, limit: number): string[] {
  const budget = Math.max(1, Math.floor(limit / 5));
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > budget) {
    let cut = rest.lastIndexOf('\n', budget);
    if (cut < budget / 2) cut = rest.lastIndexOf(' ', budget);
    if (cut < budget / 2) cut = budget;
    // Never cut between the two halves of a surrogate pair.
    if (cut > 1 && /[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut--;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

/**
 * The compact line under an answer that names where its facts were checked: each web address as
 * a link labelled with its host (numbered when a host repeats), each document by its name.
 * Undefined when the section lists no sources.
 */
export function sourcesLine(label: string, sources: readonly string[]): string | undefined {
  if (sources.length === 0) return undefined;
  const seen = new Map<string, number>();
  const items = sources.map((source) => {
    const host = SAFE_LINK.test(source) ? hostOf(source) : undefined;
    if (host === undefined) return escapeHtml(source);
    const count = (seen.get(host) ?? 0) + 1;
    seen.set(host, count);
    const name = count === 1 ? host : `${host} (${count})`;
    return `<a href="${escapeHtml(source).replace(/"/g, '&quot;')}">${escapeHtml(name)}</a>`;
  });
  // A full-width colon already spaces the label in Chinese.
  const gap = label.endsWith('：') ? '' : ' ';
  return `<i>${escapeHtml(label)}${gap}${items.join(' · ')}</i>`;
}

function hostOf(address: string): string | undefined {
  try {
    return new URL(address).hostname.replace(/^www\./, '') || undefined;
  } catch {
    return undefined;
  }
}
