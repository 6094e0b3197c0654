import { Composer } from 'grammy';
import type { Section } from '../../knowledge/types.js';
import type { KnowledgeSnapshot } from '../../knowledge-store.js';
import { inProcessMatcher } from '../../match-thread/thread-matcher.js';
import { parseShowSectionData, showSectionData, type ReplyButton } from '../answer.js';
import { noneOfTheseData, questionOfMessage } from '../callback-marks.js';
import { userLang, type BotContext } from '../context.js';
import { nowOf, type BotDeps } from '../deps.js';
import { repliesFor } from '../replies.js';
import { sendHtmlMessages } from '../send.js';
import { sectionText } from '../../match/localize.js';

/** Sections offered after a 👎: the matcher's nearest, then the topic list's first. */
const PICK_CHOICES = 6;
// Questions already offered a pick in this process; a second 👎 press does not ask again.
const PROMPTED_LIMIT = 10_000;

/**
 * The learning loop's ears. A section button pressed under an answer (one of the matcher's
 * alternatives), or picked from the topics offered after 👎, tells which section answers the
 * question asked: the pair is recorded as a suggested wording for `/suggestions`. Runs before
 * the features that show the section and record the vote, and leaves them the update.
 */
export function learningFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const prompted = new Set<number>();

  composer.callbackQuery(/^s:/, async (ctx, next) => {
    const target = parseShowSectionData(ctx.callbackQuery.data);
    const mark = questionOfMessage(ctx.callbackQuery.message);
    if (target && mark && deps.feedback) {
      try {
        const outcome = await deps.feedback.recordSuggestion({
          questionId: mark.questionId,
          sectionId: target.id,
          source: mark.source,
          at: nowOf(deps),
        });
        deps.logger.info(
          {
            update: ctx.update.update_id,
            question: mark.questionId,
            section: target.id,
            source: mark.source,
            outcome: outcome.status,
          },
          'suggestion',
        );
      } catch (error) {
        deps.logger.error({ update: ctx.update.update_id, err: error }, 'suggestion not recorded');
      }
    }
    await next();
  });

  // After the vote is recorded: in a private chat, a 👎 asks which topic would have answered.
  composer.callbackQuery(/^v:[1-9][0-9]{0,15}:d$/, async (ctx, next) => {
    await next();
    const mark = questionOfMessage(ctx.callbackQuery.message);
    if (ctx.chat?.type !== 'private' || !mark || !deps.feedback || prompted.has(mark.questionId))
      return;
    const question = await deps.feedback.question(mark.questionId).catch(() => undefined);
    if (!question?.answered) return;
    if (prompted.size >= PROMPTED_LIMIT) prompted.clear();
    prompted.add(mark.questionId);
    const lang = question.lang;
    const snapshot = deps.store.current;
    const choices = await pickChoices(deps, snapshot, question.text, question.bestSection);
    const fallback = snapshot.knowledge.languages.fallback;
    const rows: ReplyButton[][] = choices.map((s) => [
      { text: sectionText(s, lang, fallback).title, data: showSectionData(s.id, lang) },
    ]);
    rows.push([
      { text: repliesFor(lang).noneOfTheseButton, data: noneOfTheseData(mark.questionId) },
    ]);
    await sendHtmlMessages(ctx, [repliesFor(lang).pickAnother], { buttons: rows });
  });

  composer.callbackQuery(/^n:/, (ctx) =>
    ctx.answerCallbackQuery({ text: repliesFor(userLang(ctx)).noneOfTheseThanks }),
  );

  return composer;
}

// Through the matcher thread, like the question was: a large knowledge base's match is no
// cheaper for a 👎 than for a question.
async function pickChoices(
  deps: BotDeps,
  snapshot: KnowledgeSnapshot,
  text: string,
  answered: string | undefined,
): Promise<Section[]> {
  const { knowledge } = snapshot;
  const result = await (deps.matcher ?? inProcessMatcher).match(snapshot, text, {
    maxAlternatives: PICK_CHOICES,
    threshold: 0,
  });
  const near = [result.best?.section, ...result.alternatives.map((a) => a.section)];
  const chosen: Section[] = [];
  for (const section of [...near, ...knowledge.sections]) {
    if (!section || section.id === answered || chosen.includes(section)) continue;
    chosen.push(section);
    if (chosen.length >= PICK_CHOICES) break;
  }
  return chosen;
}
