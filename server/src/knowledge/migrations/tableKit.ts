import { type QueryRunner, Table, type TableColumnOptions, type TableIndexOptions } from 'typeorm';

/*
 * Helpers the migrations share. The Table API writes dialect-specific DDL, so one migration
 * runs unchanged on SQLite and MySQL/MariaDB. Once a migration has shipped, its tables never
 * change here: later changes are new migrations.
 */

export const column = {
  id: (): TableColumnOptions => ({
    name: 'id',
    type: 'integer',
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
  }),
  varchar: (name: string, length: number, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable: nullable,
  }),
  text: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'text',
    isNullable: nullable,
  }),
  integer: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'integer',
    isNullable: nullable,
  }),
  timestamp: (name: string): TableColumnOptions => ({ name, type: 'datetime', precision: 3 }),
};

export function uniqueIndex(name: string, columnNames: string[]): TableIndexOptions {
  return { name, columnNames, isUnique: true };
}

export function isMysql(queryRunner: QueryRunner): boolean {
  const type = queryRunner.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}

/**
 * Creates a table. On MySQL the table is converted to utf8mb4 because the database's default
 * character set may be an older one that can't hold Chinese text or emoji.
 */
export async function createTable(
  queryRunner: QueryRunner,
  name: string,
  columns: TableColumnOptions[],
  indices: TableIndexOptions[] = [],
): Promise<void> {
  await queryRunner.createTable(new Table({ name, columns, indices }));
  if (isMysql(queryRunner)) {
    await queryRunner.query(
      `ALTER TABLE \`${name}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  }
}
