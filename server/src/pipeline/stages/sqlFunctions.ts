import type { SqlDialect } from '../../ports.js';
import { sqlFunctionsFor } from '../prompts/sqlFunctions.js';

/** The data source's dialect functions for the generation prompt. */
export function retrieveSqlFunctions(input: { dialect: SqlDialect }): string {
  return sqlFunctionsFor(input.dialect);
}
