import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TableInfo } from '../ports.js';

/** The Spider dev set shipped in the team's shared folder, beside the repository. */
export const SPIDER_DIR = resolve(import.meta.dirname, '../../../../shared/datasets/spider-dev');

interface SpiderSchema {
  db_id: string;
  table_names_original: string[];
  table_names: string[];
  column_names_original: [number, string][];
  column_names: [number, string][];
  column_types: string[];
  primary_keys: (number | number[])[];
  foreign_keys: [number, number][];
}

export interface SpiderQuestion {
  db_id: string;
  question: string;
  query: string;
  /** Tables the gold query reads, lower-case. */
  goldTables: string[];
}

/** Schemas as Spider's tables.json states them (names, types, keys, natural-language names). */
export async function loadSpiderSchemas(dir = SPIDER_DIR): Promise<Map<string, TableInfo[]>> {
  const schemas = JSON.parse(await readFile(join(dir, 'tables.json'), 'utf8')) as SpiderSchema[];
  return new Map(schemas.map((schema) => [schema.db_id, toTables(schema)]));
}

function toTables(schema: SpiderSchema): TableInfo[] {
  const primary = new Set(schema.primary_keys.flat());
  return schema.table_names_original.map((name, tableIndex) => {
    const columns = schema.column_names_original
      .map(([table, column], index) => ({ table, column, index }))
      .filter((entry) => entry.table === tableIndex);
    return {
      name,
      // Spider's natural-language names ("singer in concert") are what a table comment says.
      comment: schema.table_names[tableIndex],
      columns: columns.map(({ column, index }) => ({
        name: column,
        type: schema.column_types[index] ?? 'text',
        nullable: !primary.has(index),
        primaryKey: primary.has(index),
        comment: schema.column_names[index]?.[1],
      })),
      foreignKeys: schema.foreign_keys
        .filter(([from]) => schema.column_names_original[from]?.[0] === tableIndex)
        .map(([from, to]) => {
          const target = schema.column_names_original[to] as [number, string];
          return {
            column: schema.column_names_original[from]?.[1] ?? '',
            referencedTable: schema.table_names_original[target[0]] ?? '',
            referencedColumn: target[1],
          };
        }),
    };
  });
}

/** The dev questions with their gold SQL and the tables that SQL reads. */
export async function loadSpiderQuestions(dir = SPIDER_DIR): Promise<SpiderQuestion[]> {
  const raw = JSON.parse(await readFile(join(dir, 'dev.json'), 'utf8')) as Array<{
    db_id: string;
    question: string;
    query: string;
    sql: unknown;
  }>;
  const schemas = JSON.parse(await readFile(join(dir, 'tables.json'), 'utf8')) as SpiderSchema[];
  const names = new Map(schemas.map((s) => [s.db_id, s.table_names_original]));
  return raw.map((entry) => {
    const tables = new Set<string>();
    collectTableUnits(entry.sql, (index) => {
      const name = names.get(entry.db_id)?.[index];
      if (name) tables.add(name.toLowerCase());
    });
    return {
      db_id: entry.db_id,
      question: entry.question,
      query: entry.query,
      goldTables: [...tables],
    };
  });
}

/** Spider's parsed SQL marks every table read as ["table_unit", index], at any depth. */
function collectTableUnits(node: unknown, found: (index: number) => void): void {
  if (!Array.isArray(node)) {
    if (node && typeof node === 'object')
      for (const value of Object.values(node)) collectTableUnits(value, found);
    return;
  }
  if (node[0] === 'table_unit' && typeof node[1] === 'number') {
    found(node[1]);
    return;
  }
  for (const item of node) collectTableUnits(item, found);
}

/**
 * Every table of the Spider dev databases that ship a SQLite file, in one catalogue, names
 * qualified by database (several databases have a table called `singer`).
 */
export async function loadSpiderCatalogue(
  dir = SPIDER_DIR,
): Promise<{ databases: string[]; tables: TableInfo[] }> {
  const schemas = await loadSpiderSchemas(dir);
  const databases = [...schemas.keys()].filter((db) => existsSync(spiderDatabasePath(dir, db)));
  const tables = databases.flatMap((db) =>
    (schemas.get(db) ?? []).map((table) => ({
      ...table,
      name: `${db}.${table.name}`,
      foreignKeys: table.foreignKeys.map((key) => ({
        ...key,
        referencedTable: `${db}.${key.referencedTable}`,
      })),
    })),
  );
  return { databases, tables };
}

/** The SQLite file of one Spider database. */
export function spiderDatabasePath(dir: string, db: string): string {
  return join(dir, 'database', db, `${db}.sqlite`);
}
