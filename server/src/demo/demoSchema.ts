/** The demo tables: portable DDL (SQLite and MariaDB), column comments live in descriptions.ts. */
export const SCHEMA = `CREATE TABLE departments (
  id INTEGER NOT NULL PRIMARY KEY,
  name VARCHAR(50) NOT NULL,
  parent_id INTEGER,
  manager_id INTEGER,
  city VARCHAR(20) NOT NULL,
  FOREIGN KEY (parent_id) REFERENCES departments (id)
);
CREATE TABLE employees (
  id INTEGER NOT NULL PRIMARY KEY,
  name VARCHAR(20) NOT NULL,
  gender VARCHAR(4) NOT NULL,
  department_id INTEGER NOT NULL,
  title VARCHAR(30) NOT NULL,
  hire_date DATE NOT NULL,
  salary DECIMAL(12,2) NOT NULL,
  city VARCHAR(20) NOT NULL,
  status VARCHAR(10) NOT NULL,
  FOREIGN KEY (department_id) REFERENCES departments (id)
);
CREATE TABLE projects (
  id INTEGER NOT NULL PRIMARY KEY,
  name VARCHAR(50) NOT NULL,
  department_id INTEGER NOT NULL,
  manager_id INTEGER NOT NULL,
  status VARCHAR(10) NOT NULL,
  budget DECIMAL(12,2) NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE,
  FOREIGN KEY (department_id) REFERENCES departments (id),
  FOREIGN KEY (manager_id) REFERENCES employees (id)
);
CREATE TABLE timesheets (
  id INTEGER NOT NULL PRIMARY KEY,
  employee_id INTEGER NOT NULL,
  project_id INTEGER NOT NULL,
  work_date DATE NOT NULL,
  hours DECIMAL(12,2) NOT NULL,
  task VARCHAR(30) NOT NULL,
  FOREIGN KEY (employee_id) REFERENCES employees (id),
  FOREIGN KEY (project_id) REFERENCES projects (id)
);
CREATE TABLE expenses (
  id INTEGER NOT NULL PRIMARY KEY,
  employee_id INTEGER NOT NULL,
  department_id INTEGER NOT NULL,
  project_id INTEGER,
  category VARCHAR(10) NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  expense_date DATE NOT NULL,
  status VARCHAR(10) NOT NULL,
  description VARCHAR(100) NOT NULL,
  FOREIGN KEY (employee_id) REFERENCES employees (id),
  FOREIGN KEY (department_id) REFERENCES departments (id),
  FOREIGN KEY (project_id) REFERENCES projects (id)
);
CREATE TABLE sales (
  id INTEGER NOT NULL PRIMARY KEY,
  order_no VARCHAR(20) NOT NULL,
  customer VARCHAR(60) NOT NULL,
  industry VARCHAR(20) NOT NULL,
  region VARCHAR(10) NOT NULL,
  city VARCHAR(20) NOT NULL,
  product VARCHAR(50) NOT NULL,
  project_id INTEGER,
  salesperson_id INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  sale_date DATE NOT NULL,
  FOREIGN KEY (project_id) REFERENCES projects (id),
  FOREIGN KEY (salesperson_id) REFERENCES employees (id)
);
CREATE INDEX idx_timesheets_work_date ON timesheets (work_date);
CREATE INDEX idx_expenses_expense_date ON expenses (expense_date);
CREATE INDEX idx_sales_sale_date ON sales (sale_date);`;

/** A DECIMAL(12,2) value, written unquoted with exactly two decimals. */
export const money = (value: number) => ({ decimal: value.toFixed(2) });

export type SqlValue = string | number | null | { decimal: string };

function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return value.decimal;
  return `'${value.replaceAll("'", "''")}'`;
}

/** A table's columns in declaration order, read from SCHEMA so the two cannot disagree. */
export function columnsOf(table: string): string[] {
  const body = SCHEMA.split(`CREATE TABLE ${table} (`)[1]?.split(');')[0] ?? '';
  return [...body.matchAll(/^ {2}(\w+) (?:INTEGER|VARCHAR|DECIMAL|DATE)/gm)].map((m) => m[1] ?? '');
}

/** Multi-row INSERTs of rows given in `columnsOf(table)` order. */
export function insertStatements(table: string, rows: SqlValue[][]): string {
  const columns = columnsOf(table).join(', ');
  const statements: string[] = [];
  // Batches keep every statement far below any server's packet limit.
  for (let start = 0; start < rows.length; start += 200) {
    const values = rows.slice(start, start + 200).map((row) => `(${row.map(literal).join(',')})`);
    statements.push(`INSERT INTO ${table} (${columns}) VALUES\n${values.join(',\n')};`);
  }
  return statements.join('\n');
}
