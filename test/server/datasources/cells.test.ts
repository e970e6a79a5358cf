import { describe, expect, it } from 'vitest';
import { toResult, uniqueColumnNames } from '../../../server/src/datasources/cells.js';

describe('result columns', () => {
  it('keeps every column of a query that repeats a name', () => {
    expect(uniqueColumnNames(['name', 'id', 'id', 'id'])).toEqual(['name', 'id', 'id_2', 'id_3']);
  });

  it('skips a renamed name the query already uses', () => {
    expect(uniqueColumnNames(['id', 'id', 'id_2'])).toEqual(['id', 'id_3', 'id_2']);
  });

  it('keys each row by the unique names', () => {
    expect(toResult(['name', 'name'], [['研发中心', '张伟']])).toEqual({
      columns: ['name', 'name_2'],
      rows: [{ name: '研发中心', name_2: '张伟' }],
    });
  });
});
