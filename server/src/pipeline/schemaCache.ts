import type { DataSource, TableInfo } from '../ports.js';

/** How long a described schema is reused before the database is asked again. */
const SCHEMA_TTL_MS = 60_000;

/**
 * Caches `describe()` per data source so asks don't read information_schema every time;
 * concurrent asks share one read.
 */
export function createSchemaCache(deps: {
  dataSource: (name: string) => Promise<DataSource>;
  ttlMs?: number;
}) {
  const ttl = deps.ttlMs ?? SCHEMA_TTL_MS;
  const cache = new Map<string, { at: number; tables: Promise<TableInfo[]> }>();
  return {
    tables(name: string): Promise<TableInfo[]> {
      const hit = cache.get(name);
      if (hit && Date.now() - hit.at < ttl) return hit.tables;
      const tables = deps.dataSource(name).then((source) => source.describe());
      tables.catch(() => cache.delete(name));
      cache.set(name, { at: Date.now(), tables });
      return tables;
    },
    invalidate(name: string): void {
      cache.delete(name);
    },
  };
}
