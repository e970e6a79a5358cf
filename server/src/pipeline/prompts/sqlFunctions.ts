import type { SqlDialect } from '../../ports.js';

/**
 * The functions each dialect offers for the questions people ask most (dates, strings,
 * numbers, conditionals). Models mix dialects up; naming the right ones prevents the classic
 * `DATE_FORMAT` on SQLite or `strftime` on MySQL.
 */
const FUNCTIONS: Record<SqlDialect, string[]> = {
  mysql: [
    'CURDATE(), NOW(), DATE(expr), YEAR(d), MONTH(d), DAY(d), QUARTER(d), WEEK(d, 3), DAYOFWEEK(d)',
    "DATE_FORMAT(d, '%Y-%m') for months; DATE_SUB(d, INTERVAL 1 MONTH), DATE_ADD(d, INTERVAL n DAY); LAST_DAY(d); DATEDIFF(a, b); TIMESTAMPDIFF(MONTH, a, b)",
    "CONCAT(a, b), CONCAT_WS(',', ...), GROUP_CONCAT(x ORDER BY y SEPARATOR ','), SUBSTRING(s, pos, len), CHAR_LENGTH(s), LOWER/UPPER, TRIM, REPLACE, LOCATE(sub, s)",
    'ROUND(x, n), TRUNCATE(x, n), ABS, CEIL, FLOOR, MOD, COALESCE, IFNULL, NULLIF, IF(cond, a, b), CASE WHEN … END',
    'Window functions: ROW_NUMBER(), RANK(), DENSE_RANK(), LAG(), LEAD(), SUM() OVER (PARTITION BY … ORDER BY …)',
  ],
  sqlite: [
    "date('now'), date(d, '-1 month'), date(d, 'start of month'), strftime('%Y-%m', d) for months, strftime('%Y', d), julianday(a) - julianday(b) for day differences",
    "Dates are stored as ISO text 'YYYY-MM-DD': compare them as strings; there is no YEAR(), MONTH(), DATE_FORMAT() or DATE_SUB()",
    "a || b to concatenate, group_concat(x, ','), substr(s, pos, len), length(s), lower/upper, trim, replace, instr(s, sub)",
    'round(x, n), abs, max(a, b) and min(a, b) as scalars, coalesce, ifnull, nullif, iif(cond, a, b), CASE WHEN … END; integer division truncates: use 1.0 * a / b',
    'Window functions: ROW_NUMBER(), RANK(), DENSE_RANK(), LAG(), LEAD(), SUM() OVER (PARTITION BY … ORDER BY …)',
  ],
  postgres: [
    "CURRENT_DATE, NOW(), date_trunc('month', d) for months, EXTRACT(YEAR FROM d), to_char(d, 'YYYY-MM'), d - INTERVAL '1 month', d + 7 for days, age(a, b), a - b between dates gives days",
    'Quote identifiers with double quotes ("name"), strings with single quotes; there is no backtick, IFNULL, IF(), DATE_FORMAT(), DATE_SUB() or LIMIT a, b (use LIMIT n OFFSET m)',
    "a || b or concat(a, b), string_agg(x, ',' ORDER BY y), substring(s from pos for len), length(s), lower/upper, trim, replace, position(sub in s), ILIKE for case-insensitive matches",
    'round(x::numeric, n), abs, ceil, floor, mod, greatest, least, coalesce, nullif, CASE WHEN … END; integer division truncates: use a::numeric / b; x::type casts; FILTER (WHERE …) after aggregates',
    'Window functions: ROW_NUMBER(), RANK(), DENSE_RANK(), LAG(), LEAD(), SUM() OVER (PARTITION BY … ORDER BY …)',
  ],
};

export function sqlFunctionsFor(dialect: SqlDialect): string {
  return FUNCTIONS[dialect].map((line) => `- ${line}`).join('\n');
}
