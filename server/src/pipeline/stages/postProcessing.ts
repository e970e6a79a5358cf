import type { SqlDialect } from '../../ports.js';
import { expandDictionaryAbbreviations } from '../../sql/abbreviations.js';
import { extractSql } from '../../sql/extract.js';
import type { PipelineDeps } from '../types.js';

/**
 * Model output → the SQL to run: extraction, then the department and project abbreviation
 * rewrite (read fresh from the store, so an admin's change applies to this very ask).
 * Returns null when the output holds no SQL. Safety is checked right before execution.
 */
export async function postProcessSql(
  deps: PipelineDeps,
  input: { raw: string; dialect: SqlDialect },
): Promise<string | null> {
  const extracted = extractSql(input.raw);
  if (extracted === null) return null;
  const dictionaries = await deps.knowledge.abbreviationDictionaries();
  return expandDictionaryAbbreviations(extracted, dictionaries, input.dialect);
}
