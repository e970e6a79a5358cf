import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDictionaries } from '../../../server/src/demo/dictionaries.js';
import { isQuarryError, type QuarryError } from '../../../server/src/errors.js';
import type { DataSource } from '../../../server/src/ports.js';

export interface BehaviourTarget {
  /** Opens a data source on a fresh copy of the demo database. */
  open(): Promise<DataSource>;
  /** A query that would run for seconds in this dialect. */
  slowSql: string;
  /** What this database says when a write is refused. */
  readOnlyMessage: RegExp;
  /** SQLite refuses what it says could write before stepping it; MySQL fails it in the read-only transaction. */
  refusedWriteCode: 'UNSAFE_SQL' | 'SQL_EXECUTION_FAILED';
  cleanup(): Promise<void>;
}

/** Runs `promise` expecting a QuarryError; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<QuarryError> {
  try {
    await promise;
  } catch (error) {
    if (isQuarryError(error)) return error;
    throw error;
  }
  throw new Error('expected a QuarryError, but the call succeeded');
}

const LIMITS = { rowLimit: 1000, timeoutMs: 10_000 };

/** The DataSource promise (server/src/ports.ts), checked the same way on every dialect. */
export function describeDataSourceBehaviour(label: string, target: () => Promise<BehaviourTarget>) {
  describe(`${label} data source`, () => {
    let setup: BehaviourTarget;
    let source: DataSource;

    beforeAll(async () => {
      setup = await target();
      source = await setup.open();
    });
    afterAll(async () => {
      await source?.close();
      await setup?.cleanup();
    });

    it('runs joins that filter on Chinese values', async () => {
      const result = await source.execute(
        `SELECT d.name AS department, COUNT(*) AS headcount
         FROM employees e JOIN departments d ON d.id = e.department_id
         WHERE d.name = '研发中心' GROUP BY d.name`,
        LIMITS,
      );
      expect(result).toEqual({
        columns: ['department', 'headcount'],
        rows: [{ department: '研发中心', headcount: 10 }],
        capped: false,
      });
    });

    it('keeps columns in SELECT order, duplicates included, with JSON-safe values', async () => {
      const result = await source.execute(
        `SELECT e.name, e.id, d.id, e.salary, e.hire_date, 9007199254740993 AS big, 42 AS small
         FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.id = 5`,
        LIMITS,
      );
      // Two columns named id: both kept, the second renamed, so no value is lost.
      expect(result.columns).toEqual(['name', 'id', 'id_2', 'salary', 'hire_date', 'big', 'small']);
      const [row] = result.rows;
      expect(row?.id).toBe(5);
      expect(row?.id_2).toBe(2);
      expect(row?.salary).toEqual(expect.any(Number));
      expect(row?.hire_date).toMatch(/^2025-01-0\d$/);
      expect(row?.big).toBe('9007199254740993');
      expect(row?.small).toBe(42);
      expect(JSON.parse(JSON.stringify(result.rows))).toEqual(result.rows);
    });

    it('stops at the row limit and says the result was capped', async () => {
      const capped = await source.execute('SELECT id FROM timesheets ORDER BY id', {
        ...LIMITS,
        rowLimit: 5,
      });
      expect(capped.rows).toEqual([1, 2, 3, 4, 5].map((id) => ({ id })));
      expect(capped.capped).toBe(true);
      const exact = await source.execute('SELECT id FROM departments', { ...LIMITS, rowLimit: 14 });
      expect(exact.rows).toHaveLength(14);
      expect(exact.capped).toBe(false);
      const all = await source.execute('SELECT id FROM timesheets', { ...LIMITS, rowLimit: 5000 });
      expect(all.rows).toHaveLength(3000);
      expect(all.capped).toBe(false);
    });

    it('stops at the byte limit, whole rows only, and says the result was capped', async () => {
      const sql = 'SELECT id, work_date, hours, task FROM timesheets ORDER BY id';
      const all = await source.execute(sql, LIMITS);
      const maxBytes = 5000;
      const jsonBytes = (rows: unknown[]) => Buffer.byteLength(JSON.stringify(rows));
      // The answer: the longest run of rows from the start whose JSON takes at most maxBytes.
      let fitting = 0;
      while (jsonBytes(all.rows.slice(0, fitting + 1)) <= maxBytes) fitting += 1;
      expect(fitting).toBeGreaterThan(10);
      const capped = await source.execute(sql, { ...LIMITS, maxBytes });
      expect(capped.rows).toEqual(all.rows.slice(0, fitting));
      expect(capped.capped).toBe(true);
      const roomy = await source.execute('SELECT id, name FROM departments', {
        ...LIMITS,
        maxBytes: jsonBytes(all.rows),
      });
      expect(roomy.rows).toHaveLength(14);
      expect(roomy.capped).toBe(false);
    });

    it('cancels a query that runs past its time limit, then keeps working', async () => {
      const started = Date.now();
      const error = await failure(source.execute(setup.slowSql, { ...LIMITS, timeoutMs: 300 }));
      expect(Date.now() - started).toBeLessThan(2500);
      expect(error.code).toBe('SQL_EXECUTION_FAILED');
      expect(error.message).toBe(
        'The query exceeded the 0.3 seconds time limit and was cancelled.',
      );
      const next = await source.execute('SELECT COUNT(*) AS n FROM departments', LIMITS);
      expect(next.rows).toEqual([{ n: 14 }]);
    });

    it('stops a query when its signal aborts', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const started = Date.now();
      const error = await failure(
        source.execute(setup.slowSql, { ...LIMITS, signal: controller.signal }),
      );
      expect(error.code).toBe('STOPPED');
      expect(Date.now() - started).toBeLessThan(2500);
      const already = await failure(
        source.execute('SELECT 1 AS one', { ...LIMITS, signal: AbortSignal.abort() }),
      );
      expect(already.code).toBe('STOPPED');
      expect((await source.execute('SELECT 1 AS one', LIMITS)).rows).toEqual([{ one: 1 }]);
    });

    it('refuses writes at the database level and changes nothing', async () => {
      const writes = [
        "INSERT INTO departments (id, name, city) VALUES (99, '黑客部', '北京')",
        'UPDATE employees SET salary = 1 WHERE id = 1',
        'DELETE FROM sales',
        'CREATE TABLE intruder (id INTEGER)',
        'DROP TABLE expenses',
      ];
      for (const sql of writes) {
        const error = await failure(source.execute(sql, LIMITS));
        expect(error.code, sql).toBe(setup.refusedWriteCode);
        expect(error.message, sql).toMatch(setup.readOnlyMessage);
      }
      const check = await source.execute(
        `SELECT (SELECT COUNT(*) FROM departments) AS departments, (SELECT COUNT(*) FROM sales) AS sales,
                (SELECT salary FROM employees WHERE id = 1) AS salary, (SELECT COUNT(*) FROM expenses) AS expenses`,
        LIMITS,
      );
      expect(check.rows).toEqual([{ departments: 14, sales: 1500, salary: 90000, expenses: 800 }]);
      const tables = (await source.describe()).map((table) => table.name);
      expect(tables).not.toContain('intruder');
    });

    it('reports database errors in the database’s own words', async () => {
      const error = await failure(source.execute('SELECT * FROM nope_table', LIMITS));
      expect(error.code).toBe('SQL_EXECUTION_FAILED');
      expect(error.message).toMatch(/nope_table/);
    });

    it('dry-runs without executing and catches unknown columns', async () => {
      await expect(
        source.dryRun("SELECT name FROM projects WHERE status = '进行中'"),
      ).resolves.toBeUndefined();
      const started = Date.now();
      await source.dryRun(setup.slowSql);
      expect(Date.now() - started).toBeLessThan(1000);
      const error = await failure(source.dryRun('SELECT nope_column FROM employees'));
      expect(error.code).toBe('DRY_RUN_FAILED');
      expect(error.message).toMatch(/nope_column/);
    });

    it('describes tables, columns, keys and foreign keys', async () => {
      const tables = await source.describe();
      expect(tables.map((table) => table.name)).toEqual([
        'departments',
        'employees',
        'expenses',
        'projects',
        'sales',
        'timesheets',
      ]);
      const employees = tables.find((table) => table.name === 'employees');
      expect(employees?.columns.map((column) => column.name)).toEqual([
        'id', 'name', 'gender', 'department_id', 'title', 'hire_date', 'salary', 'city', 'status',
      ]); // biome-ignore format: one line
      expect(employees?.columns[0]).toMatchObject({
        name: 'id',
        primaryKey: true,
        nullable: false,
      });
      expect(employees?.columns[1]?.type.toLowerCase()).toBe('varchar(20)');
      const projects = tables.find((table) => table.name === 'projects');
      const endDate = projects?.columns.find((column) => column.name === 'end_date');
      expect(endDate).toMatchObject({ nullable: true, primaryKey: false });
      const timesheets = tables.find((table) => table.name === 'timesheets');
      expect(timesheets?.foreignKeys).toEqual(
        expect.arrayContaining([
          { column: 'employee_id', referencedTable: 'employees', referencedColumn: 'id' },
          { column: 'project_id', referencedTable: 'projects', referencedColumn: 'id' },
        ]),
      );
      const departments = tables.find((table) => table.name === 'departments');
      expect(departments?.foreignKeys).toEqual([
        { column: 'parent_id', referencedTable: 'departments', referencedColumn: 'id' },
      ]);
    });

    it('samples distinct non-null values, and none for unknown columns', async () => {
      const names = await source.sampleValues('departments', 'name', 3);
      expect(names).toHaveLength(3);
      expect(new Set(names).size).toBe(3);
      const known = demoDictionaries.department.map((entry) => entry.full_name);
      for (const name of names) expect(known).toContain(name);
      const endDates = await source.sampleValues('projects', 'end_date', 50);
      expect(endDates).not.toContain(null);
      expect(await source.sampleValues('departments', 'no such column', 3)).toEqual([]);
    });

    it('holds every dictionary full name verbatim', async () => {
      const result = await source.execute(
        'SELECT name FROM departments UNION ALL SELECT name FROM projects',
        LIMITS,
      );
      const names = result.rows.map((row) => row.name);
      for (const entry of [...demoDictionaries.department, ...demoDictionaries.project]) {
        expect(names).toContain(entry.full_name);
      }
    });

    it('refuses calls once closed', async () => {
      const other = await setup.open();
      await other.execute('SELECT 1 AS one', LIMITS);
      await other.close();
      const error = await failure(other.execute('SELECT 1 AS one', LIMITS));
      expect(error.code).toBe('DATASOURCE_UNAVAILABLE');
    });
  });
}
