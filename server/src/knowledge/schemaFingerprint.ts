import { createHash } from 'node:crypto';
import type { TableInfo } from '../ports.js';
import type { AccessRules } from '../sql/guard.js';

/**
 * One value for a data source's schema as a check sees it: its tables and typed columns, and
 * what is hidden. Knowledge checked against a schema (SQL pairs, the semantic layer) stores it
 * and is checked again only when it differs.
 */
export function schemaFingerprint(tables: readonly TableInfo[], rules: AccessRules): string {
  const shape = tables
    .map((t) => `${t.name}(${t.columns.map((c) => `${c.name} ${c.type}`).join(',')})`)
    .sort()
    .join(';');
  return createHash('sha256').update(shape).update(JSON.stringify(rules)).digest('hex');
}
