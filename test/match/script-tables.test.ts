import { expect, test } from 'vitest';
import { deriveScriptTables, hasTraditional } from '../../src/match/chinese.js';
import { SIMPLIFIED_ONLY, TRADITIONAL_ONLY } from '../../src/match/script-tables.generated.js';

test('the generated script tables are what opencc-js dictionaries give (else: npm run script-tables)', () => {
  const derived = deriveScriptTables();
  expect(TRADITIONAL_ONLY).toBe(derived.traditional);
  expect(SIMPLIFIED_ONLY).toBe(derived.simplified);
  expect(TRADITIONAL_ONLY).toContain('網');
  expect(SIMPLIFIED_ONLY).toContain('网');
  expect(hasTraditional('遠端斷網')).toBe(true);
  expect(hasTraditional('远程断网')).toBe(false);
});
