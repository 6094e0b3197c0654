import { describe, expect, test } from 'vitest';
import { normalizeText } from '../../src/match/normalize.js';
import { chatterKind, isAboutTheBot, looksLikeQuestion } from '../../src/match/question-shape.js';

describe('chatterKind', () => {
  test.each(['hi', 'Hi!', 'hello there', 'good morning 😊', '你好', '您好！', '在吗？'])(
    '"%s" greets',
    (text) => expect(chatterKind(text)).toBe('greeting'),
  );

  test.each([
    'thanks',
    'Thank you so much!!',
    'ok',
    'got it.',
    '谢谢',
    '謝謝！',
    '好的',
    '👍',
    '🙏🙏',
  ])('"%s" thanks', (text) => expect(chatterKind(text)).toBe('thanks'));

  test.each([
    'hi, is esim safe',
    'ok so how do i set up esim',
    'thanks but what about the puk',
    '你好，eSIM安全吗',
    '好用吗',
  ])('"%s" is a question, chatter or not', (text) => expect(chatterKind(text)).toBeUndefined());
});

describe('isAboutTheBot', () => {
  test.each([
    'who are you?',
    'What can you do',
    'are you a bot',
    'help',
    '你是谁呀',
    '你能做什么',
    '你是机器人吗',
  ])('"%s" asks about the bot', (text) => expect(isAboutTheBot(normalizeText(text))).toBe(true));

  test.each([
    'what can esim do',
    'who are you people',
    'help me with my esim',
    '能做什么',
    'eSIM能做什么',
  ])('"%s" asks about a topic', (text) => expect(isAboutTheBot(normalizeText(text))).toBe(false));
});

describe('looksLikeQuestion', () => {
  test('a question mark, a question word or a Chinese particle makes a question', () => {
    expect(looksLikeQuestion('esim safe?')).toBe(true);
    expect(looksLikeQuestion('how do i turn off data')).toBe(true);
    expect(looksLikeQuestion('eSIM安全吗')).toBe(true);
    expect(looksLikeQuestion('nice weather today')).toBe(false);
  });
});
