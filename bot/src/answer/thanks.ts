/** Words that only soften a thanks ("ok thanks", "好的谢谢"). */
const SOFTENERS = '(?:ok(?:ay)?|great|perfect|nice|cool|awesome|got it|好的|好|收到|明白了?|了解)';
/** The thanks itself, in English and Chinese. */
const THANKS =
  '(?:thanks?(?: you)?(?: (?:so|very) much| a lot| again)?|thank u|thx|tks|ty|many thanks|cheers|谢谢(?:你|您|啦|了)?|谢了|多谢|感谢(?:感谢)?|辛苦了?)';
/** Trailing punctuation and emoji a thanks carries (:pray:, 🙏, !, ~). */
const TRAILING = String.raw`(?:[\s!！.。,，~～]|:[a-z0-9_+-]+:|\p{Extended_Pictographic}|\u{FE0F})*`;

const PLAIN_THANKS = new RegExp(
  String.raw`^(?:${SOFTENERS}[\s,，!！]*)?${THANKS}(?:[\s,，!！]*${SOFTENERS})?${TRAILING}$`,
  'iu',
);

/**
 * Whether a message is a plain "thanks" and nothing more: answered with a reaction, never with
 * an ask (a colleague's "thanks!" in a thread is not a question). A thanks followed by a
 * question ("thanks, and by region?") is not plain.
 */
export function isPlainThanks(text: string): boolean {
  return PLAIN_THANKS.test(text.trim());
}

/** The reaction a plain thanks gets. */
export const THANKS_REACTION = 'pray';
