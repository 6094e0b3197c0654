import { reasons, type KnowledgeProblem } from './errors.js';
import type { Knowledge, Section } from './types.js';

/**
 * How far a section's two versions may drift apart before `knowledge:check` warns that one
 * language lags. Measured on the shipped sections, whose English bodies run at 0.66–0.84 words
 * per Chinese unit (a Han character or a Latin word inside the Chinese text).
 */
export const languageBalanceLimits = Object.freeze({
  /** English words per Chinese unit in a faithful pair of versions. */
  englishWordsPerChineseUnit: 0.75,
  /** A pair is lopsided when one side is this many times longer than the other would predict. */
  maxLengthFactor: 1.6,
  /** Bodies shorter than this (in Chinese units) are too short to compare. */
  minChineseUnits: 30,
});

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /[\p{Script=Latin}0-9]+(?:['’.-][\p{Script=Latin}0-9]+)*/gu;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+\S/;

/** A Chinese text's length in units: each Han character, plus each Latin word it contains. */
export function chineseUnits(text: string): number {
  return (text.match(HAN)?.length ?? 0) + (text.match(LATIN_WORD)?.length ?? 0);
}

/** An English text's length in words. */
export function englishWords(text: string): number {
  return text.match(LATIN_WORD)?.length ?? 0;
}

/** The number of list items (bulleted or numbered lines) in a Markdown body. */
export function listItems(markdown: string): number {
  return markdown.split('\n').filter((line) => LIST_ITEM.test(line)).length;
}

/**
 * Warnings (not errors: the knowledge still loads) for sections whose Chinese and English bodies
 * differ a lot in length or in their number of list items, a cheap sign that one was edited
 * and the other was not.
 */
export function languageBalanceWarnings(knowledge: Knowledge): KnowledgeProblem[] {
  return knowledge.sections.flatMap(sectionWarnings);
}

function sectionWarnings(section: Section): KnowledgeProblem[] {
  // Only a section written in both languages can lag in one of them.
  const zh = section.text['zh-Hans']?.body;
  const en = section.text.en?.body;
  if (zh === undefined || en === undefined) return [];
  const warnings: KnowledgeProblem[] = [];
  const at = (reason: string) => ({ file: section.file, section: section.id, reason });

  const units = chineseUnits(zh);
  const words = englishWords(en);
  const limits = languageBalanceLimits;
  if (units >= limits.minChineseUnits) {
    const ratio = words / units / limits.englishWordsPerChineseUnit;
    if (ratio > limits.maxLengthFactor || ratio < 1 / limits.maxLengthFactor) {
      warnings.push(at(reasons.lengthImbalance(units, words, ratio > 1 ? 'en' : 'zh-Hans')));
    }
  }
  const zhItems = listItems(zh);
  const enItems = listItems(en);
  if (zhItems !== enItems) warnings.push(at(reasons.listCountDiffers(zhItems, enItems)));
  return warnings;
}
