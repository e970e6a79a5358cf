import type { EntitySchemaColumnOptions } from 'typeorm';

/*
 * Column shapes shared by the entities and mirrored by the migrations. Lengths are chosen so
 * every indexed varchar fits MySQL's 3,072-byte index limit in utf8mb4, and every text column
 * fits MySQL TEXT (65,535 bytes) at the API's length limits.
 */

export const idColumn: EntitySchemaColumnOptions = {
  type: 'integer',
  primary: true,
  generated: 'increment',
};

/** Millisecond precision keeps ordering by time stable for rows written within one second. */
export const timestampColumn: EntitySchemaColumnOptions = { type: 'datetime', precision: 3 };

export const varchar = (length: number, nullable = false): EntitySchemaColumnOptions => ({
  type: 'varchar',
  length,
  nullable,
});

export const longText = (nullable = false): EntitySchemaColumnOptions => ({
  type: 'text',
  nullable,
});

export const integer = (nullable = false): EntitySchemaColumnOptions => ({
  type: 'integer',
  nullable,
});

/** Length of a data source name column; names are validated to at most 64 characters. */
export const NAME_LENGTH = 128;
/** sha256 hex of a normalized question. */
export const KEY_LENGTH = 64;
