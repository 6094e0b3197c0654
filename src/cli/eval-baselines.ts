/**
 * The two reference systems `npm run eval` measures beside the matcher, on the same knowledge
 * and questions: Fuse.js with its default options, and BM25 (MiniSearch, default options).
 * Both index each section's title, alternate questions and body, one index per stored
 * language, and answer with their top hit; the language is told apart by Han characters.
 */
import Fuse from 'fuse.js';
import MiniSearch from 'minisearch';
import type { Knowledge, SectionLang } from '../knowledge/types.js';
import type { RankedAnswer } from '../match/question-set.js';

/** A reference system: built once, then asked each question. */
export interface Baseline {
  name: string;
  ask(question: string): RankedAnswer;
}

interface Doc {
  n: number;
  id: string;
  title: string;
  questions: string;
  body: string;
}

const HAN = /\p{Script=Han}/u;
const slotOf = (question: string): SectionLang => (HAN.test(question) ? 'zh-Hans' : 'en');

// The two slots a question is told into; a section lacking one is indexed in its first language.
const SLOTS: readonly SectionLang[] = ['zh-Hans', 'en'];

function docs(knowledge: Knowledge, lang: SectionLang): Doc[] {
  return knowledge.sections.map((section, n) => {
    const text = section.text[lang] ?? section.text[section.langs[0] ?? lang];
    return {
      n,
      id: section.id,
      title: text?.title ?? '',
      questions: text?.questions.join('\n') ?? '',
      body: text?.body ?? '',
    };
  });
}

const FIELDS = ['title', 'questions', 'body'];

/** Fuse.js, default options; its score (0 best) is turned into 1 − score. */
export function fuseBaseline(knowledge: Knowledge): Baseline {
  const byLang = new Map(
    SLOTS.map((lang) => [
      lang,
      new Fuse(docs(knowledge, lang), { keys: FIELDS, includeScore: true }),
    ]),
  );
  return {
    name: 'Fuse.js defaults',
    ask(question) {
      const hit = byLang.get(slotOf(question))?.search(question, { limit: 1 })[0];
      return {
        best: hit?.item.id,
        score: hit ? 1 - (hit.score ?? 1) : -Infinity,
        lang: lang(question),
      };
    },
  };
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** MiniSearch's BM25, default options; Chinese is cut into words by Intl.Segmenter. */
export function bm25Baseline(knowledge: Knowledge): Baseline {
  const defaultTokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];
  const tokenize = (text: string) =>
    HAN.test(text)
      ? [...segmenter.segment(text)].filter((s) => s.isWordLike).map((s) => s.segment)
      : defaultTokenize(text);
  const byLang = new Map(
    SLOTS.map((lang) => {
      const search = new MiniSearch<Doc>({
        fields: FIELDS,
        idField: 'n',
        tokenize,
      });
      search.addAll(docs(knowledge, lang));
      return [lang, search];
    }),
  );
  return {
    name: 'BM25 (MiniSearch)',
    ask(question) {
      const hit = byLang.get(slotOf(question))?.search(question)[0];
      return {
        best: hit ? knowledge.sections[hit.id as number]?.id : undefined,
        score: hit?.score ?? -Infinity,
        lang: lang(question),
      };
    },
  };
}

// The baselines tell languages apart by a trivial rule; they never answer in zh-Hant.
function lang(question: string): string {
  return slotOf(question);
}
