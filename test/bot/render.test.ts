import { describe, expect, test } from 'vitest';
import {
  escapeHtml,
  htmlToPlain,
  markdownToHtmlBlocks,
  MESSAGE_LIMIT,
  splitIntoMessages,
} from '../../src/bot/render.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/**
 * Checks that `html` is whole Telegram HTML: every tag is complete and closed in order, and no
 * bare "<" or "&" is left. Returns what is wrong, or undefined.
 */
function htmlProblem(html: string): string | undefined {
  const open: string[] = [];
  const tag = /<(\/?)([a-z]+)(?:\s[^<>]*)?>/g;
  let last = 0;
  for (let match = tag.exec(html); match; match = tag.exec(html)) {
    const between = html.slice(last, match.index);
    if (/[<>]/.test(between)) return `a stray "<" or ">" before offset ${match.index}`;
    last = tag.lastIndex;
    const [, closing, name = ''] = match;
    if (!closing) open.push(name);
    else if (open.pop() !== name) return `</${name}> closes the wrong tag at ${match.index}`;
  }
  if (/[<>]/.test(html.slice(last))) return 'a stray "<" or ">" at the end';
  if (/&(?!(?:amp|lt|gt|quot);)/.test(html)) return 'a bare "&"';
  if (open.length > 0) return `unclosed <${open.join('>, <')}>`;
  return undefined;
}

/** A long Markdown answer: headings, bold, lists, escapable characters and emoji. */
function longMarkdown(sections: number): string {
  return Array.from({ length: sections }, (_, i) =>
    [
      `## Part ${i} <of> the answer`,
      '',
      `Paragraph ${i} has **bold text ${i}**, *emphasis*, a < b & c > d, and 📶 ${'signal '.repeat(i % 37)}`,
      '',
      `- item **${i}a** & more`,
      `- item ${i}b 😀`,
    ].join('\n'),
  ).join('\n\n');
}

describe('the HTML check these tests use', () => {
  test('catches a cut tag, an unclosed tag and a bare ampersand', () => {
    expect(htmlProblem('<b>whole</b> &amp; <a href="x">fine</a>')).toBeUndefined();
    expect(htmlProblem('text <b')).toBeDefined();
    expect(htmlProblem('<b>open')).toBeDefined();
    expect(htmlProblem('<b><i>x</b></i>')).toBeDefined();
    expect(htmlProblem('a & b')).toBeDefined();
  });
});

