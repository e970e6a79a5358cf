import { type SqlPair, type SqlPairInput, sqlPairInputSchema } from '@quarry/shared';
import { type Validation, validate } from '../../lib/forms';

/** What the SQL pair form edits; the server's body schema decides what is valid. */
export interface SqlPairValues {
  question: string;
  sql: string;
  datasource: string;
}

export function sqlPairValues(
  pair?: SqlPair,
  defaults: Partial<SqlPairValues> = {},
): SqlPairValues {
  return {
    question: pair?.question ?? defaults.question ?? '',
    sql: pair?.sql ?? defaults.sql ?? '',
    datasource: pair?.datasource ?? defaults.datasource ?? 'default',
  };
}

export function validateSqlPair(values: SqlPairValues): Validation<SqlPairInput> {
  return validate(sqlPairInputSchema, values);
}
