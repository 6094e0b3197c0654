import type { Knowledge, Section, SectionText } from '../src/knowledge/types.js';
import { seededRandom } from '../test/support/seeded-random.js';
import { sectionText } from '../src/match/localize.js';

const zhSegmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The words of the real knowledge, per language: what synthetic sections are made of. */
export function vocabulary(knowledge: Knowledge): { zh: string[]; en: string[] } {
  const zh = new Set<string>();
  const en = new Set<string>();
  for (const section of knowledge.sections) {
    const zhText = sectionText(section, 'zh-Hans');
    for (const line of [zhText.title, zhText.body, ...zhText.questions]) {
      for (const { segment, isWordLike } of zhSegmenter.segment(line)) {
        if (isWordLike && /^\p{Script=Han}{2,4}$/u.test(segment)) zh.add(segment);
      }
    }
    const enText = sectionText(section, 'en');
    for (const line of [enText.title, enText.body, ...enText.questions]) {
      for (const word of line.toLowerCase().match(/[a-z]{4,}/g) ?? []) en.add(word);
    }
  }
  return { zh: [...zh].sort(), en: [...en].sort() };
}

export interface SyntheticSet {
  knowledge: Knowledge;
  /** One unseen question per section (every tenth language alternating), with its section id. */
  probes: { question: string; id: string }[];
}

/**
 * Generates `count` sections from the real vocabulary: each has a topic of four words per
 * language, a title, four alternate questions per language and a short body. The probe question
 * of a section uses its topic words in a new order with other words around them, as a person
 * asking in their own words would.
 */
export function syntheticKnowledge(base: Knowledge, count: number, seed = 42): SyntheticSet {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const sample = (items: readonly string[], n: number) =>
    Array.from({ length: n }, () => pick(items));
  const shuffle = <T>(items: T[]): T[] => items.sort(() => random() - 0.5);
  const words = vocabulary(base);
  const zhAsk = ['是什么', '怎么办', '能不能用', '有什么区别', '怎么设置', '安全吗'];
  const enAsk = [
    'what is',
    'how do i use',
    'can i change',
    'is it safe to use',
    'how to set up',
    'why does',
  ];

  const sections: Section[] = [];
  const probes: { question: string; id: string }[] = [];
  for (let i = 0; i < count; i++) {
    const id = `syn-${i}`;
    const zhTopic = sample(words.zh, 4);
    const enTopic = sample(words.en, 4);
    const text = (
      topic: string[],
      ask: string[],
      join: string,
      lang: 'zh' | 'en',
    ): SectionText => ({
      title: topic.slice(0, 3).join(join),
      body: [...topic, ...sample(lang === 'zh' ? words.zh : words.en, 30)].join(join),
      questions: Array.from({ length: 4 }, (_, q) =>
        lang === 'zh'
          ? `${shuffle([...topic])
              .slice(0, 3)
              .join('')}${ask[q % ask.length]}`
          : `${ask[q % ask.length]} ${shuffle([...topic])
              .slice(0, 3)
              .join(' ')}`,
      ),
      keywords: topic.slice(0, 2),
    });
    sections.push({
      id,
      file: `${id}.md`,
      langs: ['zh-Hans', 'en'],
      related: [],
      text: { 'zh-Hans': text(zhTopic, zhAsk, '', 'zh'), en: text(enTopic, enAsk, ' ', 'en') },
    });
    const zhProbe = `请问${shuffle([...zhTopic])
      .slice(0, 3)
      .join('')}${pick(zhAsk)}`;
    const enProbe = `${pick(enAsk)} ${shuffle([...enTopic])
      .slice(0, 3)
      .join(' ')} please`;
    probes.push({ question: i % 2 === 0 ? zhProbe : enProbe, id });
  }
  return { knowledge: { sections, synonyms: base.synonyms, languages: base.languages }, probes };
}
