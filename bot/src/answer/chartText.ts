/**
 * How wide a chart's text is drawn, for Vega's layout when it renders without a canvas.
 *
 * Vega sizes axes, legends and label truncation from text widths. Headless, it guesses 0.8 em
 * for every character: too wide for Latin text and too narrow for Chinese, whose characters
 * are a full em. Labels of Chinese categories then reach past the chart's left edge (cut off in
 * the PNG) or overlap the axis. This measures per character instead: full-width scripts at 1 em,
 * ASCII at DejaVu Sans's advance widths (the widest sans in the font chain, so Latin text is
 * never measured short whichever font draws it), other letters at a generous 0.7 em.
 */

/** DejaVu Sans advance widths in em for ASCII 32 (space) to 126 (~), read from the font's hmtx. */
const ASCII_EM = [
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318,
  0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838,
  0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295,
  0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685,
  0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635,
  0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634,
  0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
];
/** Bold faces run about a tenth wider (DejaVu Sans Bold against Regular, over ASCII). */
const BOLD_FACTOR = 1.1;
/** Letters outside ASCII and the full-width scripts: accented Latin, Greek, Cyrillic… */
const OTHER_EM = 0.7;
/** Emoji are drawn a little wider than an em by colour emoji fonts. */
const EMOJI_EM = 1.25;

/** Han, kana, Hangul, CJK punctuation and full-width forms: one em each in every CJK font. */
const FULL_WIDTH =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u;
const EMOJI = /\p{Extended_Pictographic}/u;
const COMBINING = /\p{M}/u;

/** Width in em of one character (a code point). */
export function characterEm(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code >= 32 && code <= 126) return ASCII_EM[code - 32] ?? OTHER_EM;
  if (FULL_WIDTH.test(char)) return 1;
  if (EMOJI.test(char)) return EMOJI_EM;
  if (COMBINING.test(char) || code < 32) return 0;
  return OTHER_EM;
}

/** Width in em of a text. */
export function textEm(text: string): number {
  let em = 0;
  for (const char of text) em += characterEm(char);
  return em;
}

/** The fields of a Vega text item that decide its width. */
export interface TextItem {
  fontSize?: number | string | null;
  fontWeight?: number | string | null;
  /** Maximum width in pixels; Vega truncates the text with an ellipsis to fit. */
  limit?: number | null;
}

/**
 * Vega's `textMetrics.width` contract: the drawn width in pixels of `text` in `item`'s font,
 * after truncation to `item.limit` (Vega truncates with this same function, so a text wider
 * than its limit is drawn about the limit wide).
 */
export function textWidth(item: TextItem, text: unknown): number {
  const value = text == null ? '' : String(text).trim();
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const weight = item.fontWeight;
  const bold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
  const width = textEm(value) * size * (bold ? BOLD_FACTOR : 1);
  const limit = Number(item.limit);
  return limit > 0 ? Math.min(width, limit) : width;
}
