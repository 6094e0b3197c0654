import { randomBytes } from 'node:crypto';
import {
  capQuestion,
  voterHash,
  type FeedbackStore,
  type FeedbackSummary,
  type PruneResult,
  type QuestionRecord,
  type SectionVotes,
  type UnansweredQuestion,
  type VoteInput,
  type VoteOutcome,
  type VoteValue,
} from './feedback-store.js';

interface StoredVote {
  questionId: number;
  sectionId: string;
  value: VoteValue;
  at: number;
}

/**
 * A {@link FeedbackStore} in memory, for the console chat when no database is wanted and for
 * unit tests. Same rules as the SQLite store; forgets everything when the process ends.
 */
export class MemoryFeedbackStore implements FeedbackStore {
  private readonly questions = new Map<number, QuestionRecord>();
  // Keyed by question id and voter hash: one vote per user per answer.
  private readonly votes = new Map<string, StoredVote>();
  private readonly salt = randomBytes(32).toString('base64url');
  private nextId = 1;
  private readonly undelivered = new Set<number>();

  recordQuestion(question: QuestionRecord): Promise<number> {
    const id = this.nextId++;
    this.questions.set(id, { ...question, text: capQuestion(question.text) });
    return Promise.resolve(id);
  }

  markNotDelivered(questionId: number): Promise<void> {
    this.undelivered.add(questionId);
    return Promise.resolve();
  }

  recordVote(vote: VoteInput): Promise<VoteOutcome> {
    const question = this.questions.get(vote.questionId);
    if (!question?.answered || question.bestSection === undefined)
      return Promise.resolve({ status: 'unknown' });
    const sectionId = question.bestSection;
    const key = `${vote.questionId}:${voterHash(this.salt, vote.userId)}`;
    const before = this.votes.get(key);
    if (before?.value === vote.value) return Promise.resolve({ status: 'unchanged', sectionId });
    this.votes.set(key, {
      questionId: vote.questionId,
      sectionId,
      value: vote.value,
      at: vote.at.getTime(),
    });
    return Promise.resolve({ status: before ? 'changed' : 'recorded', sectionId });
  }

  summary(since: Date): Promise<FeedbackSummary> {
    const from = since.getTime();
    const recent = [...this.questions]
      .filter(([id, q]) => q.at.getTime() >= from && !this.undelivered.has(id))
      .map(([, q]) => q);
    const bySection = new Map<string, number>();
    for (const q of recent) {
      if (q.answered && q.bestSection !== undefined)
        bySection.set(q.bestSection, (bySection.get(q.bestSection) ?? 0) + 1);
    }
    const votes = new Map<string, SectionVotes>();
    for (const vote of this.votes.values()) {
      if (vote.at < from) continue;
      const entry = votes.get(vote.sectionId) ?? { sectionId: vote.sectionId, up: 0, down: 0 };
      if (vote.value === 1) entry.up++;
      else entry.down++;
      votes.set(vote.sectionId, entry);
    }
    return Promise.resolve({
      questions: recent.length,
      answered: recent.filter((q) => q.answered).length,
      answeredBySection: [...bySection]
        .map(([sectionId, count]) => ({ sectionId, count }))
        .sort((a, b) => b.count - a.count || a.sectionId.localeCompare(b.sectionId)),
      votes: [...votes.values()].sort((a, b) => a.sectionId.localeCompare(b.sectionId)),
    });
  }

  unansweredSince(since: Date, limit: number): Promise<UnansweredQuestion[]> {
    const rows = [...this.questions]
      .filter(
        ([id, q]) => !q.answered && q.at.getTime() >= since.getTime() && !this.undelivered.has(id),
      )
      .sort(([ia, a], [ib, b]) => b.at.getTime() - a.at.getTime() || ib - ia)
      .slice(0, limit)
      .map(([, q]) => ({ text: q.text, at: q.at }));
    return Promise.resolve(rows);
  }

  deleteOlderThan(cutoff: Date): Promise<PruneResult> {
    const at = cutoff.getTime();
    let questions = 0;
    let votes = 0;
    for (const [id, q] of this.questions) {
      if (q.at.getTime() < at) {
        this.questions.delete(id);
        questions++;
      }
    }
    for (const [key, vote] of this.votes) {
      if (vote.at < at || !this.questions.has(vote.questionId)) {
        this.votes.delete(key);
        votes++;
      }
    }
    return Promise.resolve({ questions, votes });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
