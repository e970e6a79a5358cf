import type { SqlDialect } from '@quarry/server';
import { describe, expect, it } from 'vitest';
import { assertReadOnlySql } from '../../../server/src/sql/guard.js';
import { HOSTILE } from './corpus/hostile.js';
import { LEGITIMATE, LEGITIMATE_BUT_UNPARSABLE } from './corpus/legitimate.js';
import { refusalOf } from './refusal.js';

const byDialect = <T extends { sql: string; dialects: readonly SqlDialect[] }>(entries: T[]) =>
  entries.flatMap((entry) => entry.dialects.map((dialect) => ({ ...entry, dialect })));

describe('assertReadOnlySql on the corpora', () => {
  it('has corpora of the promised size', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(120);
    expect(LEGITIMATE.length).toBeGreaterThanOrEqual(120);
  });

  it.each(byDialect(HOSTILE))('refuses on $dialect: $sql', ({ sql, dialect, mentions }) => {
    const error = refusalOf(sql, dialect);
    expect(error.code).toBe('UNSAFE_SQL');
    expect(error.message.length).toBeGreaterThan(20);
    if (mentions !== undefined)
      expect(error.message.toLowerCase()).toContain(mentions.toLowerCase());
  });

  it.each(byDialect(LEGITIMATE))('allows on $dialect: $sql', ({ sql, dialect }) => {
    expect(() => assertReadOnlySql(sql, dialect)).not.toThrow();
  });

  it.each(byDialect(LEGITIMATE_BUT_UNPARSABLE))(
    'does not refuse SQL only because the parser cannot read it, on $dialect: $sql',
    ({ sql, dialect }) => {
      // The token rules pass it; `parsed: false` holds it to the engine's own verdict.
      expect(assertReadOnlySql(sql, dialect).parsed).toBe(false);
    },
  );
});

describe('assertReadOnlySql messages', () => {
  it('names the statement it refused', () => {
    expect(refusalOf('DELETE FROM employees', 'mysql').message).toBe(
      'Only one read-only SELECT statement may run; this SQL contains DELETE.',
    );
  });

  it('names what it refused in SQL no grammar can read, and where the parser stopped', () => {
    const error = refusalOf('SELEC name FROM employees', 'mysql');
    expect(error.message).toBe(
      'Only one read-only SELECT statement may run; this SQL starts with SELEC.',
    );
    expect(error.context).toMatchObject({ parser: { line: 1, column: expect.any(Number) } });
  });

  it('names the write stacked behind a read, and refuses the whole answer', () => {
    expect(refusalOf('SELECT * FROM singer; DROP TABLE singer', 'sqlite').message).toBe(
      'Only one read-only statement may run, and this SQL holds more than one statement: statement 2 of 2 (DROP TABLE singer) is not a read, so none of them was run.',
    );
    expect(
      refusalOf("SELECT ';' AS a /* ; */; SELECT 2; UPDATE t SET a = 1", 'mysql').message,
    ).toContain('statement 3 of 3 (UPDATE t SET a)');
  });

  it('keeps the refused SQL in the error context for logs', () => {
    const sql = 'SELECT SLEEP(3)';
    expect(refusalOf(sql, 'sqlite').context).toMatchObject({ sql });
  });
});

describe('assertReadOnlySql dialect differences', () => {
  it('reads `--x` as minus signs on MySQL but as a comment on SQLite', () => {
    expect(refusalOf('SELECT 5--3', 'mysql').message).toContain('--');
    expect(() => assertReadOnlySql('SELECT 5 --3', 'sqlite')).not.toThrow();
  });

  it('treats a backslash before a quote as an escape on MySQL only', () => {
    expect(() => assertReadOnlySql("SELECT 'it\\'s' AS s", 'mysql')).not.toThrow();
    // On SQLite `'it\\'` is a whole string, and what follows an unterminated one.
    expect(refusalOf("SELECT 'it\\'s' AS s", 'sqlite').message).toContain('unterminated');
  });

  it('allows a MySQL executable comment lookalike on SQLite, where it is only a comment', () => {
    expect(() => assertReadOnlySql('SELECT 1 /*! just text */', 'sqlite')).not.toThrow();
    expect(refusalOf('SELECT 1 /*! just text */', 'mysql').message).toContain('executable');
  });

  it('allows SHOW, DESCRIBE and EXPLAIN SELECT on MySQL only', () => {
    for (const sql of ['SHOW TABLES', 'DESCRIBE employees', 'EXPLAIN SELECT 1']) {
      expect(() => assertReadOnlySql(sql, 'mysql')).not.toThrow();
      expect(refusalOf(sql, 'sqlite').code).toBe('UNSAFE_SQL');
    }
  });

  it('allows one trailing semicolon but not a second statement', () => {
    expect(() => assertReadOnlySql('SELECT 1;', 'mysql')).not.toThrow();
    expect(() => assertReadOnlySql('SELECT 1 ; -- done', 'sqlite')).not.toThrow();
    expect(refusalOf('SELECT 1; SELECT 2', 'sqlite').message).toContain('(2 reads)');
  });
});
