import type Database from 'better-sqlite3';
import { quoteSqliteIdentifier as sq } from '../../datasources/sqlite.js';

/*
 * What a SQLite column really holds, for the loaders that copy a Spider database into another
 * engine (mysqlLoader.ts, postgresLoader.ts). SQLite types values, not columns (an INT column
 * may hold '' or 'n/a'), so `targetType` picks each column's type among the engine's from this
 * profile of the values and only refines it by the declared type.
 */

type StorageClass = 'integer' | 'real' | 'text' | 'blob' | 'null';

interface SourceColumn {
  /** As SQLite spells it. */
  name: string;
  declared: string;
  pk: number;
}

const INT32 = 2n ** 31n;

export interface ColumnProfile {
  /** The column holds at least one value of this storage class. */
  has(kind: StorageClass): boolean;
  /** The longest value as text (0 when every value is NULL). */
  maxLength: number;
  /** The range of the integers it holds (0 when it holds none). */
  minInt: bigint;
  maxInt: bigint;
  /** Every value of one storage class, read when asked for. */
  values(kind: StorageClass): unknown[];
}

function profileColumn(
  source: Database.Database,
  table: string,
  column: SourceColumn,
): ColumnProfile {
  const name = sq(column.name);
  const classes = new Map<StorageClass, number>();
  for (const row of source
    .prepare(`SELECT typeof(${name}) AS kind, count(*) AS n FROM ${sq(table)} GROUP BY 1`)
    .all() as { kind: StorageClass; n: bigint }[]) {
    classes.set(row.kind, Number(row.n));
  }
  const stats = source
    .prepare(
      `SELECT max(length(CAST(${name} AS TEXT))) AS maxLength,
              min(CASE WHEN typeof(${name}) = 'integer' THEN ${name} END) AS minInt,
              max(CASE WHEN typeof(${name}) = 'integer' THEN ${name} END) AS maxInt
       FROM ${sq(table)}`,
    )
    .get() as { maxLength: bigint | null; minInt: bigint | null; maxInt: bigint | null };
  return {
    has: (kind) => (classes.get(kind) ?? 0) > 0,
    maxLength: Number(stats.maxLength ?? 0),
    minInt: stats.minInt ?? 0n,
    maxInt: stats.maxInt ?? 0n,
    values: (kind) =>
      (
        source
          .prepare(`SELECT ${name} AS v FROM ${sq(table)} WHERE typeof(${name}) = '${kind}'`)
          .all() as { v: unknown }[]
      ).map((row) => row.v),
  };
}

/**
 * A valid calendar date, date and time, or time of day, in exactly the text `format` describes:
 * what MySQL and PostgreSQL give back unchanged for a DATE/DATETIME/TIMESTAMP/TIME column.
 */
function isExactDateText(value: string, format: RegExp): boolean {
  if (!format.test(value)) return false;
  if (/^\d{2}:/.test(value))
    return (
      Number(value.slice(0, 2)) < 24 &&
      Number(value.slice(3, 5)) < 60 &&
      Number(value.slice(6, 8)) < 60
    );
  const parsed = new Date(`${value.replace(' ', 'T')}${value.length === 10 ? 'T00:00:00' : ''}Z`);
  return (
    !Number.isNaN(parsed.getTime()) &&
    parsed.toISOString().slice(0, value.length).replace('T', ' ') === value
  );
}

/**
 * The precision and scale of a column declared DECIMAL(p,s)/NUMERIC(p,s) when every real it
 * holds fits them exactly; undefined otherwise (then only a double holds the values unchanged).
 */
function exactDecimal(
  declared: string,
  reals: readonly number[],
): { precision: number; scale: number } | undefined {
  const decimal = /^(?:decimal|numeric)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)/i.exec(declared.trim());
  if (!decimal) return undefined;
  const [precision, scale] = [Number(decimal[1]), Number(decimal[2])];
  const fits = reals.every(
    (value) =>
      Number(value.toFixed(scale)) === value && Math.abs(value) < 10 ** (precision - scale),
  );
  return fits ? { precision, scale } : undefined;
}

/** The target engine's column type for a profiled column, and whether it stores text. */
interface TargetType {
  type: string;
  /** A text column: numbers SQLite holds in it are copied as the text SQLite shows for them. */
  asText: boolean;
}

/** An engine's names for the types `targetType` chooses among. */
export interface EngineTypes {
  blob: string;
  double: string;
  decimal(precision: number, scale: number): string;
  /** Integers within 32 bits in a column declared as some INT. */
  integer: string;
  bigint: string;
  /** Text that is no date type's exact spelling, and a column of NULLs declared as no number. */
  text(declared: string, column: ColumnProfile): string;
  /**
   * Declared date types whose stored text the engine gives back unchanged: the declared name,
   * the engine's type for it, and the exact spelling every value must have.
   */
  dates: Array<{ declared: RegExp; type(declared: string): string; format: RegExp }>;
}

