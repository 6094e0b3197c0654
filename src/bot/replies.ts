import type { PeriodStats, UnansweredReport } from '../feedback/insights.js';
import { percent } from '../feedback/insights.js';
import type { KnowledgeDiff } from '../knowledge/diff.js';
import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { Lang } from '../knowledge/types.js';
import { escapeHtml } from './render.js';

/** Every sentence the bot says, per language. Values are Telegram HTML (already escaped). */
export interface Replies {
  noAnswer: string;
  noAnswerInGroup: string;
  /** No answer from a knowledge base too large to list: the nearest topics follow. */
  noAnswerNearest: string;
  /** No answer and no topic near: the topic list is a button away. */
  noAnswerAsk: string;
  /** The /topics message of a knowledge base listed a page at a time. */
  topicsPage: (page: number, pages: number, total: number) => string;
  topicsPrevious: string;
  topicsNext: string;
  related: string;
  /** Plain text: the label of the sources line under an answer. */
  sources: string;
  /** A follow-up button under an answer: the related section's title. */
  seeAlsoButton: (title: string) => string;
  /** The line before a section shown in another language than the asker's. */
  otherLanguage: (lang: string) => string;
  topics: string;
  /** The greeting: what the knowledge covers (`about`, when it says so) and a question to try. */
  welcome: (name: string, about: string | undefined, example: string) => string;
  help: (botUsername: string) => string;
  /** The reply to a thank-you or an "ok" in a private chat. */
  youAreWelcome: string;
  /** A sticker, photo or voice message: only text is read; `example` shows what to type. */
  nonText: (example: string) => string;
  emptyQuestion: (example: string) => string;
  askUsage: (botUsername: string) => string;
  unknownSection: string;
  reloadOk: (summary: ReloadSummary) => string;
  reloadFailed: (errors: string) => string;
  tooFast: string;
  shareButton: string;
  topicsButton: string;
  voteThanks: string;
  voteChanged: string;
  voteUpButton: string;
  voteDownButton: string;
  voteUnknown: string;
  consoleIntro: string;
  /** The /topics message: the intro, then every section as a line linked to its deep link. */
  topicsWithLinks: (linkLines: readonly string[]) => string;
  /** The button under inline results when nothing matches; opens a private chat. */
  inlineNoAnswer: string;
  adminOnly: string;
  privateOnly: string;
  feedbackOff: string;
  unanswered: (report: UnansweredReport) => string;
  stats: (stats: readonly PeriodStats[]) => string;
  uploadRefused: string;
  uploadBadName: (name: string) => string;
  uploadTooLarge: (bytes: number, limit: number) => string;
  uploadDownloadFailed: string;
  uploadInvalid: (name: string, errors: string) => string;
  uploadReady: (name: string, summary: UploadSummary) => string;
  uploadNothingPending: string;
  uploadCancelled: (name: string) => string;
  uploadInstalled: (name: string, backup: string | undefined) => string;
  chartTitle: (days: number) => string;
  chartAnswered: string;
  chartUnanswered: string;
  chartDay: string;
  chartQuestions: string;
  chartTopSections: string;
  /** After 👎: which topic would have answered the question. */
  pickAnother: string;
  noneOfTheseButton: string;
  noneOfTheseThanks: string;
  suggestionsHeader: (wordings: number, groups: number, days: number) => string;
  suggestionsEmpty: (days: number) => string;
  suggestionItem: (item: SuggestionLine) => string;
  addWordingButton: string;
  chooseSectionButton: string;
  dismissButton: string;
  chooseSection: (example: string) => string;
  suggestionGone: string;
  suggestionDismissed: (example: string) => string;
  wordingAdded: (summary: WordingAddedSummary) => string;
  wordingPresent: (example: string, file: string) => string;
  wordingFailed: (file: string, errors: string) => string;
}

