/** Where a knowledge problem is, as precisely as it is known. */
export interface KnowledgeProblem {
  file: string;
  line?: number;
  section?: string;
  reason: string;
}

/** Renders a problem as one line an editor can act on: `file:line [section] reason`. */
export function formatProblem(problem: KnowledgeProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  const section = problem.section === undefined ? '' : ` [${problem.section}]`;
  return `${where}${section}: ${problem.reason}`;
}

/**
 * Thrown when the knowledge folder cannot be used as a whole. It carries every problem found,
 * not only the first, so that one edit-check round fixes them all.
 */
export class KnowledgeError extends Error {
  override readonly name = 'KnowledgeError';

  constructor(readonly problems: readonly KnowledgeProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** Every reason text the loader gives, in one place so that tests assert the same words. */
export const reasons = {
  noFrontMatter: 'the file must start with a front matter block between two "---" lines',
  unclosedFrontMatter: 'the front matter block is not closed by a "---" line',
  yaml: (detail: string) => `the front matter is not valid YAML: ${detail}`,
  synonymsYaml: (detail: string) => `not valid YAML: ${detail}`,
  schema: (path: string, detail: string) => (path ? `${path}: ${detail}` : detail),
  unknownLanguage: (lang: string, allowed: readonly string[]) =>
    `unknown language "${lang}" in a "## <lang>: <title>" heading (use ${allowed.join(' or ')}, or declare it in knowledge.yaml)`,
  undeclaredLanguage: (lang: string, allowed: readonly string[]) =>
    `"${lang}" is not a language of this knowledge (use ${allowed.join(' or ')}, or declare it in knowledge.yaml)`,
  questionsWithoutBlock: (lang: string) =>
    `questions.${lang} has no "## ${lang}: <title>" block to answer with: add one or remove the list`,
  noBlocks: 'the section has no "## <lang>: <title>" block: add one per language it is written in',
  unknownRelated: (id: string) =>
    `related: no section has the id or file name "${id}" (a section's id is the one in its front matter, else its file name without the number)`,
  relatedSelf: 'related: a section cannot be its own follow-up',
  configYaml: (detail: string) => `not valid YAML: ${detail}`,
  duplicateLanguage: (lang: string) => `the language "${lang}" has two "## ${lang}: …" blocks`,
  missingLanguage: (lang: string) =>
    `missing the "${lang}" version: add a "## ${lang}: <title>" heading followed by its text`,
  emptyBody: (lang: string) => `the "${lang}" body is empty`,
  emptyTitle: (lang: string) => `the "${lang}" heading has no title after the colon`,
  textBeforeFirstHeading:
    'text before the first "## <lang>: <title>" heading belongs to no language',
  missingQuestions: (lang: string) =>
    `no alternate questions for "${lang}": list them under questions.${lang}`,
  duplicateId: (id: string, otherFile: string) => `the id "${id}" is already used by ${otherFile}`,
  notUtf8: 'the file is not valid UTF-8 text (save it as UTF-8)',
  tooLarge: (bytes: number, limit: number) =>
    `the file is ${bytes} bytes, over the ${limit}-byte limit for one knowledge file`,
  outsideFolder: 'the file is a link that points outside the knowledge folder',
  notAFile: 'not a regular file',
  unreadable: (detail: string) => `cannot be read: ${detail}`,
  noSections: 'the folder has no section files (*.md)',
  folderUnreadable: (detail: string) => `the knowledge folder cannot be read: ${detail}`,
  lengthImbalance: (chineseUnits: number, englishWords: number, longer: 'en' | 'zh-Hans') =>
    `the "zh-Hans" body (${chineseUnits} characters) and the "en" body (${englishWords} words) ` +
    `differ a lot in length: check that the "${longer === 'en' ? 'zh-Hans' : 'en'}" version is up to date`,
  listCountDiffers: (zhItems: number, enItems: number) =>
    `the "zh-Hans" body has ${zhItems} list item${zhItems === 1 ? '' : 's'} and the "en" body ` +
    `${enItems}: check that both versions say the same`,
} as const;
