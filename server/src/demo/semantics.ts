import type { CalculatedFieldInput, MetricInput, RelationshipInput } from '@quarry/shared';

/*
 * The demo company's semantic layer: what its managers mean by 人均工时, 预算执行率 and monthly
 * sales, written once so every ask computes them the same way. Portable SQL (SQLite and
 * MariaDB): dates are ISO text on SQLite and DATE on MariaDB, and SUBSTR reads both.
 */

/** `departments.manager_id` has no declared foreign key; the relationship says how it joins. */
export const demoRelationships: RelationshipInput[] = [
  {
    from_table: 'departments',
    from_columns: ['manager_id'],
    to_table: 'employees',
    to_columns: ['id'],
    kind: 'many_to_one',
  },
];

/** In order: a field may use the ones before it. */
export const demoCalculatedFields: CalculatedFieldInput[] = [
  {
    table: 'projects',
    name: 'spent_amount',
    expression:
      "(SELECT COALESCE(SUM(x.amount), 0) FROM expenses x WHERE x.project_id = id AND x.status <> '已驳回')",
    description:
      '项目已发生费用（元）：该项目未被驳回的费用报销合计。Project spend so far: expenses of the project that were not rejected.',
  },
  {
    table: 'projects',
    name: 'budget_execution_rate',
    expression: 'ROUND(spent_amount * 100.0 / budget, 1)',
    description:
      '项目预算执行率（%）= 已发生费用 ÷ 预算 × 100。Budget execution rate of a project, in percent: spend so far divided by budget.',
  },
  {
    table: 'employees',
    name: 'annual_salary',
    expression: 'salary * 12',
    description: '年薪（元）= 月薪 × 12。Annual salary: monthly salary times 12.',
  },
];

export const demoMetrics: MetricInput[] = [
  {
    name: 'department_monthly_hours',
    description:
      '人均工时：各部门每月的工时合计、填报人数和人均工时（小时/人 = 工时合计 ÷ 当月填报工时的人数）。Hours per person by department and month: total hours, people who logged hours, and hours per person.',
    sql: `SELECT d.name AS department,
  SUBSTR(t.work_date, 1, 7) AS month,
  SUM(t.hours) AS total_hours,
  COUNT(DISTINCT t.employee_id) AS people,
  ROUND(SUM(t.hours) / COUNT(DISTINCT t.employee_id), 1) AS hours_per_person
FROM timesheets t
JOIN employees e ON e.id = t.employee_id
JOIN departments d ON d.id = e.department_id
GROUP BY d.name, SUBSTR(t.work_date, 1, 7)`,
  },
  {
    name: 'monthly_sales_by_region',
    description:
      '各大区每月销售额（元）和订单数。Monthly sales amount and number of orders by sales region.',
    sql: `SELECT region,
  SUBSTR(sale_date, 1, 7) AS month,
  SUM(amount) AS sales_amount,
  COUNT(*) AS orders
FROM sales
GROUP BY region, SUBSTR(sale_date, 1, 7)`,
  },
];

/** Questions the demo answers through its semantic layer, in Chinese and English. */
export const demoSemanticQuestions = [
  '2026年9月各部门的人均工时是多少？',
  'Which department had the most hours per person in September 2026?',
  '预算执行率超过50%的项目有哪些？',
  "What is each active project's budget execution rate?",
  '华东大区2026年每月的销售额',
  'Monthly sales by region in 2026',
];
