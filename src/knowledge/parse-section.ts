import { LineCounter, parseDocument } from 'yaml';
import { plainValue } from './yaml-value.js';
import type { z } from 'zod';
import { reasons, type KnowledgeProblem } from './errors.js';
import { sectionFrontMatterSchema } from './schema.js';
import { SECTION_LANGS, type Section, type SectionLang, type SectionText } from './types.js';

/** The result of parsing one file: a section, or every problem found in it. */
export type ParseResult =
  { ok: true; section: Section } | { ok: false; problems: KnowledgeProblem[] };

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
 * Parses one section file: YAML front matter (id, keywords, questions) followed by one
 * `## <lang>: <title>` block per language. Pure: the caller reads the file.
 */
export function parseSection(file: string, source: string): ParseResult {
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
  const id = front.ok ? front.value.id : front.id;
  const at = (line: number | undefined, reason: string): KnowledgeProblem => {
    const problem: KnowledgeProblem = { file, reason };
    if (line !== undefined) problem.line = line;
    if (id !== undefined) problem.section = id;
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

  const texts: Partial<Record<SectionLang, SectionText>> = {};
  for (const block of blocks) {
    if (!isSectionLang(block.lang)) {
      problems.push(at(block.line, reasons.unknownLanguage(block.lang, SECTION_LANGS)));
      continue;
    }
    if (texts[block.lang]) {
      problems.push(at(block.line, reasons.duplicateLanguage(block.lang)));
      continue;
    }
    const body = block.bodyLines.join('\n').trim();
    if (block.title === '') problems.push(at(block.line, reasons.emptyTitle(block.lang)));
    if (body === '') problems.push(at(block.line, reasons.emptyBody(block.lang)));
    texts[block.lang] = {
      title: block.title,
      body,
      questions: front.ok ? front.value.questions[block.lang] : [],
      keywords: (front.ok ? front.value.keywords?.[block.lang] : undefined) ?? [],
    };
  }
  for (const lang of SECTION_LANGS) {
    if (!texts[lang]) problems.push(at(undefined, reasons.missingLanguage(lang)));
  }

  const zh = texts['zh-Hans'];
  const en = texts.en;
  if (problems.length > 0 || !zh || !en || !front.ok) return { ok: false, problems };
  return { ok: true, section: { id: front.value.id, file, text: { 'zh-Hans': zh, en } } };
}

function isSectionLang(lang: string): lang is SectionLang {
  return (SECTION_LANGS as readonly string[]).includes(lang);
}

type FrontMatter = z.infer<typeof sectionFrontMatterSchema>;

function parseFrontMatter(
  file: string,
  yamlText: string,
  firstLine: number,
):
  | { ok: true; value: FrontMatter }
  | { ok: false; problems: KnowledgeProblem[]; id: string | undefined } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
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
  if (parsed.success) return { ok: true, value: parsed.data };

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
