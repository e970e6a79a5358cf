import type { CellValue } from '@quarry/shared';

/** Slack's mrkdwn needs these three escaped everywhere, code blocks included. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts to at most `max` characters (code points), marking the cut with an ellipsis. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * A mrkdwn code block holding `body`, at most `max` characters long in total. A triple backtick
 * inside the body would close the block early, so it is broken with a zero-width space.
 */
export function codeBlock(body: string, max: number): string {
  const safe = escapeMrkdwn(body.replace(/```/g, '`\u200b``'));
  return `\`\`\`${cut(safe, max - 6)}\`\`\``;
}

/** How a cell reads as text: null and empty strings are blank, the caller decides how to fill. */
export function cellText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  return String(value);
}

/** Columns wide in a monospace font: CJK and full-width characters take two cells. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += isWide(char) ? 2 : 1;
  return width;
}

/** Cuts to a display width, marking the cut with an ellipsis. */
export function cutToWidth(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  let width = 0;
  for (const char of text) {
    const next = width + (isWide(char) ? 2 : 1);
    if (next > max - 1) break;
    out += char;
    width = next;
  }
  return `${out}…`;
}

export function padToWidth(text: string, width: number, alignRight: boolean): string {
  const padding = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return alignRight ? padding + text : text + padding;
}

function isWide(char: string): boolean {
  return /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uff60\uffe0-\uffe6]/u.test(
    char,
  );
}
