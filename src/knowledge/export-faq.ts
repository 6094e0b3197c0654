import { stringify } from 'csv-stringify/sync';
import type { Knowledge } from './types.js';

/** The formats the knowledge can be exported to. */
export const EXPORT_FORMATS = ['csv', 'tsv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One language of one section as a table row: the columns the importer reads by default. */
export interface ExportRow {
  id: string;
  language: string;
  question: string;
  answer: string;
  /** One per line, as the importer splits them. */
  alternates: string;
  keywords: string;
  /** Ids separated by spaces. */
  related: string;
}

const COLUMNS = [
  'id',
  'language',
  'question',
  'answer',
  'alternates',
  'keywords',
  'related',
] as const;

/** Every section in every language it is written in, in topic order. */
export function exportRows(knowledge: Knowledge): ExportRow[] {
  return knowledge.sections.flatMap((section) =>
    section.langs.map((language) => {
      const text = section.text[language];
      return {
        id: section.id,
        language,
        question: text?.title ?? '',
        answer: text?.body ?? '',
        alternates: (text?.questions ?? []).join('\n'),
        keywords: (text?.keywords ?? []).join('\n'),
        related: section.related.join(' '),
      };
    }),
  );
}

/**
 * The knowledge as a file the importer reads back to the same sections: CSV or TSV with a
 * header (cells quoted where needed), or JSON with one object per section and its languages.
 */
export function exportKnowledge(knowledge: Knowledge, format: ExportFormat): string {
  if (format === 'json') {
    const sections = knowledge.sections.map((section) => ({
      id: section.id,
      ...(section.related.length > 0 ? { related: section.related } : {}),
      languages: Object.fromEntries(
        section.langs.map((lang) => {
          const text = section.text[lang];
          return [
            lang,
            {
              question: text?.title ?? '',
              answer: text?.body ?? '',
              alternates: text?.questions ?? [],
              ...(text && text.keywords.length > 0 ? { keywords: text.keywords } : {}),
            },
          ];
        }),
      ),
    }));
    return `${JSON.stringify(sections, null, 2)}\n`;
  }
  return stringify(exportRows(knowledge), {
    header: true,
    columns: [...COLUMNS],
    delimiter: format === 'tsv' ? '\t' : ',',
    record_delimiter: 'unix',
  });
}
