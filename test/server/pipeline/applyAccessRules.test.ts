import { describe, expect, it } from 'vitest';
import {
  applyAccessRules,
  createAccessRuleCache,
} from '../../../server/src/pipeline/accessRuleCache.js';
import type { TableInfo } from '../../../server/src/ports.js';

const column = (name: string) => ({ name, type: 'INTEGER', nullable: false, primaryKey: false });

const TABLES: TableInfo[] = [
  { name: 'departments', columns: [column('id'), column('head_id')], foreignKeys: [] },
  {
    name: 'employees',
    columns: [column('id'), column('department_id'), column('salary'), column('badge_id')],
    foreignKeys: [
      { column: 'department_id', referencedTable: 'departments', referencedColumn: 'id' },
      { column: 'badge_id', referencedTable: 'badges', referencedColumn: 'id' },
    ],
  },
  { name: 'badges', columns: [column('id')], foreignKeys: [] },
  {
    name: 'payslips',
    columns: [column('id'), column('employee_salary')],
    foreignKeys: [
      { column: 'employee_salary', referencedTable: 'employees', referencedColumn: 'salary' },
    ],
  },
  { name: 'secrets', columns: [column('value')], foreignKeys: [] },
];

describe('applyAccessRules', () => {
  it('drops hidden tables and columns, and every foreign key to or from them', () => {
    const visible = applyAccessRules(TABLES, {
      hiddenTables: ['BADGES'],
      hiddenColumns: [
        { table: 'Employees', column: 'SALARY' },
        { table: 'secrets', column: 'value' },
      ],
    });
    expect(visible.map((table) => table.name)).toEqual(['departments', 'employees', 'payslips']);
    const employees = visible[1] as TableInfo;
    expect(employees.columns.map((c) => c.name)).toEqual(['id', 'department_id', 'badge_id']);
    expect(employees.foreignKeys).toEqual([
      { column: 'department_id', referencedTable: 'departments', referencedColumn: 'id' },
    ]);
    // The column stays (it is not hidden); the key naming the hidden salary goes.
    expect(visible[2]).toMatchObject({ columns: [{ name: 'id' }, { name: 'employee_salary' }] });
    expect(visible[2]?.foreignKeys).toEqual([]);
    // The input is left alone: other readers of the cached schema still see it whole.
    expect(TABLES[1]?.columns).toHaveLength(4);
  });

  it('returns the schema unchanged when nothing is hidden', () => {
    expect(applyAccessRules(TABLES, {})).toEqual(TABLES);
  });
});

describe('access rules per data source', () => {
  it('are worked out once per knowledge snapshot', async () => {
    const reads: string[] = [];
    const entries = [
      { table: 'employees', column: 'salary', hidden: true },
      { table: 'employees', column: null, hidden: false },
      { table: 'secrets', column: null, hidden: true },
    ];
    const snapshotOf = (described: typeof entries) => ({
      descriptions: (datasource: string) => {
        reads.push(datasource);
        return datasource === 'default' ? [...described] : [];
      },
    });
    let snapshot = snapshotOf(entries);
    const cache = createAccessRuleCache(async () => snapshot);
    const expected = {
      hiddenTables: ['secrets'],
      hiddenColumns: [{ table: 'employees', column: 'salary' }],
    };
    expect(await cache.rules('default')).toEqual(expected);
    expect(await cache.rules('default')).toEqual(expected);
    expect(await cache.rules('warehouse')).toEqual({ hiddenTables: [], hiddenColumns: [] });
    expect(reads).toEqual(['default', 'warehouse']);
    // A change makes a new snapshot.
    snapshot = snapshotOf(entries.slice(0, -1));
    expect(await cache.rules('default')).toEqual({ ...expected, hiddenTables: [] });
    expect(reads).toEqual(['default', 'warehouse', 'default']);
  });

  it('fail while no snapshot can be read, and do not remember the failure', async () => {
    let fail = true;
    const cache = createAccessRuleCache(async () => {
      if (fail) throw new Error('app database down');
      return { descriptions: () => [{ table: 't', column: null, hidden: true }] };
    });
    await expect(cache.rules('default')).rejects.toThrow('app database down');
    fail = false;
    expect(await cache.rules('default')).toEqual({ hiddenTables: ['t'], hiddenColumns: [] });
  });
});
