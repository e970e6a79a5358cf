import { createHash } from 'node:crypto';

/**
 * The form two questions share when a user would call them "the same question": NFKC (folds
 * full-width letters and digits), lower case, punctuation (Chinese included) turned into spaces,
 * runs of spaces collapsed, and no spaces left between Chinese characters, since Chinese is
 * written without them. Idempotent, so callers may pass raw or normalized text.
 */
export function normalizeQuestion(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/(?<=\p{Script=Han}) (?=\p{Script=Han})/gu, '');
}

/**
 * Fixed-length key of a normalized question. MySQL cannot index long text (questions go up to
 * 4,000 characters), so the unique and lookup indexes are on this hash instead.
 */
export function questionKey(normalizedQuestion: string): string {
  return createHash('sha256').update(normalizedQuestion).digest('hex');
}

/**
 * What makes two abbreviations the same entry. MySQL's default collation compares
 * case-insensitively and SQLite does not; storing this key makes both agree.
 */
export function abbreviationKey(abbreviation: string): string {
  return abbreviation.normalize('NFKC').trim().toLowerCase();
}
