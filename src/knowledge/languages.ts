import { z } from 'zod';

// Every section names its languages, so a load of 10,000 sections asks for the same few tags
// tens of thousands of times; Intl.getCanonicalLocales takes tens of microseconds each. The
// cache stops growing at its cap, so hostile files with endless distinct tags cannot grow it.
const canonicalTags = new Map<string, string | undefined>();
const CANONICAL_TAGS_CAP = 256;

/** The canonical form of a BCP-47 tag ("zh-hans" → "zh-Hans"), or undefined for anything else. */
export function normalizeLanguageTag(tag: string): string | undefined {
  if (canonicalTags.has(tag)) return canonicalTags.get(tag);
  const canonical = canonicalTag(tag);
  if (canonicalTags.size < CANONICAL_TAGS_CAP) canonicalTags.set(tag, canonical);
  return canonical;
}

function canonicalTag(tag: string): string | undefined {
  const trimmed = tag.trim().replace(/_/g, '-');
  if (!/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/.test(trimmed)) return undefined;
  try {
    return Intl.getCanonicalLocales(trimmed)[0];
  } catch {
    return undefined;
  }
}

/** The knowledge base's own settings file, beside the sections. */
export const KNOWLEDGE_CONFIG_FILE = 'knowledge.yaml';

const languageTag = z
  .string({ error: 'must be a language tag such as en or zh-Hans' })
  .transform((tag, ctx) => {
    const canonical = normalizeLanguageTag(tag);
    if (canonical === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${tag}" is not a BCP-47 language tag` });
      return z.NEVER;
    }
    return canonical;
  });

/**
 * `knowledge.yaml`: the languages the sections are written in and the one an answer falls
 * back to. Strict, like the front matter: an unknown key is a typo.
 */
export const knowledgeConfigSchema = z
  .strictObject(
    {
      languages: z
        .array(languageTag, { error: 'languages must be a list of language tags' })
        .min(1, 'languages must list at least one language'),
      default: languageTag.optional(),
      /** Every section must be written in every language (a bilingual base kept complete). */
      every_section_in_every_language: z.boolean().default(false),
      /**
       * What the bot answers about, per language, for its greeting ("I answer questions about
       * …"): the same engine serves any FAQ, so the knowledge says what it covers.
       */
      about: z
        .record(
          languageTag,
          z
            .string({ error: 'about must map a language to a short phrase' })
            .trim()
            .min(1, 'about must not be empty')
            .max(200, 'about must be at most 200 characters'),
          { error: 'about must map languages to short phrases, such as en: SIM cards and eSIM' },
        )
        .optional(),
    },
    { error: 'knowledge.yaml must be a mapping with languages and default' },
  )
  .superRefine((config, ctx) => {
    if (new Set(config.languages).size !== config.languages.length)
      ctx.addIssue({ code: 'custom', path: ['languages'], message: 'a language is listed twice' });
    for (const lang of Object.keys(config.about ?? {}))
      if (!config.languages.includes(lang))
        ctx.addIssue({
          code: 'custom',
          path: ['about', lang],
          message: `the language "${lang}" is not among the languages (${config.languages.join(', ')})`,
        });
    if (config.default !== undefined && !config.languages.includes(config.default))
      ctx.addIssue({
        code: 'custom',
        path: ['default'],
        message: `the default "${config.default}" is not among the languages (${config.languages.join(', ')})`,
      });
  });

/** The languages of a knowledge base, as the loader and the bot use them. */
export interface KnowledgeLanguages {
  /** Every language a section may be written in, in the order declared. */
  declared: readonly string[];
  /** The language an answer is given in when the section lacks the asker's. */
  fallback: string;
  /** Whether a section missing any declared language is an error. */
  complete: boolean;
  /** What the knowledge covers, per language, for the bot's greeting; may be empty. */
  about: Readonly<Record<string, string>>;
}

/**
 * A folder without `knowledge.yaml` is the original bilingual layout: Simplified Chinese and
 * English in every section, Chinese first.
 */
export const bilingualLanguages: KnowledgeLanguages = Object.freeze({
  declared: Object.freeze(['zh-Hans', 'en']),
  fallback: 'zh-Hans',
  complete: true,
  about: Object.freeze({}),
});

/** Reads a validated config into the loader's terms. */
export function languagesOf(config: z.infer<typeof knowledgeConfigSchema>): KnowledgeLanguages {
  return {
    declared: config.languages,
    fallback: config.default ?? (config.languages[0] as string),
    complete: config.every_section_in_every_language,
    about: config.about ?? {},
  };
}
