import { yaml } from './yaml-library.js';
import { plainValue } from './yaml-value.js';
import type { z } from 'zod';
import { reasons, type KnowledgeProblem } from './errors.js';
import { sectionFrontMatterSchema } from './schema.js';
import { bilingualLanguages, normalizeLanguageTag, type KnowledgeLanguages } from './languages.js';
import { idFromFileName } from './section-id.js';
import type { Section, SectionLang, SectionText } from './types.js';

/** A `related` entry as written, with its line, for the folder-wide check of the ids. */
export interface RelatedRef {
  id: string;
  line: number | undefined;
}

/** The result of parsing one file: a section, or every problem found in it. */
export type ParseResult =
  | { ok: true; section: Section; relatedRefs: RelatedRef[] }
  | { ok: false; problems: KnowledgeProblem[] };

const FENCE = /^---\s*$/;
// A language heading: "## zh-Hans: 标题". Anything shaped like a language tag counts, so that a
// misspelt tag is reported instead of silently becoming part of the previous body.
const LANG_HEADING = /^##\s+([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\s*:(.*)$/;

interface Block {
  lang: string;
  title: string;
  line: number;
  bodyLines: string[];
}

/**
 * Parses one section file: YAML front matter (optional id, keywords, questions, related)
 * followed by one `## <lang>: <title>` block per language it is written in, each one the
 * knowledge declares. Pure: the caller reads the file.
 */
export function parseSection(
  file: string,
  source: string,
  languages: KnowledgeLanguages = bilingualLanguages,
): ParseResult {
  const problems: KnowledgeProblem[] = [];
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!FENCE.test(lines[0] ?? '')) {
    return { ok: false, problems: [{ file, line: 1, reason: reasons.noFrontMatter }] };
  }
  const close = lines.findIndex((line, i) => i > 0 && FENCE.test(line));
  if (close < 0) {
    return { ok: false, problems: [{ file, line: 1, reason: reasons.unclosedFrontMatter }] };
  }

  // The body is checked even when the front matter is broken, so one check lists every problem.
  const front = parseFrontMatter(file, lines.slice(1, close).join('\n'), 2);
  if (!front.ok) problems.push(...front.problems);
  const id = (front.ok ? front.value.id : front.id) ?? idFromFileName(file);
  const at = (line: number | undefined, reason: string): KnowledgeProblem => {
    const problem: KnowledgeProblem = { file, reason };
    if (line !== undefined) problem.line = line;
    problem.section = id;
    return problem;
  };

  const blocks: Block[] = [];
  for (let i = close + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heading = LANG_HEADING.exec(line);
    if (heading) {
      blocks.push({
        lang: heading[1] ?? '',
        title: (heading[2] ?? '').trim(),
        line: i + 1,
        bodyLines: [],
      });
    } else if (blocks.length > 0) {
      blocks[blocks.length - 1]?.bodyLines.push(line);
    } else if (line.trim() !== '') {
      problems.push(at(i + 1, reasons.textBeforeFirstHeading));
    }
  }

  const allowed = writableLanguages(languages);
  // The front matter's language keys, canonical, with the line of each for problems.
  const questions = front.ok ? byLanguage(front.value.questions) : new Map<string, string[]>();
  const keywords = front.ok ? byLanguage(front.value.keywords ?? {}) : new Map<string, string[]>();
  if (front.ok) {
    for (const [key, lang] of [
      ...Object.keys(front.value.questions).map((k) => ['questions', k] as const),
      ...Object.keys(front.value.keywords ?? {}).map((k) => ['keywords', k] as const),
    ]) {
      const canonical = normalizeLanguageTag(lang);
      if (canonical === undefined || !allowed.includes(canonical))
        problems.push(
          at(
            front.lineOfKey([key, lang]),
            reasons.schema(`${key}.${lang}`, reasons.undeclaredLanguage(lang, languages.declared)),
          ),
        );
    }
  }

  const texts: Partial<Record<SectionLang, SectionText>> = {};
  const langs: SectionLang[] = [];
  for (const block of blocks) {
    const lang = normalizeLanguageTag(block.lang);
    if (lang === undefined || !allowed.includes(lang)) {
      problems.push(at(block.line, reasons.unknownLanguage(block.lang, languages.declared)));
      continue;
    }
    if (texts[lang]) {
      problems.push(at(block.line, reasons.duplicateLanguage(lang)));
      continue;
    }
    const body = block.bodyLines.join('\n').trim();
    if (block.title === '') problems.push(at(block.line, reasons.emptyTitle(lang)));
    if (body === '') problems.push(at(block.line, reasons.emptyBody(lang)));
    // Traditional Chinese may reuse the Simplified wordings: the matcher reads both as one.
    const own = questions.get(lang);
    if (front.ok && own === undefined && !(lang === 'zh-Hant' && questions.has('zh-Hans')))
      problems.push(
        at(
          front.lineOfKey(['questions']),
          reasons.schema(`questions.${lang}`, 'is missing: add a list of questions'),
        ),
      );
    texts[lang] = {
      title: block.title,
      body,
      questions: own ?? [],
      keywords: keywords.get(lang) ?? [],
    };
    langs.push(lang);
  }
  if (front.ok) {
    for (const lang of questions.keys()) {
      // In a complete knowledge base the missing block is reported as such, below.
      if (allowed.includes(lang) && !texts[lang] && blocks.length > 0 && !languages.complete)
        problems.push(
          at(front.lineOfKey(['questions', lang]), reasons.questionsWithoutBlock(lang)),
        );
    }
  }
  if (blocks.length === 0 && problems.length === 0) problems.push(at(undefined, reasons.noBlocks));
  if (languages.complete) {
    for (const lang of languages.declared) {
      if (!texts[lang]) problems.push(at(undefined, reasons.missingLanguage(lang)));
    }
  }

  if (problems.length > 0 || !front.ok || langs.length === 0) return { ok: false, problems };
  const relatedRefs = (front.value.related ?? []).map((ref, i) => ({
    id: ref,
    line: front.lineOfKey(['related', i]),
  }));
  return {
    ok: true,
    section: {
      id,
      file,
      langs,
      text: texts,
      related: [...new Set(relatedRefs.map((r) => r.id))],
      ...(front.value.sources ? { sources: front.value.sources } : {}),
    },
    relatedRefs,
  };
}

