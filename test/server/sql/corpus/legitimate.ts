import type { SqlDialect } from '@quarry/server';

/** A query the guard must let through on each dialect it is tagged with. */
export interface LegitimateQuery {
  sql: string;
  dialects: readonly SqlDialect[];
}

// `both` predates PostgreSQL: it tags what every dialect must allow.
const BOTH = ['mysql', 'sqlite', 'postgres'] as const;
const MYSQL = ['mysql'] as const;
const SQLITE = ['sqlite'] as const;
const POSTGRES = ['postgres'] as const;

const both = (sql: string): LegitimateQuery => ({ sql, dialects: BOTH });
const mysql = (sql: string): LegitimateQuery => ({ sql, dialects: MYSQL });
const sqlite = (sql: string): LegitimateQuery => ({ sql, dialects: SQLITE });
const postgres = (sql: string): LegitimateQuery => ({ sql, dialects: POSTGRES });

/** Analytical SQL of the kind models write for business questions. */
export const LEGITIMATE: LegitimateQuery[] = [
  // basics
  both('SELECT * FROM employees'),
  both('SELECT id, name FROM employees WHERE dept_id = 3'),
  both('select name from employees where id = 1'),
  both('SELECT COUNT(*) FROM employees'),
  both('SELECT COUNT(*) AS total FROM orders;'),
  both('SELECT DISTINCT status FROM orders'),
  both('SELECT name FROM employees ORDER BY hire_date DESC LIMIT 10'),
  both('SELECT name FROM employees ORDER BY name LIMIT 10 OFFSET 20'),
  mysql('SELECT name FROM employees ORDER BY name LIMIT 20, 10'),
  both('SELECT 1'),
  both('  \n SELECT id FROM employees \n'),
  both('-- employees hired this year\nSELECT id, name FROM employees'),
  both('/* top customers */ SELECT customer_id FROM orders'),
  both('SELECT id FROM orders -- trailing note'),
  both('SELECT id, total * 1.1 AS with_tax, total - 5 AS discounted FROM orders'),
  both("SELECT id FROM orders WHERE total > 100 AND status <> 'cancelled'"),
  both("SELECT id FROM orders WHERE status != 'open' OR total >= 1000"),
  both('SELECT id FROM orders WHERE total BETWEEN 10 AND 20'),
  both('SELECT id FROM orders WHERE note IS NULL'),
  both('SELECT id FROM orders WHERE note IS NOT NULL'),
  both("SELECT id FROM orders WHERE status IN ('open', 'paid', 'shipped')"),
  both("SELECT id FROM orders WHERE status NOT IN ('cancelled')"),
  both("SELECT name FROM customers WHERE name LIKE 'A%'"),
  both("SELECT name FROM customers WHERE name NOT LIKE '%test%'"),
  both("SELECT name FROM customers WHERE city = 'O''Brien Town'"),
  both('SELECT -total FROM orders'),
  both('SELECT 10 - -3'),
  both('SELECT 10 - 3'),
  // aggregates
  both('SELECT dept_id, COUNT(*) AS n FROM employees GROUP BY dept_id'),
  both('SELECT dept_id, AVG(salary) FROM employees GROUP BY dept_id HAVING AVG(salary) > 5000'),
  both('SELECT dept_id, MIN(hire_date), MAX(hire_date) FROM employees GROUP BY dept_id'),
  both('SELECT status, SUM(total) AS revenue FROM orders GROUP BY status ORDER BY revenue DESC'),
  both('SELECT COUNT(DISTINCT customer_id) FROM orders'),
  both('SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id HAVING COUNT(*) >= 3'),
  mysql('SELECT dept_id, SUM(total) FROM orders GROUP BY dept_id WITH ROLLUP'),
  mysql(
    "SELECT dept_id, GROUP_CONCAT(name ORDER BY name SEPARATOR ', ') FROM employees GROUP BY dept_id",
  ),
  sqlite("SELECT dept_id, group_concat(name, ', ') FROM employees GROUP BY dept_id"),
  sqlite('SELECT dept_id, total(salary) FROM employees GROUP BY dept_id'),
  // joins
  both(
    'SELECT e.name, d.name AS department FROM employees e JOIN departments d ON e.dept_id = d.id',
  ),
  both(
    "SELECT e.name, d.name FROM employees AS e INNER JOIN departments AS d ON d.id = e.dept_id WHERE d.code = 'RD'",
  ),
  both(
    'SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.id IS NULL',
  ),
  mysql('SELECT c.name, o.id FROM orders o RIGHT JOIN customers c ON o.customer_id = c.id'),
  both(
    'SELECT e.name, m.name AS manager FROM employees e LEFT JOIN employees m ON e.manager_id = m.id',
  ),
  both(
    'SELECT p.name, oi.quantity FROM order_items oi JOIN products p ON p.id = oi.product_id JOIN orders o ON o.id = oi.order_id',
  ),
  both('SELECT a.id, b.id FROM customers a CROSS JOIN products b LIMIT 5'),
  both('SELECT o.id FROM orders o JOIN customers c USING (customer_id)'),
  both('SELECT e.name FROM employees e, departments d WHERE e.dept_id = d.id'),
  mysql('SELECT * FROM orders STRAIGHT_JOIN customers ON orders.customer_id = customers.id'),
  mysql(
    'SELECT `e`.`name`, `d`.`name` FROM `employees` `e` JOIN `departments` `d` ON `e`.`dept_id` = `d`.`id`',
  ),
  mysql('SELECT shop.orders.id FROM shop.orders'),
  sqlite('SELECT "e"."name" FROM "employees" "e"'),
  both('SELECT `name` FROM `employees`'),
  // subqueries
  both(
    "SELECT name FROM employees WHERE dept_id IN (SELECT id FROM departments WHERE code = 'RD')",
  ),
  both(
    'SELECT name FROM employees e WHERE EXISTS (SELECT 1 FROM orders o WHERE o.employee_id = e.id)',
  ),
  both(
    'SELECT name FROM employees e WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.employee_id = e.id)',
  ),
  both(
    'SELECT name, (SELECT COUNT(*) FROM orders o WHERE o.employee_id = e.id) AS n FROM employees e',
  ),
  both(
    'SELECT * FROM (SELECT dept_id, COUNT(*) AS n FROM employees GROUP BY dept_id) t WHERE t.n > 5',
  ),
  both('SELECT name FROM employees WHERE salary > (SELECT AVG(salary) FROM employees)'),
  both(
    'SELECT name FROM products WHERE id IN (SELECT product_id FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE total > 500))',
  ),
  mysql("SELECT * FROM orders WHERE (customer_id, status) IN ((1, 'open'), (2, 'paid'))"),
  // CTEs
  both(
    'WITH t AS (SELECT dept_id, COUNT(*) AS n FROM employees GROUP BY dept_id) SELECT * FROM t WHERE n > 3',
  ),
  both(
    'WITH a AS (SELECT id FROM departments), b AS (SELECT dept_id FROM employees WHERE dept_id IN (SELECT id FROM a)) SELECT COUNT(*) FROM b',
  ),
  both(
    'WITH RECURSIVE nums(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM nums WHERE n < 12) SELECT n FROM nums',
  ),
  both(
    'WITH RECURSIVE chain AS (SELECT id, manager_id, name FROM employees WHERE id = 7 UNION ALL SELECT e.id, e.manager_id, e.name FROM employees e JOIN chain c ON e.id = c.manager_id) SELECT name FROM chain',
  ),
  both(
    'WITH monthly AS (SELECT customer_id, SUM(total) AS s FROM orders GROUP BY customer_id)\nSELECT customer_id, s FROM monthly ORDER BY s DESC LIMIT 5',
  ),
  // windows
  both(
    'SELECT name, ROW_NUMBER() OVER (PARTITION BY dept_id ORDER BY salary DESC) AS rn FROM employees',
  ),
  both('SELECT name, RANK() OVER (ORDER BY total DESC) FROM orders'),
  both('SELECT name, DENSE_RANK() OVER (PARTITION BY dept_id ORDER BY hire_date) FROM employees'),
  both(
    'SELECT id, SUM(total) OVER (PARTITION BY customer_id ORDER BY order_date) AS running FROM orders',
  ),
  both('SELECT id, LAG(total) OVER (ORDER BY order_date) AS previous FROM orders'),
  both('SELECT id, LEAD(total, 1) OVER (ORDER BY order_date) FROM orders'),
  both(
    'SELECT * FROM (SELECT name, dept_id, ROW_NUMBER() OVER (PARTITION BY dept_id ORDER BY salary DESC) AS rn FROM employees) ranked WHERE rn <= 3',
  ),
  mysql('SELECT id, AVG(total) OVER w FROM orders WINDOW w AS (PARTITION BY customer_id)'),
  both(
    'SELECT id, SUM(total) OVER (ORDER BY order_date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) FROM orders',
  ),
  mysql('SELECT id, NTILE(4) OVER (ORDER BY total) FROM orders'),
  // CASE
  both(
    "SELECT id, CASE WHEN total > 1000 THEN 'big' WHEN total > 100 THEN 'medium' ELSE 'small' END AS size FROM orders",
  ),
  both("SELECT CASE status WHEN 'open' THEN 1 ELSE 0 END FROM orders"),
  both("SELECT SUM(CASE WHEN status = 'paid' THEN total ELSE 0 END) AS paid FROM orders"),
  both("SELECT name FROM employees ORDER BY CASE WHEN title = 'CEO' THEN 0 ELSE 1 END, name"),
  // UNION and set operations
  both('SELECT name FROM customers UNION SELECT name FROM employees'),
  both('SELECT name FROM customers UNION ALL SELECT name FROM employees ORDER BY name'),
  mysql('(SELECT name FROM customers LIMIT 3) UNION (SELECT name FROM employees LIMIT 3)'),
  mysql('SELECT id FROM customers INTERSECT SELECT customer_id FROM orders'),
  sqlite('SELECT id FROM customers EXCEPT SELECT customer_id FROM orders'),
  // MySQL string, date and other functions
  mysql("SELECT DATE_FORMAT(order_date, '%Y-%m') AS month, SUM(total) FROM orders GROUP BY month"),
  mysql('SELECT YEAR(hire_date), COUNT(*) FROM employees GROUP BY YEAR(hire_date)'),
  mysql('SELECT id FROM orders WHERE order_date >= NOW() - INTERVAL 30 DAY'),
  mysql('SELECT id FROM orders WHERE order_date >= DATE_SUB(CURDATE(), INTERVAL 1 MONTH)'),
  mysql('SELECT DATEDIFF(NOW(), hire_date) AS days FROM employees'),
  mysql('SELECT TIMESTAMPDIFF(YEAR, hire_date, CURDATE()) AS years FROM employees'),
  mysql('SELECT EXTRACT(YEAR FROM order_date) AS y FROM orders'),
  mysql("SELECT CONCAT(first_name, ' ', last_name) AS full_name FROM employees"),
  mysql("SELECT CONCAT_WS('-', a, b) FROM t"),
  mysql("SELECT IFNULL(note, ''), COALESCE(note, title, 'n/a') FROM orders"),
  mysql("SELECT IF(total > 100, 'high', 'low') FROM orders"),
  mysql(
    'SELECT SUBSTRING(name, 1, 3), LEFT(name, 2), RIGHT(name, 2), LENGTH(name), CHAR_LENGTH(name) FROM employees',
  ),
  mysql("SELECT UPPER(name), LOWER(name), TRIM(name), REPLACE(name, 'a', 'b') FROM employees"),
  mysql(
    'SELECT ROUND(AVG(total), 2), CEIL(total), FLOOR(total), ABS(total) FROM orders GROUP BY total',
  ),
  mysql('SELECT CAST(total AS DECIMAL(10, 2)), CAST(order_date AS DATE) FROM orders'),
  mysql('SELECT CONVERT(total, CHAR) FROM orders'),
  mysql("SELECT name FROM customers WHERE name REGEXP '^[A-C]'"),
  mysql("SELECT data->>'$.city' FROM customers"),
  mysql("SELECT JSON_EXTRACT(data, '$.tags') FROM customers"),
  mysql('SELECT LAST_DAY(order_date), WEEK(order_date), DAYOFWEEK(order_date) FROM orders'),
  mysql("SELECT STR_TO_DATE('2024-01-31', '%Y-%m-%d')"),
  mysql('SELECT UNIX_TIMESTAMP(order_date), FROM_UNIXTIME(1700000000) FROM orders'),
  mysql("SELECT name FROM products WHERE MATCH(name) AGAINST ('phone' IN BOOLEAN MODE)"),
  mysql('SELECT SQL_CALC_FOUND_ROWS id FROM orders LIMIT 10'),
  mysql('SELECT @@version'),
  mysql('SELECT DATABASE(), VERSION(), NOW(), CURRENT_DATE'),
  mysql('SELECT 1 FROM DUAL'),
  mysql('SELECT "plain string" AS s'),
  mysql("SELECT 'a\\'b' AS s"),
  mysql("SELECT 0x41, X'41'"),
  // SQLite string and date functions
  sqlite("SELECT strftime('%Y-%m', order_date) AS month, SUM(total) FROM orders GROUP BY month"),
  sqlite("SELECT date('now', '-30 days')"),
  sqlite("SELECT id FROM orders WHERE order_date >= date('now', 'start of month')"),
  sqlite("SELECT julianday('now') - julianday(hire_date) FROM employees"),
  sqlite("SELECT datetime(created_at, 'localtime') FROM orders"),
  sqlite("SELECT first_name || ' ' || last_name AS full_name FROM employees"),
  sqlite("SELECT substr(name, 1, 3), length(name), instr(name, 'a') FROM employees"),
  sqlite("SELECT printf('%.2f', total) FROM orders"),
  sqlite("SELECT IIF(total > 100, 'high', 'low') FROM orders"),
  sqlite("SELECT ifnull(note, ''), coalesce(note, title), nullif(total, 0) FROM orders"),
  sqlite('SELECT CAST(total AS INTEGER), typeof(total) FROM orders'),
  sqlite("SELECT json_extract(data, '$.city') FROM customers"),
  sqlite("SELECT name FROM customers WHERE name GLOB 'A*'"),
  sqlite('SELECT name FROM employees ORDER BY name COLLATE NOCASE'),
  sqlite("SELECT name FROM sqlite_master WHERE type = 'table'"),
  sqlite("SELECT * FROM pragma_table_info('employees')"),
  sqlite('SELECT value FROM generate_series(1, 5)'),
  sqlite("SELECT unixepoch('now'), hex(randomblob(4)), random()"),
  sqlite('SELECT rowid, name FROM employees'),
  sqlite('SELECT "name" FROM employees'),
  // Chinese literals and aliases
  both("SELECT name AS 姓名, hire_date AS 入职日期 FROM employees WHERE dept_name = '研发中心'"),
  both('SELECT 部门, COUNT(*) AS 人数 FROM 员工 GROUP BY 部门 ORDER BY 人数 DESC'),
  both("SELECT * FROM 项目 WHERE 状态 = '进行中' AND 名称 LIKE '%数据%'"),
  mysql("SELECT COUNT(*) AS '总数' FROM employees"),
  mysql('SELECT COUNT(*) AS `总数` FROM `员工表`'),
  mysql('SELECT COUNT(*) AS "总数" FROM employees'),
  both(
    "SELECT d.name AS 部门名称, SUM(p.budget) AS 总预算 FROM projects p JOIN departments d ON p.dept_id = d.id WHERE d.code IN ('RD', 'PM') GROUP BY d.name",
  ),
  both("SELECT '包含;分号的文本' AS note"),
  // MySQL schema inspection
  mysql('SHOW TABLES'),
  mysql('SHOW DATABASES'),
  mysql('SHOW COLUMNS FROM employees'),
  mysql('SHOW INDEX FROM employees'),
  mysql('SHOW CREATE TABLE employees'),
  mysql('DESCRIBE employees'),
  mysql('DESC employees'),
  mysql('EXPLAIN SELECT * FROM employees WHERE id = 1'),
  mysql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'shop'"),
  // longer real-world shapes
  both(`SELECT
  d.name AS department,
  COUNT(e.id) AS headcount,
  ROUND(AVG(e.salary), 2) AS avg_salary
FROM departments d
LEFT JOIN employees e ON e.dept_id = d.id
WHERE d.active = 1
GROUP BY d.name
HAVING COUNT(e.id) > 0
ORDER BY headcount DESC
LIMIT 10`),
  mysql(`WITH monthly AS (
  SELECT DATE_FORMAT(o.order_date, '%Y-%m') AS month, SUM(o.total) AS revenue
  FROM orders o
  WHERE o.status <> 'cancelled'
  GROUP BY DATE_FORMAT(o.order_date, '%Y-%m')
)
SELECT month, revenue, revenue - LAG(revenue) OVER (ORDER BY month) AS growth
FROM monthly
ORDER BY month`),
  sqlite(`WITH monthly AS (
  SELECT strftime('%Y-%m', order_date) AS month, SUM(total) AS revenue
  FROM orders
  GROUP BY 1
)
SELECT month, revenue FROM monthly ORDER BY month DESC LIMIT 12`),
  both(`SELECT p.name, SUM(oi.quantity * oi.unit_price) AS sales
FROM order_items oi
JOIN products p ON p.id = oi.product_id
JOIN orders o ON o.id = oi.order_id
WHERE o.order_date >= '2024-01-01' AND o.order_date < '2025-01-01'
GROUP BY p.name
ORDER BY sales DESC
LIMIT 5;`),
  // PostgreSQL
  postgres('SELECT "e"."name" FROM "employees" "e"'),
  postgres('SELECT name FROM public.employees'),
  postgres(
    "SELECT date_trunc('month', order_date) AS month, SUM(total) FROM orders GROUP BY 1 ORDER BY 1",
  ),
  postgres("SELECT to_char(order_date, 'YYYY-MM') AS month, COUNT(*) FROM orders GROUP BY 1"),
  postgres('SELECT EXTRACT(YEAR FROM hire_date) AS year, COUNT(*) FROM employees GROUP BY 1'),
  postgres("SELECT id FROM orders WHERE order_date >= CURRENT_DATE - INTERVAL '30 days'"),
  postgres('SELECT total::numeric(10, 2), id::text FROM orders'),
  postgres("SELECT name FROM customers WHERE name ILIKE '%acme%'"),
  postgres("SELECT dept_id, string_agg(name, ', ' ORDER BY name) FROM employees GROUP BY dept_id"),
  postgres("SELECT COUNT(*) FILTER (WHERE status = 'paid') AS paid FROM orders"),
  postgres(
    'SELECT DISTINCT ON (dept_id) dept_id, name, salary FROM employees ORDER BY dept_id, salary DESC',
  ),
  postgres('SELECT name FROM employees ORDER BY salary DESC NULLS LAST LIMIT 10 OFFSET 10'),
  postgres("SELECT 'C:\\temp' AS path"),
  postgres("SELECT E'line\\nbreak' AS text"),
  postgres('SELECT round(AVG(salary)::numeric, 2) FROM employees'),
  postgres("SELECT name FROM employees WHERE hire_date BETWEEN '2024-01-01' AND '2024-12-31'"),
  postgres('SELECT generate_series(1, 12) AS month'),
  postgres('SELECT a # b AS x, @ -5 AS y FROM t'),
  postgres('SELECT "名称", "类别" FROM "高校"'),
];

