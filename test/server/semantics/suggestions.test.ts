import { describe, expect, it } from 'vitest';
import type { ColumnInfo, TableInfo } from '../../../server/src/ports.js';
import {
  declaredRelationships,
  suggestRelationships,
} from '../../../server/src/semantics/suggestions.js';

const column = (name: string, type: string, primaryKey = false): ColumnInfo => ({
  name,
  type,
  nullable: !primaryKey,
  primaryKey,
});
const table = (
  name: string,
  columns: ColumnInfo[],
  foreignKeys: TableInfo['foreignKeys'] = [],
) => ({
  name,
  columns,
  foreignKeys,
});

describe('relationship suggestions', () => {
  const tables: TableInfo[] = [
    table('categories', [column('id', 'INT', true), column('label', 'VARCHAR(20)')]),
    table('departments', [column('dept_no', 'CHAR(4)', true), column('name', 'TEXT')]),
    table('employees', [
      column('id', 'BIGINT', true),
      column('dept_no', 'CHAR(4)'),
      column('manager_id', 'INTEGER'),
    ]),
    table('products', [
      column('id', 'INTEGER', true),
      column('category_id', 'INTEGER'),
      // Named like a key of employees, but text: not the same key.
      column('employee_id', 'VARCHAR(40)'),
    ]),
    table(
      'orders',
      [column('id', 'INTEGER', true), column('product_id', 'INTEGER')],
      [{ column: 'product_id', referencedTable: 'products', referencedColumn: 'id' }],
    ),
    table('passports', [column('employee_id', 'INTEGER', true), column('number', 'TEXT')]),
  ];

  it('match <x>_id to the plural table’s key and a column named like another table’s key, of the same type', () => {
    expect(suggestRelationships(tables, declaredRelationships(tables))).toEqual([
      {
        from_table: 'employees',
        from_columns: ['dept_no'],
        to_table: 'departments',
        to_columns: ['dept_no'],
        kind: 'many_to_one',
      },
      {
        from_table: 'products',
        from_columns: ['category_id'],
        to_table: 'categories',
        to_columns: ['id'],
        kind: 'many_to_one',
      },
      {
        from_table: 'passports',
        from_columns: ['employee_id'],
        to_table: 'employees',
        to_columns: ['id'],
        kind: 'one_to_one',
      },
    ]);
  });

  it('leave out what is declared or already defined', () => {
    const defined = {
      from_table: 'products',
      from_columns: ['category_id'],
      to_table: 'categories',
      to_columns: ['id'],
      kind: 'many_to_one' as const,
    };
    const suggested = suggestRelationships(tables, [...declaredRelationships(tables), defined]);
    expect(suggested.map((s) => `${s.from_table}.${s.from_columns[0]}`)).toEqual([
      'employees.dept_no',
      'passports.employee_id',
    ]);
  });
});
