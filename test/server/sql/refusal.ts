import type { SqlDialect } from '@quarry/server';
import { isQuarryError, type QuarryError } from '../../../server/src/errors.js';
import { type AccessRules, assertReadOnlySql } from '../../../server/src/sql/guard.js';

/** The UNSAFE_SQL error the guard throws for `sql`; fails the test when it lets the SQL through. */
export function refusalOf(sql: string, dialect: SqlDialect, rules?: AccessRules): QuarryError {
  try {
    assertReadOnlySql(sql, dialect, rules);
  } catch (error) {
    if (isQuarryError(error, 'UNSAFE_SQL')) return error;
    throw error;
  }
  throw new Error(`The guard let this ${dialect} SQL through: ${sql}`);
}
