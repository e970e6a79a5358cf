/** The languages the bot answers in. */
export type Language = 'en' | 'zh';

/**
 * The language to answer in: a question with Chinese characters gets Chinese, anything else
 * English. Japanese kana wins over shared Han characters, and Japanese falls back to English
 * rather than being answered in Chinese.
 */
export function detectLanguage(text: string): Language {
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'en';
  return /\p{Script=Han}/u.test(text) ? 'zh' : 'en';
}
