import { describe, expect, it } from 'vitest';
import { extractSql } from '../../../server/src/sql/extract.js';

describe('extractSql from fenced blocks', () => {
  it('takes a ```sql block, trimmed and without its semicolon', () => {
    expect(extractSql('```sql\nSELECT * FROM t;\n```')).toBe('SELECT * FROM t');
  });

  it('keeps inner newlines and indentation', () => {
    const sql = 'SELECT d.name,\n       COUNT(*) AS n\nFROM departments d\nGROUP BY d.name';
    expect(extractSql(`Sure!\n\n\`\`\`sql\n${sql}\n\`\`\`\n\nThis groups by department.`)).toBe(
      sql,
    );
  });

  it('prefers a block tagged sql over an earlier untagged or other-language block', () => {
    const text = '```python\nq = "SELECT 0"\n```\n```\nSELECT 1\n```\n```SQL\nSELECT 2 FROM t\n```';
    expect(extractSql(text)).toBe('SELECT 2 FROM t');
  });

  it('takes an untagged block whose content starts like SQL, after comments', () => {
    expect(extractSql('```\n-- count them\nWITH x AS (SELECT 1 AS n)\nSELECT n FROM x\n```')).toBe(
      'WITH x AS (SELECT 1 AS n)\nSELECT n FROM x',
    );
    expect(extractSql('```\nThe table has three columns.\n```')).toBeNull();
  });

  it('takes a dialect-tagged block and a block left open at the end', () => {
    expect(extractSql('```mysql\nSELECT 1')).toBe('SELECT 1');
    expect(extractSql('~~~sqlite\nselect 2\n~~~')).toBe('select 2');
    expect(extractSql("```sql SELECT 3 FROM t WHERE a = 'x  y'```")).toBe(
      "SELECT 3 FROM t WHERE a = 'x  y'",
    );
  });

  it('does not cut at a semicolon inside a string literal or comment', () => {
    expect(extractSql("```sql\nSELECT 'a;b' AS x -- c;d\nFROM t; SELECT 2\n```")).toBe(
      "SELECT 'a;b' AS x -- c;d\nFROM t",
    );
    expect(extractSql("```sql\nSELECT 'it\\'s; fine', \"q;\" FROM t;\n```")).toBe(
      "SELECT 'it\\'s; fine', \"q;\" FROM t",
    );
  });

  it('skips set-up statements in a block for its SELECT', () => {
    expect(extractSql('```sql\nUSE shop;\nSELECT * FROM orders;\n```')).toBe(
      'SELECT * FROM orders',
    );
  });

  it('returns a non-SELECT statement from a sql block so the guard can name it', () => {
    expect(extractSql('```sql\nDELETE FROM t;\n```')).toBe('DELETE FROM t');
  });

  it('drops a full-width semicolon ending a Chinese answer', () => {
    expect(extractSql('```sql\nSELECT 部门 FROM 员工；\n```')).toBe('SELECT 部门 FROM 员工');
  });
});

describe('extractSql from running text', () => {
  it('takes bare SQL', () => {
    expect(extractSql('  SELECT id FROM t WHERE x = 1;  ')).toBe('SELECT id FROM t WHERE x = 1');
    expect(extractSql('select name from users')).toBe('select name from users');
    expect(extractSql('with t as (select 1 as n) select n from t')).toBe(
      'with t as (select 1 as n) select n from t',
    );
  });

  it('takes SQL between explanations', () => {
    expect(
      extractSql('Here is the query:\nSELECT COUNT(*)\nFROM employees;\nThis counts the rows.'),
    ).toBe('SELECT COUNT(*)\nFROM employees');
    expect(
      extractSql(
        "Here is the query:\nSELECT COUNT(*)\nFROM employees\nWHERE dept = 'RD'\n\nThis counts each team's rows.",
      ),
    ).toBe("SELECT COUNT(*)\nFROM employees\nWHERE dept = 'RD'");
  });

  it('stops at a Markdown list or heading after the SQL', () => {
    expect(extractSql('SELECT *\n  FROM users\n WHERE id = 1\n- This selects one user')).toBe(
      'SELECT *\n  FROM users\n WHERE id = 1',
    );
    expect(extractSql('SELECT a\nFROM t\n**Explanation:** picks a')).toBe('SELECT a\nFROM t');
  });

  it('takes SQL after a colon, in inline code, and mid-sentence when upper-case', () => {
    expect(extractSql('SQLQuery: SELECT name FROM t LIMIT 5\nSQLResult: ...')).toBe(
      'SELECT name FROM t LIMIT 5',
    );
    expect(extractSql('查询如下：SELECT 部门, COUNT(*) FROM 员工 GROUP BY 部门；')).toBe(
      'SELECT 部门, COUNT(*) FROM 员工 GROUP BY 部门',
    );
    expect(extractSql('You can use `SELECT * FROM t WHERE a = 1` for that.')).toBe(
      'SELECT * FROM t WHERE a = 1',
    );
    expect(extractSql('The query is SELECT 1 FROM t.')).toBe('SELECT 1 FROM t');
  });

  it('drops leading comments', () => {
    expect(extractSql('-- top customers\n/* by revenue */\nSELECT id FROM c')).toBe(
      'SELECT id FROM c',
    );
  });

  it('takes the sql field of a JSON answer', () => {
    expect(extractSql('{"sql": "SELECT 1 FROM t;", "explanation": "…"}')).toBe('SELECT 1 FROM t');
    expect(extractSql('```json\n{"sql": "SELECT  2\\nFROM t"}\n```')).toBe('SELECT  2\nFROM t');
  });
});

describe('extractSql and reasoning blocks', () => {
  it('ignores SQL drafted inside <think>', () => {
    expect(
      extractSql('<think>\nMaybe SELECT 1 FROM x;\n</think>\n```sql\nSELECT 2 FROM y\n```'),
    ).toBe('SELECT 2 FROM y');
  });

  it('handles a closing tag without an opening one, and an unclosed block', () => {
    expect(extractSql('I should use SELECT 9.\n</think>\n\nSELECT 2 FROM y')).toBe(
      'SELECT 2 FROM y',
    );
    expect(extractSql('<think>\nSELECT 1 FROM x')).toBeNull();
  });
});

describe('extractSql when there is no SQL', () => {
  it.each([
    '',
    '   ',
    "I'm sorry, but I can't help with that.",
    '抱歉，我无法根据现有数据回答这个问题。',
    'Select the department you are interested in.',
    'SELECT statements read data from tables.',
    'With this data you can see the trend.',
    'Please select a date range first',
    '```python\nprint("SELECT 1")\n```',
  ])('returns null for %j', (text) => {
    expect(extractSql(text)).toBeNull();
  });
});
