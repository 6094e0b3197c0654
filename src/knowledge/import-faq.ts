import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { normalizeLanguageTag } from './languages.js';
import { stableId, SECTION_ID_MAX, SECTION_ID_PATTERN } from './section-id.js';

/** The formats an FAQ can be imported from. */
export const IMPORT_FORMATS = ['csv', 'tsv', 'qna', 'json'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One language of an imported entry. */
export interface ImportedText {
  title: string;
  body: string;
  questions: string[];
  keywords: string[];
}

/** One FAQ entry, ready to become a section file. */
export interface ImportedEntry {
  id: string;
  /** Where it came from ("row 4", "item 2"), for the report. */
  origin: string;
  /** Per BCP-47 language tag, in the order first seen. */
  texts: Map<string, ImportedText>;
  /** Ids of the entries offered as follow-ups. */
  related: string[];
}

/** Something of the source the import did not carry into the knowledge, and why. */
export interface ImportNote {
  origin: string;
  note: string;
}

export interface ImportResult {
  format: ImportFormat;
  entries: ImportedEntry[];
  notes: ImportNote[];
}

/** The columns a CSV or TSV file is read by; each lists the header names it accepts. */
export interface ColumnNames {
  id: readonly string[];
  question: readonly string[];
  answer: readonly string[];
  alternates: readonly string[];
  language: readonly string[];
  keywords: readonly string[];
  related: readonly string[];
}

/** Header names recognised without configuration, compared case-insensitively. */
export const defaultColumnNames: Readonly<ColumnNames> = Object.freeze({
  id: ['id', 'key', 'slug'],
  question: ['question', 'questions', 'q', 'title'],
  answer: ['answer', 'a', 'body', 'response'],
  alternates: ['alternates', 'alternate questions', 'alternatives', 'variants', 'paraphrases'],
  language: ['language', 'lang', 'locale'],
  keywords: ['keywords', 'tags'],
  related: ['related', 'see also', 'follow-ups'],
});

type ColumnRole = keyof ColumnNames;

export interface ImportOptions {
  format: ImportFormat;
  /** The language of entries that do not say theirs. */
  defaultLang: string;
  /** Header names that replace the defaults, per role (`--question Frage`). */
  columns?: Partial<Record<ColumnRole, string>>;
  /** Separates several alternates (keywords, related ids) in one cell, besides a line break. */
  separator?: string;
  /** The cell delimiter of a CSV file when it is not "," (spreadsheets often write ";"). */
  delimiter?: string;
}

/** Thrown when the file cannot be imported at all (no header, no question column, bad JSON). */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}

/** The format a file name suggests: `.json`, `.tsv`/`.txt`, else CSV; QnA exports are told by their header. */
export function formatOfFile(name: string, text: string): ImportFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.tsv') || lower.endsWith('.txt')) {
    const header = (text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '').toLowerCase();
    const cells = header.split('\t').map((cell) => cell.trim().replace(/^"|"$/g, ''));
    return cells.includes('question') &&
      cells.includes('answer') &&
      (cells.includes('source') || cells.includes('qnaid') || cells.includes('metadata'))
      ? 'qna'
      : 'tsv';
  }
  return 'csv';
}

/** Reads an FAQ in `options.format` into entries, noting everything it could not map. Pure. */
export function importFaq(text: string, options: ImportOptions): ImportResult {
  const defaultLang = normalizeLanguageTag(options.defaultLang);
  if (defaultLang === undefined)
    throw new ImportError(`"${options.defaultLang}" is not a language tag (use e.g. en, zh-Hans)`);
  const ctx = new ImportContext(defaultLang, options.separator);
  switch (options.format) {
    case 'csv':
    case 'tsv':
      readTable(
        ctx,
        readRows(text, options.format === 'tsv' ? '\t' : (options.delimiter ?? ',')),
        options.columns,
      );
      break;
    case 'qna':
      readQnaMaker(ctx, readRows(text, '\t'));
      break;
    case 'json':
      readJson(ctx, text);
      break;
  }
  return { format: options.format, ...ctx.finish() };
}

