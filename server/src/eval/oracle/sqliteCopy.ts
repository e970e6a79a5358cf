import Database from 'better-sqlite3';
import { type EngineTypes, sourceTables } from './sqliteColumns.js';

/** What a load did not carry over (a key the data breaks, say), for the report. */
export interface LoadReport {
  tables: number;
  rows: number;
  warnings: string[];
}

/**
 * What copying a SQLite database needs from the engine it goes into; the rest (reading the
 * source, creating the tables, batching the rows, adding the keys after the data) is the same for
 * every engine and lives in `copySqliteDatabase`.
 */
export interface CopyTarget {
  /** The engine's names for the column types the copy chooses among. */
  types: EngineTypes;
  /** A SQLite table or column name as the engine's quoted identifier. */
  quote(name: string): string;
  /** Runs one statement on the target database. */
  execute(sql: string): Promise<void>;
  /** How many rows one INSERT carries into a table of `columns` columns. */
  batchRows(columns: number): number;
  /** Runs `insert` (`INSERT INTO t (c, …) VALUES `) for the rows, each in column order. */
  insertRows(insert: string, columns: number, rows: unknown[][]): Promise<void>;
  /**
   * How foreign keys are added without checking the rows already there, as SQLite (foreign_keys
   * off by default) never checked them: statements run before and after the keys, and a clause
   * after each foreign key.
   */
  uncheckedForeignKeys: { before?: string; clause?: string; after?: string };
  /** The statement that gathers statistics for the copied tables (quoted), if any. */
  analyze(tables: string[]): string | undefined;
}

/**
 * Copies a SQLite database (a Spider database file) into the empty database `target` writes to:
 * every table with its columns in order, every row with the values SQLite stored, primary keys
 * and foreign keys where the data satisfies them (a key the data breaks is left out and named in
 * `warnings`; Spider's files hold a few).
 */
export async function copySqliteDatabase(
  sqlitePath: string,
  target: CopyTarget,
): Promise<LoadReport> {
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  source.defaultSafeIntegers(true);
  const q = (name: string) => target.quote(name);
  const warnings: string[] = [];
  let rowCount = 0;
  try {
    const tables = sourceTables(source, target.types);
    const primaryKeys: string[] = [];
    const foreignKeys: string[] = [];
    const { before, clause, after } = target.uncheckedForeignKeys;
    for (const {
      name: table,
      columns,
      types,
      rows,
      primaryKey,
      foreignKeys: references,
    } of tables) {
      await target.execute(
        `CREATE TABLE ${q(table)} (${columns
          .map((column, index) => `${q(column.name)} ${types[index]?.type} NULL`)
          .join(', ')})`,
      );
      const insert = `INSERT INTO ${q(table)} (${columns.map((column) => q(column.name)).join(', ')}) VALUES `;
      const batchRows = target.batchRows(columns.length);
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await target.insertRows(insert, columns.length, batch);
        rowCount += batch.length;
        batch = [];
      };
      for (const row of rows()) {
        batch.push(row);
        if (batch.length === batchRows) await flush();
      }
      await flush();
      if (primaryKey.length > 0) {
        primaryKeys.push(
          `ALTER TABLE ${q(table)} ADD PRIMARY KEY (${primaryKey.map(q).join(', ')})`,
        );
      }
      for (const reference of references) {
        foreignKeys.push(
          `ALTER TABLE ${q(table)} ADD FOREIGN KEY (${reference.columns.map(q).join(', ')}) REFERENCES ${q(reference.table)} (${reference.targetColumns.map(q).join(', ')})${clause ? ` ${clause}` : ''}`,
        );
      }
    }
    // Keys after the data, so a key the data breaks costs the key, not the rows.
    if (before) await target.execute(before);
    // Primary keys first: a foreign key needs its target's key in place.
    for (const statement of [...primaryKeys, ...foreignKeys]) {
      try {
        await target.execute(statement);
      } catch (error) {
        warnings.push(`${statement}: ${(error as Error).message}`);
      }
    }
    if (after) await target.execute(after);
    // Statistics now, not whenever the engine gets to them: a plan (and so the order of tied rows
    // under ORDER BY … LIMIT) must not change between the gold run and Quarry's.
    const analyze = target.analyze(tables.map((table) => q(table.name)));
    if (analyze) await target.execute(analyze);
    return { tables: tables.length, rows: rowCount, warnings };
  } finally {
    source.close();
  }
}
