import { describe, expect, it } from 'vitest';
import { dictionaryPass } from '../../../server/src/sql/abbreviations.js';
import { judgeSql, readJudge } from '../../../server/src/sql/guard.js';
import { lexSql } from '../../../server/src/sql/lexer.js';
import {
  guardRefusal,
  type PreparedSql,
  prepareSql,
  type SqlContext,
  tablesRead,
} from '../../../server/src/sql/prepare.js';
import { type SemanticCatalog, semanticPass } from '../../../server/src/sql/semantics.js';

const catalog: SemanticCatalog = {
  calculatedFields: [{ table: 'employees', name: 'annual_salary', expression: 'salary * 12' }],
  metrics: [],
  columns: new Map([
    ['employees', new Set(['id', 'name', 'salary', 'department_id'])],
    ['departments', new Set(['id', 'name'])],
  ]),
};

const context: SqlContext = {
  dialect: 'mysql',
  rules: {},
  dictionaries: { department: [{ abbreviation: 'RD', fullName: '研发中心' }], project: [] },
  semantics: catalog,
};

const answer = (sql: string) => `Here it is:\n\`\`\`sql\n${sql}\n\`\`\``;

async function prepared(text: string, with_: Partial<SqlContext> = {}): Promise<PreparedSql> {
  const result = await prepareSql({ answer: text }, { ...context, ...with_ });
  if (result === null) throw new Error('no SQL extracted');
  return result;
}

describe('prepareSql: one call from a model answer to the SQL that will run', () => {
  it('extracts, rewrites with the dictionaries, writes out the semantic layer, and names the tables read', async () => {
    const result = await prepared(
      answer(
        "SELECT e.name, e.annual_salary FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = 'RD'",
      ),
    );
    expect(result.sql).toBe(
      "SELECT e.name, (e.salary * 12) AS annual_salary FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = '研发中心'",
    );
    expect(result.rewrites).toEqual([
      { before: 'RD', after: '研发中心', dictionary: 'department' },
    ]);
    expect(result.semanticsUsed).toEqual({
      calculated_fields: ['employees.annual_salary'],
      metrics: [],
    });
    expect(guardRefusal(result)).toBeNull();
    expect(tablesRead(result).sort()).toEqual(['departments', 'employees']);
  });

  it('returns null when the answer holds no SQL', async () => {
    expect(await prepareSql({ answer: 'I cannot answer that.' }, context)).toBeNull();
  });

  it('gives the guard its verdict without throwing, so the dry run raises it in its turn', async () => {
    const result = await prepared(answer('DELETE FROM employees'));
    expect(result.sql).toBe('DELETE FROM employees');
    expect(guardRefusal(result)?.code).toBe('UNSAFE_SQL');
    expect(guardRefusal(result)?.message).toContain('DELETE');
    expect(tablesRead(result)).toEqual([]);
  });

  it('refuses a write stacked behind a SELECT whole, naming it', async () => {
    const result = await prepared(answer("SELECT name FROM employees;\nDROP TABLE 'RD'"));
    expect(guardRefusal(result)?.message).toMatch(/statement 2 of 2 \(DROP TABLE/);
  });

  it('runs the first read when every stacked statement is a read', async () => {
    const result = await prepared(
      answer('SELECT name FROM employees; SELECT name FROM departments'),
    );
    expect(result.sql).toBe('SELECT name FROM employees');
    expect(guardRefusal(result)).toBeNull();
  });

  it('applies access rules to what will run (the expanded SQL)', async () => {
    const result = await prepared(answer('SELECT annual_salary FROM employees'), {
      rules: { hiddenColumns: [{ table: 'employees', column: 'salary' }] },
    });
    expect(result.sql).toContain('employees.salary');
    expect(guardRefusal(result)?.message).toMatch(/salary/);
  });

  it('SQL given as SQL is not extracted: verified SQL runs through the semantic layer only', async () => {
    const result = await prepareSql(
      { sql: "SELECT annual_salary FROM employees WHERE name = 'RD'" },
      { dialect: 'mysql', rules: {}, semantics: catalog },
    );
    expect(result.sql).toBe(
      "SELECT (employees.salary * 12) AS annual_salary FROM employees WHERE name = 'RD'",
    );
    expect(result.rewrites).toEqual([]);
  });

  it('asks SQLite for its reading of double-quoted names only when the SQL holds one', async () => {
    const asked: string[] = [];
    const engineReading = async (sql: string) => {
      asked.push(sql);
      return sql.replace('"RD"', "'RD'");
    };
    const plain = await prepared(answer("SELECT name FROM departments WHERE name = 'x'"), {
      dialect: 'sqlite',
      engineReading,
    });
    expect(plain.rewrites).toEqual([]);
    expect(asked).toEqual([]);
    const quoted = await prepared(answer('SELECT name FROM departments WHERE name = "RD"'), {
      dialect: 'sqlite',
      engineReading,
    });
    expect(asked).toEqual(['SELECT name FROM departments WHERE name = "RD"']);
    // The dictionaries see the literal the engine read.
    expect(quoted.sql).toBe("SELECT name FROM departments WHERE name = '研发中心'");
    expect(quoted.rewrites).toHaveLength(1);
  });

  it('SQL no grammar reads still passes on the token rules, naming every name it holds', async () => {
    const result = await prepareSql(
      { sql: 'SELECT name FROM employees WHERE name SOUNDS LIKE "ann"' },
      { dialect: 'mysql', rules: {} },
    );
    const verdict = result.verdict;
    expect('refusal' in verdict ? verdict.refusal.message : verdict.parsed).toBe(false);
    expect(tablesRead(result)).toContain('employees');
  });
});

describe('one token stream', () => {
  it('passes that change nothing hand on the very text they were given: it is not lexed again', () => {
    const text = lexSql('SELECT name FROM employees WHERE id = 1', 'mysql');
    expect(dictionaryPass(text, { department: [], project: [] }).text).toBe(text);
    expect(
      dictionaryPass(text, { department: [{ abbreviation: 'RD', fullName: 'x' }], project: [] })
        .text,
    ).toBe(text);
    expect(semanticPass(text, catalog).text).toBe(text);
  });

  it('a statement judged once for a candidate is not judged again', () => {
    const reads = readJudge();
    const first = reads(lexSql('DELETE FROM employees', 'mysql'));
    expect(first?.message).toMatch(/DELETE/);
    // The same refusal object: the guard did not run again (leading space aside).
    expect(reads(lexSql(' DELETE FROM employees', 'mysql'))).toBe(first);
    expect(reads(lexSql('SELECT 1', 'mysql'))).toBeNull();
  });

  it('the guard takes stacked statements from the stream it was given', () => {
    const text = lexSql('SELECT 1 FROM employees; DELETE FROM employees', 'mysql');
    const reads = readJudge();
    expect(() => judgeSql(text, undefined, reads)).toThrow(
      /statement 2 of 2 \(DELETE FROM employees\)/,
    );
    expect(reads(lexSql('DELETE FROM employees', 'mysql'))?.message).toMatch(/DELETE/);
  });
});
