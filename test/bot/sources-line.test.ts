import { describe, expect, test } from 'vitest';
import { renderSection } from '../../src/bot/answer.js';
import { htmlToPlain, sourcesLine } from '../../src/bot/render.js';
import { repliesFor } from '../../src/bot/replies.js';
import type { Section } from '../../src/knowledge/types.js';
import { harnessPerTest, USER_ID, visibleText } from '../support/bot-harness.js';

const text = (title: string, body: string) => ({ title, body, questions: ['q'], keywords: [] });
const section = (sources?: string[]): Section => ({
  id: 'tea',
  file: '01-tea.md',
  langs: ['zh-Hans', 'en'],
  related: [],
  text: { 'zh-Hans': text('绿茶', '用热水泡。'), en: text('Green tea', 'Brew it hot.') },
  ...(sources ? { sources } : {}),
});

describe('the sources line', () => {
  test('links each address by its host, numbers a repeated host, and names documents', () => {
    const line = sourcesLine('Sources:', [
      'https://www.example.org/a?x=1&y="2"',
      'GSMA SGP.22 <v3>',
      'https://example.org/b',
    ]);
    expect(line).toBe(
      '<i>Sources: <a href="https://www.example.org/a?x=1&amp;y=&quot;2&quot;">example.org</a>' +
        ' · GSMA SGP.22 &lt;v3&gt; · <a href="https://example.org/b">example.org (2)</a></i>',
    );
  });

  test('is left out when there are no sources', () => {
    expect(sourcesLine('Sources:', [])).toBeUndefined();
    expect(htmlToPlain(renderSection(section(), 'en').join('\n'))).toBe(
      'Green tea\n\nBrew it hot.',
    );
  });

  test.each(['en', 'zh-Hans', 'zh-Hant'] as const)('ends the answer in %s', (lang) => {
    const messages = renderSection(section(['https://example.org/tea']), lang);
    const last = messages[messages.length - 1] ?? '';
    const label = repliesFor(lang).sources;
    expect(
      last.endsWith(
        `<i>${label}${lang === 'en' ? ' ' : ''}<a href="https://example.org/tea">example.org</a></i>`,
      ),
    ).toBe(true);
  });
});

describe('an answer from a section that lists sources', () => {
  const start = harnessPerTest();

  test('ends with the sources line, its address a link the reader can open', async () => {
    const bot = await start();
    bot.fake.setUser(USER_ID, { language_code: 'zh-hans' });
    await bot.handle(bot.fake.privateText(USER_ID, '红茶怎么泡'));
    const [answer] = bot.fake.sent(USER_ID);
    expect(visibleText(answer!).endsWith('来源：example.org · Tea Handbook, chapter 3')).toBe(true);
    const links = (answer?.message.entities ?? []).flatMap((e) =>
      e.type === 'text_link' ? [e.url] : [],
    );
    expect(links).toEqual(['https://example.org/tea/black']);
  });

  test('a section without sources gets no such line', async () => {
    const bot = await start();
    await bot.handle(bot.fake.privateText(USER_ID, 'what is green tea'));
    const [answer] = bot.fake.sent(USER_ID);
    expect(visibleText(answer!)).not.toContain(repliesFor('en').sources);
  });
});
