import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { LOCALES_DIR, loadUiTexts, repliesFor } from '../../src/bot/replies.js';
import { removeTempDirs, tempDir } from '../knowledge/section-files.js';

afterAll(removeTempDirs);

const keysOf = (source: string) =>
  [...source.matchAll(/^([a-z][a-z0-9-]*) =/gm)].map((m) => m[1]).sort();

describe('the translation files', () => {
  test('English, Simplified and Traditional Chinese define the same messages', async () => {
    const files = (await readdir(LOCALES_DIR)).filter((f) => f.endsWith('.ftl')).sort();
    expect(files).toEqual(['en.ftl', 'zh-Hans.ftl', 'zh-Hant.ftl']);
    const [en, ...others] = await Promise.all(
      files.map((f) => readFile(path.join(LOCALES_DIR, f), 'utf8')),
    );
    expect(keysOf(en!).length).toBeGreaterThan(80);
    for (const other of others) expect(keysOf(other)).toEqual(keysOf(en!));
  });

  test('every reply is a translated text, never a missing key', async () => {
    // A message missing from every file comes out as its key.
    const keys = new Set(keysOf(await readFile(path.join(LOCALES_DIR, 'en.ftl'), 'utf8')));
    for (const lang of ['en', 'zh-Hans', 'zh-Hant']) {
      const replies = repliesFor(lang);
      for (const [name, value] of Object.entries(replies)) {
        if (typeof value !== 'string') continue;
        expect(value, `${lang} ${name}`).not.toBe('');
        expect(keys.has(value), `${lang} ${name}`).toBe(false);
      }
      const welcome = replies.welcome('<Ann>', 'tea & <b>coffee</b>', 'is "x" < y?');
      expect(welcome).toContain('&lt;Ann&gt;');
      expect(welcome).toContain('tea &amp; &lt;b&gt;coffee&lt;/b&gt;');
      expect(replies.welcome('<Ann>', undefined, 'x < y')).toContain('x &lt; y');
    }
    expect(repliesFor('zh-Hant').noAnswer).toBe(
      '抱歉，這個問題我還沒有可靠的答案。下面是我能回答的話題，點一個看看：',
    );
  });

  test('adding an interface language is adding its file', async () => {
    const dir = await tempDir('esim-faq-locales-');
    await cp(LOCALES_DIR, dir, { recursive: true });
    const en = await readFile(path.join(dir, 'en.ftl'), 'utf8');
    await writeFile(
      path.join(dir, 'de.ftl'),
      en.replace(
        /^no-answer = .*$/m,
        'no-answer = Darauf habe ich leider keine verlässliche Antwort.',
      ),
    );
    const texts = loadUiTexts(dir);
    expect([...texts.locales].sort()).toEqual(['de', 'en', 'zh-Hans', 'zh-Hant']);
    expect(texts.repliesFor('de').noAnswer).toBe(
      'Darauf habe ich leider keine verlässliche Antwort.',
    );
    // The rest of the file is still English, as copied; a language without a file is English.
    expect(texts.repliesFor('de').shareButton).toBe('🔗 Share');
    expect(texts.repliesFor('fr').noAnswer).toBe(repliesFor('en').noAnswer);
  });
});
