import { createHash } from 'node:crypto';
import type { Lang } from '../knowledge/types.js';
import type { DecisionInput, FeedbackStore } from './feedback-store.js';
import { groupingKey, groupQuestionsWithMembers } from './group-questions.js';
import { periodStart, UNANSWERED_DAYS } from './insights.js';

/** How many items of each kind `/suggestions` lists. */
export const SUGGESTIONS_PER_KIND = 5;
// Enough to see every repeated question of a busy week, bounded so one report stays cheap.
const MAX_READ = 5000;

/** How the current knowledge answers a text: the section it answers with, and the nearest. */
export interface Verdict {
  answeredWith: string | undefined;
  best: string | undefined;
}

/**
 * One line of `/suggestions`: a wording users tied to a section (by pressing an alternative,
 * or picking one after 👎), or a group of unanswered questions with its nearest section.
 */
export interface SuggestionItem {
  /** Short and stable: the buttons carry it; derived from the example's grouping key. */
  key: string;
  kind: 'wording' | 'unanswered';
  example: string;
  lang: Lang | undefined;
  count: number;
  /** The section to add the wording to: the one users chose, or the nearest one. */
  sectionId: string | undefined;
  /** Every wording the item stands for; a decision covers all of them. */
  members: string[];
}

/** The key of a wording for decisions and buttons: 10 characters of a hash of its grouping key. */
export function suggestionKey(text: string): string {
  return createHash('sha256').update(groupingKey(text)).digest('base64url').slice(0, 10);
}

/**
 * The suggestions of the last `days` days. An item is left out when an admin already decided
 * on any of its wordings, or when the knowledge now answers it with the section it points at
 * (the wording was added, or the knowledge changed), so the list only holds open work.
 */
export async function collectSuggestions(
  store: FeedbackStore,
  now: Date,
  judge: (text: string) => Verdict,
  days = UNANSWERED_DAYS,
  perKind = SUGGESTIONS_PER_KIND,
): Promise<SuggestionItem[]> {
  const since = periodStart(now, days);
  const decisions = await store.decisions();
  const decided = (members: readonly string[]) =>
    members.some((m) => decisions.has(suggestionKey(m)));

  const wordings: SuggestionItem[] = [];
  const seen = new Set<string>();
  for (const s of await store.suggestionsSince(since, MAX_READ)) {
    const key = suggestionKey(s.text);
    if (seen.has(key) || decided([s.text])) continue;
    if (judge(s.text).answeredWith === s.sectionId) continue;
    seen.add(key);
    wordings.push({
      key,
      kind: 'wording',
      example: s.text,
      lang: s.lang,
      count: s.count,
      sectionId: s.sectionId,
      members: [s.text],
    });
    if (wordings.length >= perKind) break;
  }

  const unanswered = await store.unansweredSince(since, MAX_READ);
  const langOf = new Map(unanswered.map((q) => [q.text, q.lang]));
  const groups: SuggestionItem[] = [];
  for (const group of groupQuestionsWithMembers(
    unanswered.map((q) => q.text),
    { limit: MAX_READ },
  )) {
    const key = suggestionKey(group.example);
    if (seen.has(key) || decided(group.members)) continue;
    const verdict = judge(group.example);
    if (verdict.answeredWith !== undefined) continue;
    seen.add(key);
    groups.push({
      key,
      kind: 'unanswered',
      example: group.example,
      lang: langOf.get(group.example),
      count: group.count,
      sectionId: verdict.best,
      members: group.members,
    });
    if (groups.length >= perKind) break;
  }
  return [...wordings, ...groups];
}

/** Records `decision` for every wording of `item`. */
export async function decide(
  store: FeedbackStore,
  item: SuggestionItem,
  decision: DecisionInput['decision'],
  sectionId: string | undefined,
  at: Date,
): Promise<void> {
  for (const member of item.members)
    await store.recordDecision({ key: suggestionKey(member), decision, sectionId, at });
}
