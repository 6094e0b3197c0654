import type { QuestionRecord } from '../../src/feedback/feedback-store.js';

/** An answered private question about eSIM asked at `at`, with any field overridden. */
export function questionRecord(
  fields: Partial<QuestionRecord> & Pick<QuestionRecord, 'at'>,
): QuestionRecord {
  return {
    text: 'what is an esim',
    lang: 'en',
    bestSection: 'esim',
    score: 0.9,
    answered: true,
    chatType: 'private',
    ...fields,
  };
}
