import type { SqlDialect } from '@quarry/server';
import { describe, expect, it } from 'vitest';
import { type AccessRules, assertReadOnlySql } from '../../../server/src/sql/guard.js';
import { refusalOf } from './refusal.js';

const rules: AccessRules = {
  hiddenTables: ['secrets', 'hr.salaries'],
  hiddenColumns: [{ table: 'employees', column: 'ssn' }],
};
const DIALECTS: SqlDialect[] = ['mysql', 'sqlite'];

describe.each(DIALECTS)('hidden tables on %s', (dialect) => {
  it.each([
    'SELECT * FROM secrets',
    'SELECT id FROM SECRETS',
    'SELECT s.id FROM secrets s',
    'SELECT e.name FROM employees e JOIN secrets s ON s.employee_id = e.id',
    'SELECT name FROM employees WHERE id IN (SELECT employee_id FROM secrets)',
    'WITH x AS (SELECT * FROM secrets) SELECT COUNT(*) FROM x',
    'SELECT name FROM employees UNION SELECT note FROM secrets',
    'SELECT (SELECT COUNT(*) FROM secrets) AS n',
    'SELECT * FROM `secrets`',
    'SELECT * FROM hr.salaries',
  ])('refuses %s', (sql) => {
    expect(refusalOf(sql, dialect, rules).message).toMatch(/hidden table (secrets|salaries)/);
  });

  it('allows tables that are not hidden, and a same-named table in another database', () => {
    expect(() => assertReadOnlySql('SELECT id FROM secrets_log', dialect, rules)).not.toThrow();
    expect(() =>
      assertReadOnlySql('SELECT id FROM payroll.salaries', dialect, rules),
    ).not.toThrow();
  });
});

describe.each(DIALECTS)('hidden columns on %s', (dialect) => {
  it.each([
    'SELECT ssn FROM employees',
    'SELECT SSN FROM employees',
    'SELECT e.ssn FROM employees e',
    'SELECT employees.ssn FROM employees',
    "SELECT name FROM employees WHERE ssn LIKE '1%'",
    'SELECT name FROM employees ORDER BY ssn',
    'SELECT COUNT(DISTINCT ssn) FROM employees',
    'SELECT LENGTH(e.ssn) FROM employees AS e',
    'SELECT x.name FROM (SELECT name, ssn FROM employees) x',
    'WITH e AS (SELECT ssn FROM employees) SELECT COUNT(*) FROM e',
    'SELECT d.name FROM departments d JOIN employees e USING (ssn)',
  ])('refuses %s', (sql) => {
    expect(refusalOf(sql, dialect, rules).message).toContain('employees.ssn');
  });

  it.each([
    'SELECT * FROM employees',
    'SELECT e.* FROM employees e',
    'SELECT e.*, d.name FROM employees e JOIN departments d ON d.id = e.dept_id',
  ])('refuses %s and says which columns to leave out', (sql) => {
    expect(refusalOf(sql, dialect, rules).message).toBe(
      'SELECT * would include hidden columns (employees.ssn); list the columns you need and leave those out.',
    );
  });

  it.each([
    'SELECT name, dept_id FROM employees',
    'SELECT COUNT(*) FROM employees',
    'SELECT d.* FROM departments d JOIN employees e ON e.dept_id = d.id',
    'SELECT * FROM (SELECT name, dept_id FROM employees) t WHERE dept_id = 3',
    'SELECT c.ssn FROM contractors c JOIN employees e ON e.id = c.employee_id',
    'SELECT ssn FROM contractors',
    'SELECT * FROM departments',
  ])('allows %s', (sql) => {
    expect(() => assertReadOnlySql(sql, dialect, rules)).not.toThrow();
  });
});

describe('hidden names the parser misreads', () => {
  it('refuses a SQLite "quoted" hidden column, which SQLite reads as an identifier', () => {
    expect(refusalOf('SELECT "ssn" FROM employees', 'sqlite', rules).message).toContain(
      'employees.ssn',
    );
  });

  it('allows the same text on MySQL, where it is a string literal', () => {
    expect(() => assertReadOnlySql('SELECT "ssn" FROM employees', 'mysql', rules)).not.toThrow();
  });

  it('refuses describing a table with hidden columns or a hidden table on MySQL', () => {
    expect(refusalOf('DESCRIBE employees', 'mysql', rules).message).toContain('employees.ssn');
    expect(refusalOf('SHOW COLUMNS FROM employees', 'mysql', rules).message).toContain('ssn');
    expect(refusalOf('SHOW CREATE TABLE secrets', 'mysql', rules).message).toContain('secrets');
    expect(() => assertReadOnlySql('DESCRIBE departments', 'mysql', rules)).not.toThrow();
  });
});

describe('hidden names in SQL the parser would misread', () => {
  const payroll: AccessRules = { hiddenTables: ['payroll'] };
  it.each([
    // SQLite reads `'x\\'` as a whole string: the parser would see employees, SQLite reads payroll.
    "SELECT 'x\\', salary FROM payroll --' FROM employees",
    'SELECT "a\\", salary FROM payroll -- " FROM employees',
    'select 名称 from payroll where 编号 == 1',
  ])('refuses %s on SQLite from its own tokens', (sql) => {
    expect(refusalOf(sql, 'sqlite', payroll).message).toContain('hidden table payroll');
  });

  it('refuses a hidden column named anywhere in SQL no grammar reads', () => {
    expect(
      refusalOf('select ssn from employees where id == 1', 'sqlite', {
        hiddenColumns: [{ table: 'employees', column: 'ssn' }],
      }).message,
    ).toContain('hidden column employees.ssn');
  });
});
