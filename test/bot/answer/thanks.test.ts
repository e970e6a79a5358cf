import { describe, expect, it } from 'vitest';
import { isPlainThanks } from '../../../bot/src/answer/thanks.js';

describe('a plain thanks', () => {
  it.each([
    'thanks!',
    'Thanks',
    'thank you so much 🙏',
    'ok thanks',
    'thx',
    'great, thanks :pray:',
    '谢谢',
    '谢谢！',
    '好的谢谢',
    '多谢~',
    '感谢感谢',
    '收到，谢谢',
  ])('is recognised: %s', (text) => {
    expect(isPlainThanks(text)).toBe(true);
  });

  it.each([
    'thanks, and by region?',
    '谢谢，那市场部呢？',
    'how many thanks cards were sent?',
    '市场部呢?',
    'thanksgiving sales',
    '',
  ])('is not a question mistaken for one: %s', (text) => {
    expect(isPlainThanks(text)).toBe(false);
  });
});
