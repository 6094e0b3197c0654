import type { Knowledge, Lang } from '../knowledge/types.js';
import { toSimplified, toTraditional } from '../match/chinese.js';
import { sectionText } from '../match/localize.js';
import type { BotContext } from './context.js';
import { repliesFor } from './replies.js';

/**
 * The greeting for the sender of `ctx`, in `lang`: what the knowledge covers and a question to
 * try. `/start`, a "hi" and a "who are you" all get it.
 */
export function greetingText(ctx: BotContext, knowledge: Knowledge, lang: Lang): string {
  return repliesFor(lang).welcome(
    ctx.from?.first_name ?? '',
    aboutPhrase(knowledge, lang),
    exampleQuestion(knowledge, lang),
  );
}

/**
 * What the knowledge covers, in the asker's language (`about` in `knowledge.yaml`; the other
 * Chinese script converted), or undefined: a phrase in another language would not fit the
 * sentence around it.
 */
function aboutPhrase(knowledge: Knowledge, lang: Lang): string | undefined {
  const { about } = knowledge.languages;
  const own = about[lang];
  if (own !== undefined) return own;
  if (lang === 'zh-Hant' && about['zh-Hans'] !== undefined) return toTraditional(about['zh-Hans']);
  if (lang === 'zh-Hans' && about['zh-Hant'] !== undefined) return toSimplified(about['zh-Hant']);
  return undefined;
}

/**
 * A question the knowledge answers, to show how to ask: the first section's title (titles are
 * written as the question they answer), in the asker's language when the section has it.
 */
export function exampleQuestion(knowledge: Knowledge, lang: Lang): string {
  const first = knowledge.sections[0];
  return first ? sectionText(first, lang, knowledge.languages.fallback).title : '';
}