/**
 * The languages a block may be written in: the declared ones, and Traditional Chinese wherever
 * Simplified is declared (otherwise converted from it, a written block takes precedence).
 */
export function writableLanguages(languages: KnowledgeLanguages): readonly string[] {
  return languages.declared.includes('zh-Hans') && !languages.declared.includes('zh-Hant')
    ? [...languages.declared, 'zh-Hant']
    : languages.declared;
}

function byLanguage(record: Readonly<Record<string, string[]>>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, list] of Object.entries(record)) {
    const lang = normalizeLanguageTag(key);
    if (lang !== undefined) map.set(lang, [...(map.get(lang) ?? []), ...list]);
  }
  return map;
}

type FrontMatter = z.infer<typeof sectionFrontMatterSchema>;

function parseFrontMatter(
  file: string,
  yamlText: string,
  firstLine: number,
):
  | { ok: true; value: FrontMatter; lineOfKey: (path: (string | number)[]) => number | undefined }
  | { ok: false; problems: KnowledgeProblem[]; id: string | undefined } {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(yamlText, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line + firstLine - 1;
  if (doc.errors.length > 0) {
    return {
      ok: false,
      id: undefined,
      problems: doc.errors.map((error) => ({
        file,
        line: lineOf(error.pos[0]),
        reason: reasons.yaml(error.message.split('\n')[0] ?? error.code),
      })),
    };
  }
  const converted = plainValue(doc);
  if (!converted.ok)
    return {
      ok: false,
      id: undefined,
      problems: [{ file, line: firstLine, reason: reasons.yaml(converted.reason) }],
    };
  const raw = converted.value;
  const parsed = sectionFrontMatterSchema.safeParse(raw);
  if (parsed.success) {
    // The line of a key itself (not of its value, which may start on the next line), or of a
    // list item.
    const lineOfKey = (keyPath: (string | number)[]) => {
      const parent = keyPath.length === 1 ? doc.contents : doc.getIn(keyPath.slice(0, -1), true);
      const last = keyPath[keyPath.length - 1];
      let offset: number | undefined;
      if (yaml().isMap(parent)) {
        const pair = parent.items.find((p) => yaml().isScalar(p.key) && p.key.value === last);
        if (pair && yaml().isScalar(pair.key)) offset = pair.key.range?.[0];
      } else if (yaml().isSeq(parent) && typeof last === 'number') {
        const item = parent.items[last];
        if (yaml().isNode(item)) offset = item.range?.[0];
      }
      offset ??= findKeyOffset(yamlText, keyPath);
      return offset === undefined ? undefined : lineOf(offset);
    };
    return { ok: true, value: parsed.data, lineOfKey };
  }

  const section =
    raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string'
      ? raw.id
      : undefined;
  return {
    ok: false,
    id: section,
    problems: parsed.error.issues.map((issue) => {
      // Unknown keys are reported on their parent; point at the key itself when there is one.
      const keyPath =
        issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
      const node = doc.getIn(keyPath as (string | number)[], true) as
        { range?: [number, number] } | undefined;
      const parentNode = doc.getIn(issue.path.slice(0, -1) as (string | number)[], true) as
        { range?: [number, number] } | undefined;
      const offset = node?.range?.[0] ?? findKeyOffset(yamlText, keyPath) ?? parentNode?.range?.[0];
      const problem: KnowledgeProblem = {
        file,
        reason: reasons.schema(issue.path.join('.'), describeIssue(issue)),
      };
      if (offset !== undefined) problem.line = lineOf(offset);
      if (section !== undefined) problem.section = section;
      return problem;
    }),
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return issue.message;
}

// A scalar's node has a range but a key of a mapping does not; find `key:` textually instead.
function findKeyOffset(yamlText: string, path: readonly PropertyKey[]): number | undefined {
  const key = path[path.length - 1];
  if (typeof key !== 'string' || key === '') return undefined;
  const match = new RegExp(
    `^\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`,
    'm',
  ).exec(yamlText);
  return match?.index;
}