describe('escapeHtml', () => {
  test('escapes <, & and >', () => {
    expect(escapeHtml('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
  });

  test('escapes an existing entity again, so it shows as typed', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  test('leaves quotes alone', () => {
    expect(escapeHtml(`"it's"`)).toBe(`"it's"`);
  });
});

describe('htmlToPlain', () => {
  test('drops tags and decodes entities', () => {
    expect(htmlToPlain('<b>a &lt; b</b> &amp; <a href="x">c &gt; d</a> &quot;q&quot;')).toBe(
      'a < b & c > d "q"',
    );
  });

  test('undoes escapeHtml', () => {
    const text = 'x < y && y > z & "q"';
    expect(htmlToPlain(escapeHtml(text))).toBe(text);
  });
});

describe('markdownToHtmlBlocks', () => {
  test('turns **bold** into <b>', () => {
    expect(markdownToHtmlBlocks('An **important** word.')).toEqual(['An <b>important</b> word.']);
  });

  test('turns *emphasis* into <i>', () => {
    expect(markdownToHtmlBlocks('An *emphasised* word.')).toEqual(['An <i>emphasised</i> word.']);
  });

  test('turns a heading into a bold line', () => {
    expect(markdownToHtmlBlocks('### A heading')).toEqual(['<b>A heading</b>']);
  });

  test('turns a bullet list into bullet lines', () => {
    expect(markdownToHtmlBlocks('- one\n- **two**')).toEqual(['• one\n• <b>two</b>']);
  });

  test('numbers an ordered list from its start', () => {
    expect(markdownToHtmlBlocks('3. c\n4. d')).toEqual(['3. c\n4. d']);
  });

  test('escapes <, & and > in text', () => {
    expect(markdownToHtmlBlocks('Use <b> & keep 1 > 0')).toEqual([
      'Use &lt;b&gt; &amp; keep 1 &gt; 0',
    ]);
  });

  test('escapes inline code', () => {
    expect(markdownToHtmlBlocks('Type `a<b>`')).toEqual(['Type <code>a&lt;b&gt;</code>']);
  });

  test('keeps an http link and escapes its address', () => {
    expect(markdownToHtmlBlocks('[docs](https://e.com/?a=1&b="2")')).toEqual([
      '<a href="https://e.com/?a=1&amp;b=&quot;2&quot;">docs</a>',
    ]);
  });

  test('drops a javascript: link but keeps its label', () => {
    expect(markdownToHtmlBlocks('[click](javascript:alert(1))')).toEqual(['click']);
  });

  test('makes one block per paragraph, heading and list', () => {
    const blocks = markdownToHtmlBlocks('# T\n\nFirst.\n\n- a\n- b\n\nLast.');
    expect(blocks).toEqual(['<b>T</b>', 'First.', '• a\n• b', 'Last.']);
  });

  test('renders every block as whole HTML', () => {
    for (const block of markdownToHtmlBlocks(longMarkdown(50)))
      expect(htmlProblem(block), block).toBeUndefined();
  });
});

describe('splitIntoMessages', () => {
  test('joins short blocks into one message, separated by a blank line', () => {
    expect(splitIntoMessages(['<b>Title</b>', 'Body.'])).toEqual(['<b>Title</b>\n\nBody.']);
  });

  test('starts a new message when the next block would cross the limit', () => {
    expect(splitIntoMessages(['abc', 'def'], 7)).toEqual(['abc', 'def']);
    expect(splitIntoMessages(['abc', 'def'], 8)).toEqual(['abc\n\ndef']);
  });

  test('returns no message for no blocks', () => {
    expect(splitIntoMessages([])).toEqual([]);
  });

  describe('with a long generated Markdown answer', () => {
    const blocks = markdownToHtmlBlocks(longMarkdown(400));
    const messages = splitIntoMessages(blocks);

    test('makes several messages', () => {
      expect(blocks.join('\n\n').length).toBeGreaterThan(3 * MESSAGE_LIMIT);
      expect(messages.length).toBeGreaterThan(3);
    });

    test(`never exceeds ${MESSAGE_LIMIT} characters`, () => {
      for (const message of messages) expect(message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    });

    test('never cuts a tag or an entity', () => {
      for (const message of messages) expect(htmlProblem(message), message).toBeUndefined();
    });

    test('loses nothing and keeps the order', () => {
      expect(messages.join('\n\n')).toBe(blocks.join('\n\n'));
    });

    test('respects a smaller limit too', () => {
      for (const message of splitIntoMessages(blocks, 500)) {
        expect(message.length).toBeLessThanOrEqual(500);
        expect(htmlProblem(message)).toBeUndefined();
      }
    });
  });

  describe('with a single block over the limit', () => {
    const huge = `<b>${escapeHtml('a < b & c > d '.repeat(1_000))}</b>`;
    const messages = splitIntoMessages([huge]);

    test('splits it into messages within the limit', () => {
      expect(huge.length).toBeGreaterThan(MESSAGE_LIMIT);
      expect(messages.length).toBeGreaterThan(1);
      for (const message of messages) expect(message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    });

    test('sends it as escaped plain text, with no cut tag', () => {
      for (const message of messages) expect(htmlProblem(message), message).toBeUndefined();
      expect(messages.join('')).not.toContain('<b>');
    });

    test('keeps every character of the text', () => {
      const plain = messages.map(htmlToPlain).join('').replace(/\s+/g, '');
      expect(plain).toBe(htmlToPlain(huge).replace(/\s+/g, ''));
    });

    test('stays within the limit when every character needs escaping', () => {
      for (const message of splitIntoMessages([escapeHtml('&'.repeat(20_000))]))
        expect(message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    });
  });

  describe('with emoji', () => {
    test('never splits a surrogate pair, on odd offsets', () => {
      const messages = splitIntoMessages([`a${'😀'.repeat(5_000)}`], 100);
      expect(messages.length).toBeGreaterThan(1);
      for (const message of messages) {
        expect(message).not.toMatch(LONE_SURROGATE);
        expect(message.length).toBeLessThanOrEqual(100);
      }
    });

    test('never splits a surrogate pair, on even offsets', () => {
      const messages = splitIntoMessages(['😀'.repeat(5_000)], 100);
      for (const message of messages) expect(message).not.toMatch(LONE_SURROGATE);
      expect(messages.join('').replace(/\s/g, '')).toBe('😀'.repeat(5_000));
    });

    test('never splits a surrogate pair at the default limit', () => {
      const messages = splitIntoMessages([`xyz${'📶'.repeat(9_000)}`]);
      for (const message of messages) {
        expect(message).not.toMatch(LONE_SURROGATE);
        expect(message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      }
    });
  });
});
