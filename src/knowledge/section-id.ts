import { createHash } from 'node:crypto';

/**
 * What a section id may be: deep links carry it as the `/start` payload, which allows letters,
 * digits, "_" and "-"; lower-case words joined by "-" keep it readable. 60 characters leave room
 * for the longest button prefix within Telegram's 64-byte callback data.
 */
export const SECTION_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SECTION_ID_MAX = 60;

// Room for "-" and the hash when a name has letters beyond Latin ones.
const SLUG_MAX = 40;
const HASH_CHARS = 8;

/**
 * The words of `text` as a slug of lower-case Latin letters and digits joined by "-": accents
 * dropped, every other character a separator, cut at a word boundary.
 */
export function slugify(text: string, max = SLUG_MAX): string {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > max) break;
    slug = next;
  }
  return slug === '' && words[0] ? words[0].slice(0, max) : slug;
}

/**
 * A stable id for `text` (a file name, a question): its Latin slug when the text is written in
 * Latin letters alone; otherwise the slug (possibly empty) plus a short hash of the whole text,
 * so that "常见问题" and "收费问题" get different ids and the same text always the same one.
 */
export function stableId(text: string): string {
  const normalized = text.normalize('NFKC').trim();
  const slug = slugify(normalized);
  const latinOnly = !/[^\p{Script=Latin}\p{N}\p{P}\p{Zs}\p{S}]/u.test(normalized);
  if (slug !== '' && latinOnly) return slug;
  const hash = BigInt(
    `0x${createHash('sha256').update(normalized).digest('hex').slice(0, 12)}`,
  ).toString(36);
  const short = hash.padStart(HASH_CHARS, '0').slice(0, HASH_CHARS);
  return slug === '' ? `s-${short}` : `${slug}-${short}`;
}

/**
 * The id of a section file that does not declare one: its name without the extension and the
 * leading ordering number ("02-esim.md" → "esim", "03-常见问题.md" → a stable hashed id). It
 * changes only when the file is renamed, so deep links survive every other edit.
 */
export function idFromFileName(file: string): string {
  const base = file.replace(/\.md$/i, '');
  const unnumbered = base.replace(/^\d+[-_. ]+/, '');
  return stableId(unnumbered === '' ? base : unnumbered);
}