/** One item of /suggestions as the reply shows it. */
export interface SuggestionLine {
  kind: 'wording' | 'unanswered';
  example: string;
  count: number;
  /** The candidate section, with its title; undefined when nothing is near. */
  sectionId: string | undefined;
  title: string | undefined;
}

/** What the reply to ➕ reports: where the wording went and what the reload then did. */
export interface WordingAddedSummary {
  example: string;
  file: string;
  list: string;
  questions: number;
  backup: string | undefined;
  changed: string[];
  /** How the same question is answered now: the section and score, or undefined if not. */
  nowAnswered: { sectionId: string; score: number } | undefined;
  expected: string;
}

/** What the reply to a valid upload reports: the knowledge it would make. */
export interface UploadSummary {
  sections: number;
  diff: KnowledgeDiff;
  /** Minutes until the pending upload is dropped. */
  expiresInMinutes: number;
}

/** What the reload reply reports. */
export interface ReloadSummary {
  sections: number;
  diff: KnowledgeDiff;
  ms: number;
  /** The answer threshold calibrated for the new knowledge. */
  threshold?: number;
}

/** A language tag's name in the reader's language ("zh-Hans" → "Simplified Chinese"). */
function languageName(tag: string, readerLang: string): string {
  try {
    return new Intl.DisplayNames([readerLang], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

const list = (ids: string[]) => ids.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ');

const code = (id: string) => `<code>${escapeHtml(id)}</code>`;

// A question quoted in a report: one line, at most this many characters, escaped.
const QUOTE_CHARS = 120;
function quote(text: string): string {
  const line = text.replace(/\s+/gu, ' ').trim();
  const chars = Array.from(line);
  return escapeHtml(chars.length > QUOTE_CHARS ? `${chars.slice(0, QUOTE_CHARS).join('')}…` : line);
}

const votesOf = (v: { sectionId: string; up: number; down: number }) =>
  `${code(v.sectionId)} 👍${v.up} 👎${v.down}`;

/** The folder of the translation files, one Fluent file per interface language. */
export const LOCALES_DIR = fileURLToPath(new URL('../../locales', import.meta.url));

/** The bot's texts in every language a folder has a translation file (`<locale>.ftl`) for. */
export interface UiTexts {
  locales: readonly string[];
  /** The replies in `lang`; English for a language without a file. */
  repliesFor(lang: string): Replies;
}

/**
 * Loads the translation files of `directory` with @grammyjs/i18n (Fluent): adding an interface
 * language is adding its file. English is the fallback, also for a key a file lacks.
 */
export function loadUiTexts(directory: string): UiTexts {
  // Values are inserted as given: HTML escaping is done here, and Unicode isolation marks
  // around them would show in Telegram as stray characters.
  const i18n = new I18n({
    defaultLocale: 'en',
    directory,
    fluentBundleOptions: { useIsolating: false },
  });
  const built = new Map<string, Replies>();
  return {
    locales: i18n.locales,
    repliesFor(lang) {
      let replies = built.get(lang);
      if (!replies) {
        replies = buildReplies(i18n, i18n.locales.includes(lang) ? lang : 'en');
        built.set(lang, replies);
      }
      return replies;
    },
  };
}

function buildReplies(i18n: I18n, locale: string): Replies {
  const t = (key: string, vars?: Record<string, string | number>) => i18n.t(locale, key, vars);
  const listOf = (items: string[]) =>
    items.length === 0 ? t('nothing') : items.join(t('list-separator'));
  const ids = (items: string[]) => (items.length === 0 ? t('nothing') : list(items));
  const diffLines = (diff: KnowledgeDiff, synonymsKey: string) => [
    t('diff-added', { list: ids(diff.added) }),
    t('diff-removed', { list: ids(diff.removed) }),
    t('diff-changed', { list: ids(diff.changed) }),
    diff.synonymsChanged ? t(synonymsKey) : '',
  ];
  const n = (value: number) => String(value);
  return {
    noAnswer: t('no-answer'),
    noAnswerInGroup: t('no-answer-in-group'),
    noAnswerNearest: t('no-answer-nearest'),
    noAnswerAsk: t('no-answer-ask'),
    topicsPage: (page, pages, total) =>
      t('topics-page', { page: n(page), pages: n(pages), total: n(total) }),
    topicsPrevious: t('topics-previous'),
    topicsNext: t('topics-next'),
    related: t('related'),
    sources: t('sources'),
    seeAlsoButton: (title) => t('see-also-button', { title }),
    otherLanguage: (lang) =>
      t('other-language', { language: escapeHtml(languageName(lang, locale)) }),
    topics: t('topics'),
    welcome: (name, about, example) =>
      about === undefined
        ? t('welcome-general', { name: escapeHtml(name), example: escapeHtml(example) })
        : t('welcome', {
            name: escapeHtml(name),
            about: escapeHtml(about),
            example: escapeHtml(example),
          }),
    help: (bot) => t('help', { bot: escapeHtml(bot) }),
    youAreWelcome: t('you-are-welcome'),
    nonText: (example) => t('non-text', { example: escapeHtml(example) }),
    emptyQuestion: (example) => t('empty-question', { example: escapeHtml(example) }),
    askUsage: (bot) => t('ask-usage', { bot: escapeHtml(bot) }),
    unknownSection: t('unknown-section'),
    reloadOk: ({ sections, diff, ms, threshold }) =>
      [
        t('reload-ok', { sections: n(sections), ms: n(ms) }),
        threshold === undefined ? '' : t('reload-threshold', { threshold: String(threshold) }),
        ...diffLines(diff, 'synonyms-changed'),
      ]
        .filter(Boolean)
        .join('\n'),
    reloadFailed: (errors) => t('reload-failed', { errors: escapeHtml(errors) }),
    tooFast: t('too-fast'),
    shareButton: t('share-button'),
    topicsButton: t('topics-button'),
    voteThanks: t('vote-thanks'),
    voteChanged: t('vote-changed'),
    voteUpButton: t('vote-up-button'),
    voteDownButton: t('vote-down-button'),
    voteUnknown: t('vote-unknown'),
    consoleIntro: t('console-intro'),
    topicsWithLinks: (lines) => [t('topics-with-links'), '', ...lines].join('\n'),
    inlineNoAnswer: t('inline-no-answer'),
    adminOnly: t('admin-only'),
    privateOnly: t('private-only'),
    feedbackOff: t('feedback-off'),
    unanswered: (r) =>
      [
        r.groups.length === 0
          ? t('unanswered-none', { days: n(r.days), total: n(r.total) })
          : [
              t('unanswered-some', {
                days: n(r.days),
                total: n(r.total),
                groups: n(r.groups.length),
              }),
              ...r.groups.map(
                (g, i) =>
                  `${i + 1}. ×${g.count} ${quote(g.example)}` +
                  (g.wordings > 1 ? t('unanswered-wordings', { wordings: n(g.wordings) }) : ''),
              ),
            ].join('\n'),
        r.mostDownvoted.length === 0
          ? t('downvoted-none')
          : `${t('downvoted-some')}\n${r.mostDownvoted.map(votesOf).join('\n')}`,
      ].join('\n\n'),
    stats: (periods) =>
      [
        t('stats-title'),
        ...periods.map((p) =>
          [
            t('stats-period', {
              days: p.days,
              daysText: n(p.days),
              questions: n(p.questions),
              share: percent(p.answeredShare),
              answered: n(p.answered),
            }),
            t('stats-top', {
              list: listOf(p.topSections.map((s) => `${code(s.sectionId)} ${s.count}`)),
            }),
            t('stats-feedback', {
              list:
                p.feedback.length === 0
                  ? t('nothing')
                  : p.feedback.map(votesOf).join(t('feedback-separator')),
            }),
          ].join('\n'),
        ),
      ].join('\n\n'),
    uploadRefused: t('upload-refused'),
    uploadBadName: (name) => t('upload-bad-name', { name: escapeHtml(name) }),
    uploadTooLarge: (bytes, limit) => t('upload-too-large', { bytes: n(bytes), limit: n(limit) }),
    uploadDownloadFailed: t('upload-download-failed'),
    uploadInvalid: (name, errors) =>
      t('upload-invalid', { name: escapeHtml(name), errors: escapeHtml(errors) }),
    uploadReady: (name, { sections, diff, expiresInMinutes }) =>
      [
        t('upload-ready', { name: escapeHtml(name), sections: n(sections) }),
        ...diffLines(diff, 'synonyms-change'),
        t('upload-ready-confirm', { minutes: n(expiresInMinutes) }),
      ]
        .filter(Boolean)
        .join('\n'),
    uploadNothingPending: t('upload-nothing-pending'),
    uploadCancelled: (name) => t('upload-cancelled', { name: escapeHtml(name) }),
    uploadInstalled: (name, backup) =>
      backup
        ? t('upload-installed-backup', { name: escapeHtml(name), backup: escapeHtml(backup) })
        : t('upload-installed', { name: escapeHtml(name) }),
    chartTitle: (days) => t('chart-title', { days: n(days) }),
    chartAnswered: t('chart-answered'),
    chartUnanswered: t('chart-unanswered'),
    chartDay: t('chart-day'),
    chartQuestions: t('chart-questions'),
    chartTopSections: t('chart-top-sections'),
    pickAnother: t('pick-another'),
    noneOfTheseButton: t('none-of-these-button'),
    noneOfTheseThanks: t('none-of-these-thanks'),
    suggestionsHeader: (wordings, groups, days) =>
      t('suggestions-header', { wordings: n(wordings), groups: n(groups), days: n(days) }),
    suggestionsEmpty: (days) => t('suggestions-empty', { days: n(days) }),
    suggestionItem: (item) =>
      `${t(item.kind === 'wording' ? 'suggestion-wording' : 'suggestion-unanswered', {
        count: n(item.count),
        example: quote(item.example),
      })}\n→ ${
        item.sectionId === undefined
          ? t('suggestion-no-section')
          : `${code(item.sectionId)} ${escapeHtml(item.title ?? '')}`
      }`,
    addWordingButton: t('add-wording-button'),
    chooseSectionButton: t('choose-section-button'),
    dismissButton: t('dismiss-button'),
    chooseSection: (example) => t('choose-section', { example: quote(example) }),
    suggestionGone: t('suggestion-gone'),
    suggestionDismissed: (example) => t('suggestion-dismissed', { example: quote(example) }),
    wordingAdded: (s) =>
      [
        t('wording-added', {
          example: quote(s.example),
          file: escapeHtml(s.file),
          list: escapeHtml(s.list),
          questions: n(s.questions),
        }),
        s.backup ? t('wording-backup', { backup: escapeHtml(s.backup) }) : '',
        t('wording-reloaded', { list: ids(s.changed) }),
        s.nowAnswered?.sectionId === s.expected
          ? t('wording-now-answered', {
              section: code(s.nowAnswered.sectionId),
              score: s.nowAnswered.score.toFixed(2),
            })
          : t('wording-still-not', { section: code(s.expected) }),
      ]
        .filter(Boolean)
        .join('\n'),
    wordingPresent: (example, file) =>
      t('wording-present', { example: quote(example), file: escapeHtml(file) }),
    wordingFailed: (file, errors) =>
      t('wording-failed', { file: escapeHtml(file), errors: escapeHtml(errors) }),
  };
}

// Read on first use: the console chat and the command line need no translation files loaded
// before they print anything.
let shipped: UiTexts | undefined;

/** The bot's replies in `lang`, from `locales/<lang>.ftl` (English for a language without one). */
export function repliesFor(lang: Lang | string): Replies {
  shipped ??= loadUiTexts(LOCALES_DIR);
  return shipped.repliesFor(lang);
}
