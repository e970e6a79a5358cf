import { describe, expect, it } from 'vitest';
import {
  type AbbreviationDictionaries,
  expandAbbreviations,
  expandDictionaryAbbreviations,
  rewriteWithDictionaries,
} from '../../../server/src/sql/abbreviations.js';

const departments = new Map([
  ['RD', '研发中心'],
  ['HR', 'Human Resources'],
  ['OB', "O'Brien's \\ Team"],
]);
const projects = new Map([
  ['QX', 'Quarry X'],
  ['研发中心', '研发项目'],
]);

describe('expandAbbreviations', () => {
  it('expands literals compared with =, in IN lists and in CASE', () => {
    expect(expandAbbreviations("SELECT * FROM t WHERE dept = 'RD'", departments, 'mysql')).toBe(
      "SELECT * FROM t WHERE dept = '研发中心'",
    );
    expect(
      expandAbbreviations(
        "SELECT * FROM t WHERE dept IN ('RD', 'HR', 'XX')",
        departments,
        'sqlite',
      ),
    ).toBe("SELECT * FROM t WHERE dept IN ('研发中心', 'Human Resources', 'XX')");
    expect(
      expandAbbreviations(
        "SELECT CASE WHEN dept = 'HR' THEN 1 ELSE 0 END FROM t",
        departments,
        'mysql',
      ),
    ).toBe("SELECT CASE WHEN dept = 'Human Resources' THEN 1 ELSE 0 END FROM t");
  });

  it("writes PostgreSQL's literals as PostgreSQL reads them, and leaves dollar quotes alone", () => {
    // Standard strings: a backslash is a character, a quote is doubled.
    expect(
      expandAbbreviations("SELECT * FROM t WHERE dept IN ('OB', $$RD$$)", departments, 'postgres'),
    ).toBe("SELECT * FROM t WHERE dept IN ('O''Brien''s \\ Team', $$RD$$)");
    // E'…' strings escape backslashes.
    expect(expandAbbreviations("SELECT * FROM t WHERE dept = E'OB'", departments, 'postgres')).toBe(
      "SELECT * FROM t WHERE dept = E'O''Brien''s \\\\ Team'",
    );
    expect(
      expandAbbreviations('SELECT "RD" FROM t WHERE dept = \'RD\'', departments, 'postgres'),
    ).toBe('SELECT "RD" FROM t WHERE dept = \'研发中心\'');
  });

  it('matches the trimmed literal, ignoring ASCII case', () => {
    expect(expandAbbreviations("SELECT 1 WHERE d = ' rd '", departments, 'mysql')).toBe(
      "SELECT 1 WHERE d = '研发中心'",
    );
    expect(expandAbbreviations("SELECT 1 WHERE d = 'Hr'", departments, 'sqlite')).toBe(
      "SELECT 1 WHERE d = 'Human Resources'",
    );
  });

  it('keeps LIKE wildcards and replaces the core', () => {
    const sql =
      "SELECT 1 WHERE a LIKE '%RD%' OR b LIKE 'RD%' OR c NOT LIKE '%rd' OR d LIKE BINARY 'HR%'";
    expect(expandAbbreviations(sql, departments, 'mysql')).toBe(
      "SELECT 1 WHERE a LIKE '%研发中心%' OR b LIKE '研发中心%' OR c NOT LIKE '%研发中心' OR d LIKE BINARY 'Human Resources%'",
    );
  });

  it('leaves wildcard literals alone outside LIKE (e.g. date formats)', () => {
    const sql = "SELECT DATE_FORMAT(d, '%RD') FROM t";
    expect(expandAbbreviations(sql, departments, 'mysql')).toBe(sql);
  });

  it('reaches literals in nested subqueries and CTEs', () => {
    const sql =
      "WITH x AS (SELECT id FROM d WHERE code = 'RD') SELECT * FROM e WHERE d IN (SELECT id FROM x WHERE n IN (SELECT n FROM y WHERE k = 'HR'))";
    expect(expandAbbreviations(sql, departments, 'mysql')).toBe(
      "WITH x AS (SELECT id FROM d WHERE code = '研发中心') SELECT * FROM e WHERE d IN (SELECT id FROM x WHERE n IN (SELECT n FROM y WHERE k = 'Human Resources'))",
    );
  });

  it('never changes identifiers, quoted identifiers or comments', () => {
    const mysqlSql = "SELECT RD, `RD`, t.RD FROM RD -- 'RD'\n# 'RD'\n/* 'RD' */ WHERE x = 1";
    expect(expandAbbreviations(mysqlSql, departments, 'mysql')).toBe(mysqlSql);
    const sqliteSql = 'SELECT "RD", [RD], `RD` FROM t -- \'RD\'';
    expect(expandAbbreviations(sqliteSql, departments, 'sqlite')).toBe(sqliteSql);
  });

  it('treats MySQL double-quoted text as a string but SQLite double quotes as an identifier', () => {
    expect(expandAbbreviations('SELECT 1 WHERE d = "RD"', departments, 'mysql')).toBe(
      'SELECT 1 WHERE d = "研发中心"',
    );
    expect(expandAbbreviations('SELECT 1 WHERE d = "RD"', departments, 'sqlite')).toBe(
      'SELECT 1 WHERE d = "RD"',
    );
  });

  it('escapes full names with quotes and backslashes for the dialect', () => {
    expect(expandAbbreviations("SELECT 1 WHERE d = 'OB'", departments, 'mysql')).toBe(
      "SELECT 1 WHERE d = 'O''Brien''s \\\\ Team'",
    );
    expect(expandAbbreviations("SELECT 1 WHERE d = 'OB'", departments, 'sqlite')).toBe(
      "SELECT 1 WHERE d = 'O''Brien''s \\ Team'",
    );
    expect(expandAbbreviations('SELECT 1 WHERE d = "OB"', departments, 'mysql')).toBe(
      'SELECT 1 WHERE d = "O\'Brien\'s \\\\ Team"',
    );
  });

  it('reads escaped literals before matching and keeps the N prefix', () => {
    expect(expandAbbreviations("SELECT 1 WHERE d = N'R\\D'", departments, 'mysql')).toBe(
      "SELECT 1 WHERE d = N'研发中心'",
    );
    expect(expandAbbreviations("SELECT 1 WHERE d = X'52'", departments, 'mysql')).toBe(
      "SELECT 1 WHERE d = X'52'",
    );
  });

  it('does not split literals at semicolons or comment markers inside them', () => {
    const sql = "SELECT 'a;--RD' AS x, 'RD' AS y";
    expect(expandAbbreviations(sql, departments, 'sqlite')).toBe(
      "SELECT 'a;--RD' AS x, '研发中心' AS y",
    );
  });

  it('rewrites literals in SQL no parser can read, byte for byte elsewhere', () => {
    const sql = "SELEC  weird  ( syntax WHERE code = 'RD'\n  AND x ==== 'HR'";
    expect(expandAbbreviations(sql, departments, 'mysql')).toBe(
      "SELEC  weird  ( syntax WHERE code = '研发中心'\n  AND x ==== 'Human Resources'",
    );
  });

  it('returns the SQL unchanged for an empty dictionary or no literals', () => {
    const sql = 'SELECT RD FROM t';
    expect(expandAbbreviations(sql, new Map(), 'mysql')).toBe(sql);
    expect(expandAbbreviations(sql, departments, 'mysql')).toBe(sql);
  });
});

