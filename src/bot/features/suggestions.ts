import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Composer } from 'grammy';
import { formatProblem } from '../../knowledge/errors.js';
import { addWording, wordingLanguage } from '../../knowledge/add-wording.js';
import type { Section } from '../../knowledge/types.js';
import { collectSuggestions, decide, type SuggestionItem } from '../../feedback/suggestions.js';
import { UNANSWERED_DAYS } from '../../feedback/insights.js';
import { sectionText } from '../../match/localize.js';
import { matchQuestion } from '../../match/match-question.js';
import type { ReplyButton } from '../answer.js';
import { userLang, type BotContext } from '../context.js';
import { nowOf, type BotDeps } from '../deps.js';
import { repliesFor, type Replies } from '../replies.js';
import { sendHtmlMessages } from '../send.js';
import { isAdmin } from './admin.js';

// Sections offered by ↪, best candidates first; Telegram shows up to 100 buttons.
const MAX_SECTION_CHOICES = 40;

/** Callback data of the buttons under a suggestion; all far below 64 bytes. */
const data = {
  add: (key: string) => `g:+:${key}`,
  choose: (key: string) => `g:>:${key}`,
  dismiss: (key: string) => `g:x:${key}`,
  // The section by its place in a knowledge version: an id may be 60 characters long.
  addTo: (key: string, version: number, index: number) => `g:=:${key}:${version}:${index}`,
};
const DATA = /^g:([+>x=]):([A-Za-z0-9_-]{10})(?::(\d{1,9}):(\d{1,6}))?$/;

/**
 * `/suggestions` for admins, in private: the wordings users tied to a section and the groups
 * of unanswered questions of the last 7 days, each with its candidate section and buttons to
 * add it as a wording of that section (written into the file, with a backup, and reloaded),
 * to pick another section, or to dismiss it for good.
 */
export function suggestionsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const verdict = (text: string) => {
    const threshold = deps.settings.threshold;
    const result = matchQuestion(deps.store.current.index, text, {
      ...(threshold === undefined ? {} : { threshold }),
    });
    return { answeredWith: result.section?.id, best: result.best?.section.id, score: result.score };
  };
  const items = async () =>
    deps.feedback ? collectSuggestions(deps.feedback, nowOf(deps), verdict) : [];

  composer.command('suggestions', async (ctx) => {
    const replies = repliesFor(userLang(ctx));
    if (!isAdmin(ctx, deps.settings)) {
      deps.logger.warn(
        { update: ctx.update.update_id, user: ctx.from?.id, command: 'suggestions' },
        'admin command refused: not an admin',
      );
      await sendHtmlMessages(ctx, [replies.adminOnly]);
      return;
    }
    if (ctx.chat.type !== 'private')
      return void (await sendHtmlMessages(ctx, [replies.privateOnly]));
    if (!deps.feedback) return void (await sendHtmlMessages(ctx, [replies.feedbackOff]));
    const list = await items();
    const wordings = list.filter((i) => i.kind === 'wording').length;
    if (list.length === 0) {
      await sendHtmlMessages(ctx, [replies.suggestionsEmpty(UNANSWERED_DAYS)]);
      return;
    }
    await sendHtmlMessages(ctx, [
      replies.suggestionsHeader(wordings, list.length - wordings, UNANSWERED_DAYS),
    ]);
    for (const item of list) {
      const buttons: ReplyButton[] = [
        ...(item.sectionId === undefined
          ? []
          : [{ text: replies.addWordingButton, data: data.add(item.key) }]),
        { text: replies.chooseSectionButton, data: data.choose(item.key) },
        { text: replies.dismissButton, data: data.dismiss(item.key) },
      ];
      await sendHtmlMessages(ctx, [replies.suggestionItem(lineOf(deps, item, ctx))], {
        buttons: [buttons],
      });
    }
  });

  composer.callbackQuery(/^g:/, async (ctx) => {
    const replies = repliesFor(userLang(ctx));
    if (ctx.chat?.type !== 'private' || !deps.settings.adminIds.includes(ctx.from.id)) {
      deps.logger.warn(
        { update: ctx.update.update_id, user: ctx.from.id },
        'suggestion button refused: not an admin',
      );
      await ctx.answerCallbackQuery({ text: replies.adminOnly });
      return;
    }
    const parsed = DATA.exec(ctx.callbackQuery.data);
    const item =
      parsed && deps.feedback ? (await items()).find((i) => i.key === parsed[2]) : undefined;
    if (!parsed || !item || !deps.feedback) {
      await ctx.answerCallbackQuery({ text: replies.suggestionGone });
      return;
    }
    await ctx.answerCallbackQuery();
    const { knowledge, version } = deps.store.current;
    switch (parsed[1]) {
      case 'x':
        await decide(deps.feedback, item, 'dismissed', item.sectionId, nowOf(deps));
        deps.logger.info({ user: ctx.from.id, key: item.key }, 'suggestion dismissed');
        await sendHtmlMessages(ctx, [replies.suggestionDismissed(item.example)]);
        return;
      case '>': {
        const near = [item.sectionId, ...knowledge.sections.map((s) => s.id)];
        const order = [...new Set(near)].slice(0, MAX_SECTION_CHOICES);
        const rows = order.flatMap((id) => {
          const index = knowledge.sections.findIndex((s) => s.id === id);
          const section = knowledge.sections[index];
          return section
            ? [[{ text: titleOf(deps, section, ctx), data: data.addTo(item.key, version, index) }]]
            : [];
        });
        await sendHtmlMessages(ctx, [replies.chooseSection(item.example)], { buttons: rows });
        return;
      }
      default: {
        const chosen =
          parsed[1] === '='
            ? Number(parsed[3]) === version
              ? knowledge.sections[Number(parsed[4])]
              : undefined
            : knowledge.sections.find((s) => s.id === item.sectionId);
        if (!chosen) {
          await sendHtmlMessages(ctx, [replies.suggestionGone]);
          return;
        }
        await addAsWording(ctx, deps, replies, item, chosen);
      }
    }
  });

  return composer;
}

