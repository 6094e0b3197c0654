import { describe, expect, test } from 'vitest';
import { formatProblem, KnowledgeError, reasons } from '../../src/knowledge/errors.js';

describe('formatProblem', () => {
  test('writes file:line [section]: reason', () => {
    expect(
      formatProblem({ file: '09-x.md', line: 4, section: 'x', reason: reasons.emptyBody('en') }),
    ).toBe(`09-x.md:4 [x]: ${reasons.emptyBody('en')}`);
  });

  test('leaves out the line and the section when they are not known', () => {
    expect(formatProblem({ file: '09-x.md', reason: reasons.notUtf8 })).toBe(
      `09-x.md: ${reasons.notUtf8}`,
    );
  });
});

describe('KnowledgeError', () => {
  test('keeps every problem and lists one per line in its message', () => {
    const problems = [
      { file: 'a.md', line: 1, reason: reasons.noFrontMatter },
      { file: 'b.md', section: 'b', reason: reasons.missingLanguage('en') },
    ];
    const error = new KnowledgeError(problems);
    expect(error.name).toBe('KnowledgeError');
    expect(error.problems).toEqual(problems);
    expect(error.message).toBe(
      `a.md:1: ${reasons.noFrontMatter}\nb.md [b]: ${reasons.missingLanguage('en')}`,
    );
  });
});
