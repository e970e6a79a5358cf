import { describe, expect, it } from 'vitest';
import { expandSemantics, type SemanticCatalog } from '../../../server/src/sql/semantics.js';

const catalog: SemanticCatalog = {
  calculatedFields: [
    { table: 'employees', name: 'annual_salary', expression: 'salary * 12' },
    { table: 'employees', name: 'label', expression: "name || '/' || title" },
    { table: 'projects', name: 'budget_wan', expression: 'budget / 10000' },
    { table: 'projects', name: 'budget_yi', expression: 'budget_wan / 10000' },
  ],
  metrics: [
    {
      name: 'monthly_sales_by_region',
      sql: 'SELECT region, substr(sale_date, 1, 7) AS month, SUM(amount) AS total FROM sales GROUP BY 1, 2;\n',
      columns: ['region', 'month', 'total'],
    },
  ],
  columns: new Map([
    ['employees', new Set(['id', 'name', 'title', 'salary', 'department_id'])],
    ['projects', new Set(['id', 'name', 'budget', 'manager_id'])],
    ['contracts', new Set(['id', 'employee_id', 'annual_salary'])],
    ['sales', new Set(['id', 'region', 'sale_date', 'amount'])],
  ]),
};

const expand = (sql: string) => expandSemantics(sql, 'sqlite', catalog);

describe('calculated fields', () => {
  it('a bare name in a one-table query becomes its expression, keeping its name as the column', () => {
    expect(
      expand('SELECT name, annual_salary FROM employees WHERE annual_salary > 300000'),
    ).toEqual({
      sql: 'SELECT name, (employees.salary * 12) AS annual_salary FROM employees WHERE (employees.salary * 12) > 300000',
      semanticsUsed: { calculated_fields: ['employees.annual_salary'], metrics: [] },
    });
  });

  it('a qualified name resolves through the alias, and the expression is qualified with it', () => {
    expect(
      expand('SELECT p.name, e.label FROM projects p JOIN employees AS e ON e.id = p.manager_id')
        .sql,
    ).toBe(
      "SELECT p.name, (e.name || '/' || e.title) AS label FROM projects p JOIN employees AS e ON e.id = p.manager_id",
    );
  });

  it('an alias, another table’s real column, a literal and a comment of the same name stay', () => {
    const aliased = 'SELECT salary * 12 AS annual_salary FROM employees ORDER BY annual_salary';
    expect(expand(aliased).sql).toBe(aliased);
    const otherTable =
      "SELECT c.annual_salary, 'annual_salary' FROM contracts c JOIN employees e ON e.id = c.employee_id -- annual_salary";
    expect(expand(otherTable).sql).toBe(otherTable);
    // Bare, with both tables in scope, the name could be contracts' real column: left alone.
    const ambiguous = 'SELECT annual_salary FROM contracts, employees';
    expect(expand(ambiguous)).toEqual({
      sql: ambiguous,
      semanticsUsed: { calculated_fields: [], metrics: [] },
    });
  });

  it('a field defined over another field is written out whole', () => {
    expect(expand('SELECT name, budget_yi FROM projects').sql).toBe(
      'SELECT name, ((projects.budget / 10000) / 10000) AS budget_yi FROM projects',
    );
  });

  it('a name outside a subquery does not reach into the subquery’s tables', () => {
    expect(expand('SELECT annual_salary FROM (SELECT annual_salary FROM employees) t').sql).toBe(
      'SELECT annual_salary FROM (SELECT (employees.salary * 12) AS annual_salary FROM employees) t',
    );
  });
});

describe('metrics', () => {
  it('a metric read as a table becomes a CTE of its SQL', () => {
    expect(
      expand("SELECT month, total FROM monthly_sales_by_region WHERE region = '华东'"),
    ).toEqual({
      sql: "WITH monthly_sales_by_region AS (\nSELECT region, substr(sale_date, 1, 7) AS month, SUM(amount) AS total FROM sales GROUP BY 1, 2\n)\nSELECT month, total FROM monthly_sales_by_region WHERE region = '华东'",
      semanticsUsed: { calculated_fields: [], metrics: ['monthly_sales_by_region'] },
    });
  });

  it('joins an existing WITH clause, and the SQL’s own CTE of that name wins', () => {
    expect(
      expand('WITH top AS (SELECT region FROM monthly_sales_by_region m) SELECT * FROM top').sql,
    ).toBe(
      'WITH monthly_sales_by_region AS (\nSELECT region, substr(sale_date, 1, 7) AS month, SUM(amount) AS total FROM sales GROUP BY 1, 2\n), top AS (SELECT region FROM monthly_sales_by_region m) SELECT * FROM top',
    );
    const own =
      'WITH monthly_sales_by_region AS (SELECT 1 AS total) SELECT total FROM monthly_sales_by_region';
    expect(expand(own).sql).toBe(own);
  });

  it('stacked statements are left for the guard to refuse whole', () => {
    const stacked = 'SELECT * FROM monthly_sales_by_region; DELETE FROM sales';
    expect(expand(stacked).sql).toBe(stacked);
  });
});