/**
 * Plain SQL that node-sql-parser 5.4 cannot read for the dialect. The guard must not refuse
 * it for that: its token rules pass it (verdict `parsed: false`) and the engine decides
 * (SQLite's read-only verdict, MySQL's read-only transaction). Spider and Chinese schemas
 * bring many of these: SQLite's `==` beside unquoted Chinese names, a table called SHOW.
 */
export const LEGITIMATE_BUT_UNPARSABLE: LegitimateQuery[] = [
  mysql('SELECT * FROM employees NATURAL JOIN departments'),
  mysql("SELECT * FROM orders USE INDEX (idx_date) WHERE order_date > '2024-01-01'"),
  mysql('SHOW FULL TABLES'),
  mysql('SHOW TABLE STATUS'),
  mysql('EXPLAIN FORMAT=JSON SELECT * FROM orders'),
  mysql("SELECT * FROM JSON_TABLE('[1,2]', '$[*]' COLUMNS (x INT PATH '$')) j"),
  sqlite("SELECT SUM(total) FILTER (WHERE status = 'paid') FROM orders"),
  sqlite('SELECT [name] FROM [employees]'),
  sqlite("SELECT name FROM customers WHERE name LIKE '%\\_%' ESCAPE '\\'"),
  sqlite('SELECT name FROM employees INDEXED BY idx_name'),
  sqlite('select 名称 , 类别 from 高校 where 本科生数量 + 研究生数量 == 10000'),
  sqlite('SELECT avg(Attendance) FROM SHOW'),
  sqlite("SELECT 部门, count(*) FROM 员工 WHERE 状态 == '在职' GROUP BY 部门"),
  sqlite("SELECT replace(name, 'a', 'b') FROM `高校` WHERE 类别 <> '综合' AND 编号 == 3"),
  postgres("SELECT $$it's$$ AS quoted"),
  postgres('SELECT 1 /* outer /* nested */ still a comment */ AS one'),
  postgres("SELECT name FROM customers WHERE name LIKE E'%\\_%'"),
];
