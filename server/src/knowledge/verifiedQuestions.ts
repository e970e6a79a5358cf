import type { SqlPair } from '@quarry/shared';
import { normalizeQuestion, questionKey } from './normalize.js';
import type { VerifiedAnswer } from './port.js';

/**
 * The historical match's index: SQL verified for a question on a data source, looked up in
 * memory. Built once per knowledge snapshot from the SQL pairs that pass their check and the
 * up-voted answers (`AskHistory.verifiedAnswers`). Questions match when they normalize alike
 * (case, width, punctuation, spaces: `normalizeQuestion`). A SQL pair wins over an up-voted
 * answer; among answers, the newest.
 */
export interface VerifiedQuestions {
  sqlFor(question: string, datasource: string): string | undefined;
  readonly size: number;
}

const entryKey = (datasource: string, key: string) => `${datasource}\u0000${key}`;

export function indexVerifiedQuestions(
  pairs: readonly Pick<SqlPair, 'question' | 'sql' | 'datasource' | 'broken'>[],
  answers: readonly VerifiedAnswer[],
): VerifiedQuestions {
  const verified = new Map<string, string>();
  // Newest first: the first answer seen for a question is the one kept.
  for (const answer of answers) {
    const key = entryKey(answer.datasource, answer.question_key);
    if (!verified.has(key)) verified.set(key, answer.sql);
  }
  for (const pair of pairs) {
    // A pair whose SQL no longer passes its check answers nothing.
    if (pair.broken !== null) continue;
    verified.set(
      entryKey(pair.datasource, questionKey(normalizeQuestion(pair.question))),
      pair.sql,
    );
  }
  return {
    sqlFor: (question, datasource) =>
      verified.get(entryKey(datasource, questionKey(normalizeQuestion(question)))),
    size: verified.size,
  };
}
