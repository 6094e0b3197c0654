import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LOCALES_DIR } from '../bot/replies.js';
import { toTraditional } from '../match/chinese.js';

/**
 * `npm run locales:traditional`: writes `locales/zh-Hant.ftl` from `locales/zh-Hans.ftl` with
 * opencc, as a starting point a translator then edits (the file is the bot's Traditional text
 * from then on; rerunning overwrites it). Keys and variables are ASCII, which opencc leaves.
 */
async function main(): Promise<void> {
  const source = await readFile(path.join(LOCALES_DIR, 'zh-Hans.ftl'), 'utf8');
  const target = path.join(LOCALES_DIR, 'zh-Hant.ftl');
  await writeFile(target, toTraditional(source));
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
