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
    /** Sections offered as follow-ups under this one's answer. */
    related: z
      .array(z.string({ error: 'each related entry must be a section id' }).trim().min(1), {
        error: 'related must be a list of section ids',
      })
      .max(20, 'at most 20 related sections')
      .optional(),
  },
  { error: 'the front matter must be a mapping with id, keywords and questions' },
);

export type SectionFrontMatter = z.infer<typeof sectionFrontMatterSchema>;

/** `synonyms.yaml`: a list of groups, each a list of two or more terms. */
export const synonymsSchema = z.array(
  z.array(text, { error: 'each group must be a list of terms' }).min(2, 'a group needs two terms'),
  { error: 'synonyms.yaml must be a list of groups' },
);
