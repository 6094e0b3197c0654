import { yaml } from './yaml-library.js';
import type { ImportedEntry } from './import-faq.js';

/**
 * The text of a section file for one entry, in the format the loader reads: front matter (id,
 * related, keywords, questions per language), then one `## <lang>: <title>` block per language.
 */
export function renderSectionFile(entry: ImportedEntry): string {
  const langs = [...entry.texts.keys()];
  const front: Record<string, unknown> = { id: entry.id };
  if (entry.related.length > 0) front.related = entry.related;
  const keywords = Object.fromEntries(
    langs.flatMap((lang) => {
      const list = entry.texts.get(lang)?.keywords ?? [];
      return list.length > 0 ? [[lang, list]] : [];
    }),
  );
  if (Object.keys(keywords).length > 0) front.keywords = keywords;
  front.questions = Object.fromEntries(
    langs.map((lang) => [lang, entry.texts.get(lang)?.questions ?? []]),
  );
  const blocks = langs.map((lang) => {
    const text = entry.texts.get(lang);
    return `## ${lang}: ${text?.title ?? ''}\n\n${text?.body ?? ''}\n`;
  });
  return `---\n${yaml().stringify(front, { lineWidth: 0 })}---\n\n${blocks.join('\n')}`;
}

/**
 * The file name of the `index`-th of `total` entries: a zero-padded number keeps the topic
 * order of the source, the id says what it is ("007-what-is-an-esim.md").
 */
export function sectionFileName(entry: ImportedEntry, index: number, total: number): string {
  const width = Math.max(2, String(total).length);
  return `${String(index + 1).padStart(width, '0')}-${entry.id}.md`;
}

/** `knowledge.yaml` declaring `languages`, the first one the default. */
export function renderKnowledgeConfig(languages: readonly string[], fallback: string): string {
  return [
    '# The languages the sections are written in; each section may have any of them.',
    yaml()
      .stringify({ languages: [...languages], default: fallback }, { lineWidth: 0 })
      .trimEnd(),
    '',
  ].join('\n');
}