function readRows(text: string, delimiter: string): string[][] {
  try {
    return parse(text, {
      bom: true,
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    });
  } catch (error) {
    throw new ImportError(
      `the file is not readable as ${delimiter === '\t' ? 'TSV' : 'CSV'}: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

// Collects entries by id, merging the languages of one entry given on several rows, and keeps
// ids unique and valid.
class ImportContext {
  private readonly entries = new Map<string, ImportedEntry>();
  private readonly pendingRelated = new Map<ImportedEntry, { refs: string[]; origin: string }>();
  readonly notes: ImportNote[] = [];

  constructor(
    readonly defaultLang: string,
    private readonly separator: string | undefined,
  ) {}

  note(origin: string, note: string): void {
    this.notes.push({ origin, note });
  }

  list(cell: string | undefined): string[] {
    if (cell === undefined) return [];
    const parts = cell.split(/\r?\n/);
    const split = this.separator ? parts.flatMap((p) => p.split(this.separator ?? '')) : parts;
    return unique(split.map((p) => p.trim()).filter(Boolean));
  }

  /**
   * Adds one language of an entry. `key` groups rows into one entry (an id column, a QnA id);
   * without one, every row is an entry of its own.
   */
  add(
    origin: string,
    key: string | undefined,
    lang: string,
    text: { question: string; answer: string; alternates: string[]; keywords: string[] },
    related: string[] = [],
  ): ImportedEntry | undefined {
    const question = oneLine(text.question);
    const answer = text.answer.trim();
    if (question === '' && text.alternates.length === 0) {
      this.note(origin, 'skipped: no question');
      return undefined;
    }
    if (answer === '') {
      this.note(origin, `skipped "${question || text.alternates[0]}": no answer`);
      return undefined;
    }
    const title = question || (text.alternates[0] ?? '');
    const explicit = key === undefined ? undefined : this.validKey(key, origin);
    let entry = explicit === undefined ? undefined : this.entries.get(explicit);
    if (!entry) {
      const id = this.freeId(explicit ?? stableId(title));
      entry = { id, origin, texts: new Map(), related: [] };
      this.entries.set(id, entry);
    }
    const existing = entry.texts.get(lang);
    if (existing) {
      // A second row in the same language is another wording of the same answer.
      existing.questions = unique([...existing.questions, title, ...text.alternates]);
      if (existing.body !== answer)
        this.note(origin, `a different answer for "${entry.id}" (${lang}) was ignored`);
    } else {
      entry.texts.set(lang, {
        title,
        body: demoteLanguageHeadings(answer),
        questions: unique(text.alternates.length > 0 ? text.alternates : [title]),
        keywords: text.keywords,
      });
    }
    if (related.length > 0) {
      const pending = this.pendingRelated.get(entry) ?? { refs: [], origin };
      pending.refs.push(...related);
      this.pendingRelated.set(entry, pending);
    }
    return entry;
  }

  /** Maps a source's own keys (QnA ids) to entry ids, for follow-ups given by key. */
  readonly aliases = new Map<string, string>();

  private validKey(key: string, origin: string): string | undefined {
    const trimmed = key.trim();
    if (trimmed === '') return undefined;
    const id =
      SECTION_ID_PATTERN.test(trimmed) && trimmed.length <= SECTION_ID_MAX
        ? trimmed
        : stableId(trimmed);
    if (id !== trimmed)
      this.note(origin, `id "${trimmed}" became "${id}" (ids are a-z, 0-9 and "-")`);
    return id;
  }

  private freeId(wanted: string): string {
    if (!this.entries.has(wanted)) return wanted;
    for (let n = 2; ; n++) {
      const candidate = `${wanted.slice(0, SECTION_ID_MAX - String(n).length - 1)}-${n}`;
      if (!this.entries.has(candidate)) return candidate;
    }
  }

  finish(): { entries: ImportedEntry[]; notes: ImportNote[] } {
    for (const [entry, { refs, origin }] of this.pendingRelated) {
      for (const ref of unique(refs)) {
        const id = this.aliases.get(ref) ?? ref;
        if (id === entry.id) continue;
        if (this.entries.has(id)) {
          if (!entry.related.includes(id)) entry.related.push(id);
        } else {
          const named = ref.startsWith('qna:') ? `QnaId ${ref.slice(4)}` : `"${ref}"`;
          this.note(origin, `follow-up ${named} of "${entry.id}" is not in the file: dropped`);
        }
      }
    }
    return { entries: [...this.entries.values()], notes: this.notes };
  }
}

function readTable(
  ctx: ImportContext,
  rows: string[][],
  configured: Partial<Record<ColumnRole, string>> = {},
): void {
  const [header, ...body] = rows;
  if (!header) throw new ImportError('the file is empty: it needs a header row');
  const columns = mapColumns(header, configured);
  if (columns.question.size === 0 && columns.alternates.size === 0) {
    const names = configured.question ? [configured.question] : defaultColumnNames.question;
    throw new ImportError(
      `no question column: name one ${names.map((n) => `"${n}"`).join(' or ')}, or pass --question <header>`,
    );
  }
  if (columns.answer.size === 0) {
    const names = configured.answer ? [configured.answer] : defaultColumnNames.answer;
    throw new ImportError(
      `no answer column: name one ${names.map((n) => `"${n}"`).join(' or ')}, or pass --answer <header>`,
    );
  }
  for (const index of columns.unmapped) {
    const filled = body.filter((row) => (row[index] ?? '').trim() !== '').length;
    if (filled > 0)
      ctx.note('header', `column "${header[index]}" was not imported (${filled} non-empty cells)`);
  }
  // The languages named by suffixed columns (question_en), or the row's language column.
  const langs = unique([...columns.question.keys(), ...columns.answer.keys()]);
  body.forEach((row, i) => {
    const origin = `row ${i + 2}`;
    const cell = (index: number | undefined) => (index === undefined ? '' : (row[index] ?? ''));
    const rowLang = columns.languageColumn === undefined ? '' : cell(columns.languageColumn).trim();
    let lang = ctx.defaultLang;
    if (rowLang !== '') {
      const tag = normalizeLanguageTag(rowLang);
      if (tag === undefined) {
        ctx.note(origin, `skipped: "${rowLang}" is not a language tag`);
        return;
      }
      lang = tag;
    }
    const id = columns.id === undefined ? undefined : cell(columns.id);
    let key = id !== undefined && id.trim() !== '' ? id : undefined;
    for (const suffix of langs) {
      const entryLang = suffix === '' ? lang : suffix;
      const question = cell(columns.question.get(suffix));
      const answer = cell(columns.answer.get(suffix));
      const alternates = ctx.list(cell(columns.alternates.get(suffix)));
      if (
        suffix !== '' &&
        question.trim() === '' &&
        answer.trim() === '' &&
        alternates.length === 0
      )
        continue;
      const entry = ctx.add(
        origin,
        key,
        entryLang,
        { question, answer, alternates, keywords: ctx.list(cell(columns.keywords.get(suffix))) },
        ctx
          .list(cell(columns.related))
          .flatMap((r) => r.split(/[\s,]+/))
          .filter(Boolean),
      );
      // The other languages of a wide row belong to the entry the first one made.
      key ??= entry?.id;
    }
  });
}

interface MappedColumns {
  id: number | undefined;
  languageColumn: number | undefined;
  related: number | undefined;
  /** Per language suffix ("" for none): the column index. */
  question: Map<string, number>;
  answer: Map<string, number>;
  alternates: Map<string, number>;
  keywords: Map<string, number>;
  unmapped: number[];
}

// "question", or "question_en" / "question (zh-Hans)" / "answer.en" for one column per language.
const SUFFIXED = /^(.+?)[\s_:.([-]+([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\)?$/;

function mapColumns(
  header: readonly string[],
  configured: Partial<Record<ColumnRole, string>>,
): MappedColumns {
  const namesOf = (role: ColumnRole) =>
    (configured[role] ? [configured[role]] : defaultColumnNames[role]).map((n) =>
      n.trim().toLowerCase(),
    );
  const mapped: MappedColumns = {
    id: undefined,
    languageColumn: undefined,
    related: undefined,
    question: new Map(),
    answer: new Map(),
    alternates: new Map(),
    keywords: new Map(),
    unmapped: [],
  };
  const perLanguage = ['question', 'answer', 'alternates', 'keywords'] as const;
  header.forEach((raw, index) => {
    const name = raw.trim().toLowerCase();
    const single = (['id', 'language', 'related'] as const).find((role) =>
      namesOf(role).includes(name),
    );
    if (single === 'id' && mapped.id === undefined) return void (mapped.id = index);
    if (single === 'language' && mapped.languageColumn === undefined)
      return void (mapped.languageColumn = index);
    if (single === 'related' && mapped.related === undefined) return void (mapped.related = index);
    for (const role of perLanguage) {
      if (namesOf(role).includes(name) && !mapped[role].has(''))
        return void mapped[role].set('', index);
      const suffixed = SUFFIXED.exec(raw.trim());
      const tag = suffixed?.[2] === undefined ? undefined : normalizeLanguageTag(suffixed[2]);
      if (suffixed && tag && namesOf(role).includes((suffixed[1] ?? '').toLowerCase())) {
        if (!mapped[role].has(tag)) return void mapped[role].set(tag, index);
      }
    }
    mapped.unmapped.push(index);
  });
  return mapped;
}

// QnA Maker and custom question answering export one row per question; the rows of one pair
// share its QnaId (older exports: its answer). Follow-up prompts name other pairs by QnaId.
const qnaPromptsSchema = z.array(
  z.looseObject({
    DisplayText: z.string().optional(),
    QnaId: z.union([z.number(), z.string()]).optional(),
  }),
);
const qnaSuggestionsSchema = z.array(
  z.union([
    z.string(),
    z.looseObject({ Question: z.string().optional(), clusterHead: z.string().optional() }),
  ]),
);

function readQnaMaker(ctx: ImportContext, rows: string[][]): void {
  const [header, ...body] = rows;
  if (!header) throw new ImportError('the file is empty: it needs the export header row');
  const col = (name: string) => header.findIndex((h) => h.trim().toLowerCase() === name);
  const question = col('question');
  const answer = col('answer');
  if (question < 0 || answer < 0)
    throw new ImportError('not a QnA Maker export: the header needs "Question" and "Answer"');
  const known = new Set(
    [
      'question',
      'answer',
      'source',
      'metadata',
      'suggestedquestions',
      'isContextOnly',
      'prompts',
      'qnaid',
    ].map((n) => n.toLowerCase()),
  );
  header.forEach((h, i) => {
    if (!known.has(h.trim().toLowerCase()) && body.some((row) => (row[i] ?? '').trim() !== ''))
      ctx.note('header', `column "${h}" was not imported`);
  });
  const cell = (row: string[], index: number) => (index < 0 ? '' : (row[index] ?? '').trim());
  const sources = new Map<string, number>();
  body.forEach((row, i) => {
    const origin = `row ${i + 2}`;
    const qnaId = cell(row, col('qnaid'));
    const text = unescapeQna(cell(row, answer));
    const key = qnaId === '' ? `answer:${text}` : `qna:${qnaId}`;
    const entryId = ctx.aliases.get(key);
    const prompts = parseJsonCell(
      cell(row, col('prompts')),
      qnaPromptsSchema,
      origin,
      'Prompts',
      ctx,
    );
    const entry = ctx.add(
      origin,
      entryId,
      ctx.defaultLang,
      { question: cell(row, question), answer: text, alternates: [], keywords: [] },
      (prompts ?? []).flatMap((p) => (p.QnaId === undefined ? [] : [`qna:${String(p.QnaId)}`])),
    );
    if (!entry) return;
    ctx.aliases.set(key, entry.id);
    const source = cell(row, col('source'));
    if (source !== '') sources.set(source, (sources.get(source) ?? 0) + 1);
    const metadata = cell(row, col('metadata'));
    if (metadata !== '')
      ctx.note(origin, `metadata "${metadata}" of "${entry.id}" was not imported`);
    const suggested = parseJsonCell(
      cell(row, col('suggestedquestions')),
      qnaSuggestionsSchema,
      origin,
      'SuggestedQuestions',
      ctx,
    );
    for (const s of suggested ?? []) {
      const wording = typeof s === 'string' ? s : (s.Question ?? s.clusterHead);
      if (wording)
        ctx.note(
          origin,
          `suggested question "${wording}" for "${entry.id}" was not accepted: review it`,
        );
    }
    if (/^true$/i.test(cell(row, col('iscontextonly'))))
      ctx.note(origin, `"${entry.id}" was only a follow-up there; here it is a topic of its own`);
  });
  for (const [source, count] of sources)
    ctx.note('Source', `"${source}" (${count} rows): sources are not kept`);
}

function parseJsonCell<T>(
  cell: string,
  schema: z.ZodType<T>,
  origin: string,
  column: string,
  ctx: ImportContext,
): T | undefined {
  if (cell === '' || cell === '[]') return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(cell));
    if (parsed.success) return parsed.data;
  } catch {
    // reported below
  }
  ctx.note(origin, `${column} is not the export's JSON list: ignored`);
  return undefined;
}

// The export writes line breaks inside an answer as the two characters "\n".
function unescapeQna(text: string): string {
  return text.replace(/\\r\\n|\\n/g, '\n').replace(/\\t/g, '\t');
}

const textField = z.string().trim();
const listField = z.union([z.string(), z.array(z.string())]).optional();
const jsonTextSchema = z.looseObject({
  question: textField.optional(),
  title: textField.optional(),
  answer: textField.optional(),
  body: textField.optional(),
  alternates: listField,
  questions: listField,
  keywords: listField,
});
const jsonEntrySchema = jsonTextSchema.extend({
  id: z.union([z.string(), z.number()]).optional(),
  language: z.string().optional(),
  lang: z.string().optional(),
  related: listField,
  languages: z.record(z.string(), jsonTextSchema).optional(),
});
const jsonListSchema = z.union([
  z.array(jsonEntrySchema),
  z.looseObject({ entries: z.array(jsonEntrySchema) }).transform((o) => o.entries),
]);

function readJson(ctx: ImportContext, text: string): void {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ImportError(
      `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = jsonListSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImportError(
      `not a list of FAQ entries (${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}); expected [{"question", "answer", …}]`,
    );
  }
  const asList = (v: string | string[] | undefined) =>
    v === undefined ? [] : Array.isArray(v) ? v.map((s) => s.trim()).filter(Boolean) : ctx.list(v);
  parsed.data.forEach((item, i) => {
    const origin = `item ${i + 1}`;
    const known = new Set([
      'id',
      'language',
      'lang',
      'related',
      'languages',
      'question',
      'title',
      'answer',
      'body',
      'alternates',
      'questions',
      'keywords',
    ]);
    for (const key of Object.keys(item))
      if (!known.has(key)) ctx.note(origin, `field "${key}" was not imported`);
    const texts: [string, z.infer<typeof jsonTextSchema>][] = item.languages
      ? Object.entries(item.languages)
      : [[item.language ?? item.lang ?? ctx.defaultLang, item]];
    let key = item.id === undefined ? undefined : String(item.id);
    for (const [rawLang, t] of texts) {
      const lang = normalizeLanguageTag(rawLang);
      if (lang === undefined) {
        ctx.note(origin, `skipped the "${rawLang}" version: not a language tag`);
        continue;
      }
      const entry = ctx.add(
        origin,
        key,
        lang,
        {
          question: t.question ?? t.title ?? '',
          answer: t.answer ?? t.body ?? '',
          alternates: asList(t.alternates ?? t.questions),
          keywords: asList(t.keywords),
        },
        asList(item.related),
      );
      key ??= entry?.id;
    }
  });
}

// A line of an answer shaped like a language heading ("## FAQ: …") would start a new language
// block; one level down it stays a heading of the answer.
function demoteLanguageHeadings(body: string): string {
  return body.replace(/^##(\s+[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\s*:)/gm, '###$1');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
