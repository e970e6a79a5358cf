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
  const read = (name: string): Promise<TableInfo[]> => {
    const tables = deps.dataSource(name).then((source) => source.describe());
    cache.set(name, { at: Date.now(), tables });
    tables.catch(() => {
      if (cache.get(name)?.tables === tables) cache.delete(name);
    });
    return tables;
  };
  return {
    tables(name: string): Promise<TableInfo[]> {
      const hit = cache.get(name);
      if (hit && Date.now() - hit.at < ttl) return hit.tables;
      return read(name);
    },
    /** Reads the schema now (an admin page must see a change at once); asks then see it too. */
    fresh: read,
  };
}