describe('expandDictionaryAbbreviations', () => {
  const dictionaries: AbbreviationDictionaries = { department: departments, project: projects };

  it('runs the department pass, then the project pass', () => {
    expect(
      expandDictionaryAbbreviations(
        "SELECT * FROM p WHERE dept = 'HR' AND project = 'qx'",
        dictionaries,
        'mysql',
      ),
    ).toBe("SELECT * FROM p WHERE dept = 'Human Resources' AND project = 'Quarry X'");
  });

  it('re-expands a department full name only when it is itself a project abbreviation', () => {
    // '研发中心' is a project abbreviation in this dictionary, so the seed's second pass applies.
    expect(expandDictionaryAbbreviations("SELECT 1 WHERE d = 'RD'", dictionaries, 'sqlite')).toBe(
      "SELECT 1 WHERE d = '研发项目'",
    );
    const plain: AbbreviationDictionaries = {
      department: departments,
      project: new Map([['RD', 'Project RD']]),
    };
    expect(expandDictionaryAbbreviations("SELECT 1 WHERE d = 'RD'", plain, 'sqlite')).toBe(
      "SELECT 1 WHERE d = '研发中心'",
    );
  });
});

describe('column-scoped dictionary entries', () => {
  const scoped = {
    department: [{ abbreviation: 'RD', fullName: '研发中心', columns: ['departments.name'] }],
    project: [{ abbreviation: 'QA', fullName: 'Quality Assurance', columns: ['projects.name'] }],
  };
  const rewrite = (sql: string, dialect: 'mysql' | 'sqlite' = 'sqlite') =>
    rewriteWithDictionaries(sql, scoped, dialect);

  it('rewrites departments.name = RD and leaves employees.title = RD alone', () => {
    const result = rewrite(
      "SELECT e.name FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = 'RD' AND e.title = 'RD'",
    );
    expect(result.sql).toBe(
      "SELECT e.name FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = '研发中心' AND e.title = 'RD'",
    );
    expect(result.rewrites).toEqual([
      { before: 'RD', after: '研发中心', dictionary: 'department', column: 'departments.name' },
    ]);
    expect(rewrite("SELECT * FROM employees WHERE employees.title = 'RD'").sql).toBe(
      "SELECT * FROM employees WHERE employees.title = 'RD'",
    );
    expect(rewrite("SELECT * FROM employees e WHERE e.title <> 'QA'").rewrites).toEqual([]);
  });

  it('follows =, <>, !=, LIKE, NOT LIKE and IN, qualified by table or alias, or unqualified', () => {
    expect(rewrite("SELECT 1 FROM departments WHERE departments.name <> 'RD'").sql).toBe(
      "SELECT 1 FROM departments WHERE departments.name <> '研发中心'",
    );
    expect(rewrite("SELECT 1 FROM departments AS x WHERE x.`name` != 'rd'", 'mysql').sql).toBe(
      "SELECT 1 FROM departments AS x WHERE x.`name` != '研发中心'",
    );
    expect(rewrite("SELECT 1 FROM departments WHERE name NOT LIKE '%RD%'").sql).toBe(
      "SELECT 1 FROM departments WHERE name NOT LIKE '%研发中心%'",
    );
    expect(rewrite("SELECT 1 FROM departments d WHERE d.name IN ('HR', 'RD')").sql).toBe(
      "SELECT 1 FROM departments d WHERE d.name IN ('HR', '研发中心')",
    );
    expect(rewrite(`SELECT 1 FROM "departments" d WHERE 'RD' = d."name"`).sql).toBe(
      `SELECT 1 FROM "departments" d WHERE '研发中心' = d."name"`,
    );
    // An unqualified name counts only when its table is in the statement.
    expect(rewrite("SELECT 1 FROM teams WHERE name = 'RD'").rewrites).toEqual([]);
    // Not compared with any column: a scoped entry leaves it alone.
    expect(rewrite("SELECT 'RD' AS label FROM departments").rewrites).toEqual([]);
  });

  it('keeps unscoped entries rewriting every literal, and reports each rewrite', () => {
    const result = rewriteWithDictionaries(
      "SELECT * FROM t WHERE dept = 'HR' OR x LIKE 'QX%'",
      {
        department: [{ abbreviation: 'HR', fullName: 'Human Resources' }],
        project: [{ abbreviation: 'QX', fullName: 'Quarry X' }],
      },
      'mysql',
    );
    expect(result.sql).toBe("SELECT * FROM t WHERE dept = 'Human Resources' OR x LIKE 'Quarry X%'");
    expect(result.rewrites).toEqual([
      { before: 'HR', after: 'Human Resources', dictionary: 'department' },
      { before: 'QX%', after: 'Quarry X%', dictionary: 'project' },
    ]);
  });
});
