import { z } from 'zod';

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

const perLanguage = <T extends z.ZodType>(item: T) =>
  z.strictObject(
    { 'zh-Hans': item, en: item },
    {
      error: (issue) =>
        issue.input === undefined
          ? 'is missing: add "zh-Hans" and "en" lists'
          : 'must have a "zh-Hans" list and an "en" list',
    },
  );

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
    id: z
      .string({ error: 'id is required' })
      // Deep links carry the id as the /start payload, which allows only these characters.
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'id must be lower-case letters and digits joined by "-"')
      // Leaves room for the "s:e:" button prefix within Telegram's 64-byte callback data.
      .max(60, 'id must be at most 60 characters'),
    keywords: perLanguage(textList('keywords')).optional(),
    questions: perLanguage(textList('questions').min(1, 'needs at least one question')),
    /** Where the facts were checked: web addresses or document names, shown under the answer. */
    sources: z
      .array(source, { error: 'sources must be a list of web addresses or document names' })
      .min(1, 'sources must list at least one source (or leave the key out)')
      .max(20, 'too many sources (at most 20)')
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
