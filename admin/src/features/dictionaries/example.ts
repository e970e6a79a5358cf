/**
 * The "Try it" box's starting SQL: a query the demo company can run (its employees are in
 * departments by `department_id`), with an abbreviation the demo's department dictionary
 * expands ('HR' → '人力资源部'). A test runs it on the demo database.
 */
export const REWRITE_EXAMPLE =
  "SELECT e.name FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = 'HR'";