async function addAsWording(
  ctx: BotContext,
  deps: BotDeps,
  replies: Replies,
  item: SuggestionItem,
  section: Section,
): Promise<void> {
  const feedback = deps.feedback;
  if (!feedback) return;
  const lang = wordingLanguage(section, item.lang ?? section.langs[0] ?? 'en');
  const source = await readFile(path.join(deps.store.dir, section.file), 'utf8');
  const edited = addWording(source, lang, item.example);
  if (!edited.ok) {
    if (edited.reason === 'present') {
      await decide(feedback, item, 'added', section.id, nowOf(deps));
      await sendHtmlMessages(ctx, [replies.wordingPresent(item.example, section.file)]);
    } else await sendHtmlMessages(ctx, [replies.wordingFailed(section.file, 'front matter')]);
    return;
  }
  const outcome = await deps.store.install(section.file, edited.text, nowOf(deps));
  if (!outcome.ok) {
    const errors = outcome.error.problems.map(formatProblem).join('\n');
    deps.logger.warn({ user: ctx.from?.id, file: section.file, errors }, 'wording not added');
    await sendHtmlMessages(ctx, [replies.wordingFailed(section.file, errors.slice(0, 3500))]);
    return;
  }
  await decide(feedback, item, 'added', section.id, nowOf(deps));
  const threshold = deps.settings.threshold;
  const again = matchQuestion(deps.store.current.index, item.example, {
    ...(threshold === undefined ? {} : { threshold }),
  });
  deps.logger.info(
    {
      user: ctx.from?.id,
      file: section.file,
      section: section.id,
      list: `questions.${lang}`,
      version: outcome.version,
    },
    'wording added',
  );
  await sendHtmlMessages(ctx, [
    replies.wordingAdded({
      example: item.example,
      file: section.file,
      list: `questions.${edited.lang}`,
      questions: edited.questions,
      backup: outcome.backup,
      changed: outcome.diff.changed,
      nowAnswered: again.section ? { sectionId: again.section.id, score: again.score } : undefined,
      expected: section.id,
    }),
  ]);
}

function titleOf(deps: BotDeps, section: Section, ctx: BotContext): string {
  return sectionText(section, userLang(ctx), deps.store.current.knowledge.languages.fallback).title;
}

function lineOf(deps: BotDeps, item: SuggestionItem, ctx: BotContext) {
  const section = deps.store.current.knowledge.sections.find((s) => s.id === item.sectionId);
  return {
    kind: item.kind,
    example: item.example,
    count: item.count,
    sectionId: section?.id,
    title: section ? titleOf(deps, section, ctx) : undefined,
  };
}
