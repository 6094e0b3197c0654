import { z } from 'zod';
import { SECTION_ID_MAX, SECTION_ID_PATTERN } from './section-id.js';

const text = z.string({ error: 'must be text' }).trim().min(1, 'must not be empty');
const textList = (what: string) =>
  z
    .array(text, {
      error: (issue) =>
        issue.input === undefined
          ? `is missing: add a list of ${what}`
          : `${what} must be a list of text lines`,
    })
    .max(200, `too many ${what}`);

// Keyed by language tag; which tags are allowed is the knowledge's declaration, checked by the
// parser with the line of the offending key.
const perLanguage = <T extends z.ZodType>(item: T) =>
  z.record(z.string(), item, {
    error: (issue) =>
      issue.input === undefined
        ? 'is missing: add a list of questions per language (zh-Hans:, en:, …)'
        : 'must map each language to a list',
  });

// A source is a web address (http or https only, so a link under an answer cannot run script)
// or the name of a document that is not on the web, such as "GSMA SGP.22".
const source = text
  .max(300, 'a source must be at most 300 characters')
  .refine((value) => !/^[a-z][a-z0-9+.-]*:/i.test(value) || isWebAddress(value), {
    error: 'a source must be an http(s) address or the name of a document',
  });

function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The front matter of a section file. Strict: an unknown key is a typo the editor must see. */
export const sectionFrontMatterSchema = z.strictObject(
  {
    // Optional: a section without one is addressed by an id derived from its file name.
    id: z
      .string({ error: 'id must be text' })
      // Deep links carry the id as the /start payload, which allows only these characters.
      .regex(SECTION_ID_PATTERN, 'id must be lower-case letters and digits joined by "-"')
      // Leaves room for the "s:e:" button prefix within Telegram's 64-byte callback data.
      .max(SECTION_ID_MAX, `id must be at most ${SECTION_ID_MAX} characters`)
      .optional(),
    keywords: perLanguage(textList('keywords')).optional(),
    questions: perLanguage(textList('questions').min(1, 'needs at least one question')),
    /** Where the facts were checked: web addresses or document names, shown under the answer. */
    sources: z
      .array(source, { error: 'sources must be a list of web addresses or document names' })
      .min(1, 'sources must list at least one source (or leave the key out)')
      .max(20, 'too many sources (at most 20)')
      .optional(),
    /** Sections offered as follow-ups under this one's answer. */
    related: z
      .array(z.string({ error: 'each related entry must be a section id' }).trim().min(1), {
        error: 'related must be a list of section ids',
      })
      .max(20, 'at most 20 related sections')
      .optional(),
  },
  { error: 'the front matter must be a mapping with id, keywords, questions and sources' },
);

export type SectionFrontMatter = z.infer<typeof sectionFrontMatterSchema>;

/** `synonyms.yaml`: a list of groups, each a list of two or more terms. */
export const synonymsSchema = z.array(
  z.array(text, { error: 'each group must be a list of terms' }).min(2, 'a group needs two terms'),
  { error: 'synonyms.yaml must be a list of groups' },
);