/**
 * The engine's type that holds every value SQLite stored in a column unchanged. SQLite types
 * values, not columns, so the values decide and the declared type only refines: integers only →
 * `integer`/`bigint`; any real → `double` (`decimal` when declared DECIMAL(p,s) and every value
 * fits it exactly); any text → `text`, or a date type when declared so and every value is already
 * in that type's exact spelling; blobs → `blob`.
 */
function targetType(engine: EngineTypes, declared: string, column: ColumnProfile): TargetType {
  if (column.has('blob')) return { type: engine.blob, asText: false };
  if (column.has('text')) {
    const date = engine.dates.find((candidate) => candidate.declared.test(declared.trim()));
    if (
      date &&
      !column.has('integer') &&
      !column.has('real') &&
      column.values('text').every((value) => isExactDateText(String(value), date.format))
    ) {
      return { type: date.type(declared), asText: true };
    }
    return { type: engine.text(declared, column), asText: true };
  }
  if (column.has('real')) {
    const decimal = exactDecimal(declared, column.values('real').map(Number));
    return {
      type: decimal ? engine.decimal(decimal.precision, decimal.scale) : engine.double,
      asText: false,
    };
  }
  if (column.has('integer')) {
    const small = column.minInt >= -INT32 && column.maxInt < INT32 && /int/i.test(declared);
    return { type: small ? engine.integer : engine.bigint, asText: false };
  }
  // Only NULLs: SQLite's affinity rules on the declared type.
  if (/int/i.test(declared)) return { type: engine.bigint, asText: false };
  if (/real|floa|doub/i.test(declared)) return { type: engine.double, asText: false };
  if (/blob/i.test(declared)) return { type: engine.blob, asText: false };
  return { type: engine.text(declared, column), asText: true };
}

/** One table of the SQLite database, read as every loader copies it. */
interface SourceTable {
  name: string;
  columns: SourceColumn[];
  /** The target's type of each column, in column order. */
  types: TargetType[];
  /** Its rows in column order, integers as decimal text (they may exceed a JS number). */
  rows(): Iterable<unknown[]>;
  /** The primary key's columns, in key order (none when it has no key). */
  primaryKey: string[];
  /** Each foreign key, with the referenced columns spelled out. */
  foreignKeys: Array<{ columns: string[]; table: string; targetColumns: string[] }>;
}

/**
 * The tables of `source` in creation order, each column typed by `targetType` in the target
 * engine's types. Opened with `defaultSafeIntegers(true)`, so integers come back exact.
 */
export function sourceTables(source: Database.Database, engine: EngineTypes): SourceTable[] {
  const names = (
    source
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
      )
      .all() as { name: string }[]
  ).map((row) => row.name);
  const keyColumns = (table: string) =>
    (
      source
        .prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk')
        .all(table) as { name: string }[]
    ).map((row) => row.name);
  return names.map((name) => {
    const columns = (
      source.prepare('SELECT name, type, pk FROM pragma_table_info(?)').all(name) as {
        name: string;
        type: string | null;
        pk: bigint;
      }[]
    ).map(
      (row): SourceColumn => ({ name: row.name, declared: row.type ?? '', pk: Number(row.pk) }),
    );
    const types = columns.map((column) =>
      targetType(engine, column.declared, profileColumn(source, name, column)),
    );
    const select = `SELECT ${columns
      .map((column, index) =>
        // A number in a text column is the text SQLite would show for it.
        types[index]?.asText
          ? `CASE WHEN typeof(${sq(column.name)}) IN ('integer', 'real') THEN CAST(${sq(column.name)} AS TEXT) ELSE ${sq(column.name)} END`
          : sq(column.name),
      )
      .join(', ')} FROM ${sq(name)}`;
    const foreign = source
      .prepare('SELECT id, "from", "table", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq')
      .all(name) as { id: bigint; from: string; table: string; to: string | null }[];
    const byId = new Map<string, typeof foreign>();
    for (const key of foreign) byId.set(String(key.id), [...(byId.get(String(key.id)) ?? []), key]);
    return {
      name,
      columns,
      types,
      *rows() {
        for (const row of source.prepare(select).raw(true).iterate() as Iterable<unknown[]>) {
          yield row.map((value) => (typeof value === 'bigint' ? value.toString() : value));
        }
      },
      primaryKey: columns
        .filter((column) => column.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((column) => column.name),
      foreignKeys: [...byId.values()].map((parts) => {
        const table = parts[0]?.table ?? '';
        return {
          columns: parts.map((part) => part.from),
          table,
          // `REFERENCES t` without columns means t's primary key.
          targetColumns: parts.some((part) => part.to === null)
            ? keyColumns(table)
            : parts.map((part) => part.to as string),
        };
      }),
    };
  });
}
