import { describe, expect, it } from 'vitest';
import { buildCsv } from '../../../bot/src/answer/csv.js';
import {
  buildMonospaceTable,
  buildTableBlock,
  EMPTY_CELL,
  MONOSPACE_LIMITS,
  TABLE_LIMITS,
} from '../../../bot/src/answer/table.js';

describe('buildTableBlock', () => {
  it('keeps to 100 rows with the header, fills empty cells and cuts long ones', () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({
      id: i,
      note: i === 0 ? 'x'.repeat(500) : '',
      flag: i % 2 === 0,
    }));
    const { value, shownRows } = buildTableBlock(['id', 'note', 'flag'], rows);
    expect(shownRows).toBe(99);
    expect(value?.rows).toHaveLength(TABLE_LIMITS.rows);
    expect(value?.rows[1]?.[1]?.text).toHaveLength(TABLE_LIMITS.cellChars);
    expect(value?.rows[1]?.[1]?.text.endsWith('…')).toBe(true);
    expect(value?.rows[2]?.[1]?.text).toBe(EMPTY_CELL);
    expect(value?.rows[1]?.[2]?.text).toBe('true');
    for (const row of value?.rows ?? [])
      for (const cell of row) expect(cell.text.length).toBeGreaterThan(0);
  });

  it('stops at the character budget so Slack never refuses the message as too long', () => {
    const rows = Array.from({ length: 99 }, () => ({ a: 'y'.repeat(100), b: 'z'.repeat(100) }));
    const { value, shownRows } = buildTableBlock(['a', 'b'], rows);
    const total = (value?.rows ?? []).flat().reduce((sum, cell) => sum + cell.text.length, 0);
    expect(total).toBeLessThanOrEqual(TABLE_LIMITS.totalChars);
    expect(shownRows).toBeLessThan(99);
  });

  it('gives up on more than 20 columns', () => {
    const columns = Array.from({ length: 21 }, (_, i) => `c${i}`);
    expect(buildTableBlock(columns, [{}]).value).toBeNull();
  });
});

describe('buildMonospaceTable', () => {
  it('aligns wide characters and stays inside one section', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ 姓名: `员工${i}`, salary: 1000 + i }));
    const { value, shownRows } = buildMonospaceTable(['姓名', 'salary'], rows);
    expect(value.length).toBeLessThanOrEqual(MONOSPACE_LIMITS.totalChars);
    expect(shownRows).toBeGreaterThan(50);
    expect(shownRows).toBeLessThan(500);
    const lines = value.slice(3, -3).split('\n');
    expect(lines[0]).toBe('姓名     salary');
    expect(lines[1]).toBe('-------  ------');
    expect(lines[2]).toBe('员工0      1000');
  });
});

describe('buildCsv', () => {
  it('quotes, keeps numbers and defuses spreadsheet formulas', () => {
    const csv = buildCsv(
      ['name', 'amount', 'note'],
      [
        { name: 'a,b', amount: -5, note: '=HYPERLINK("x")' },
        { name: '研发 "中心"', amount: '-12.50', note: null },
        { name: 'line\nbreak', amount: 1.5, note: true },
      ],
    );
    expect(csv).toBe(
      '\uFEFFname,amount,note\n"a,b",-5,"\'=HYPERLINK(""x"")"\n"研发 ""中心""",-12.50,\n"line\nbreak",1.5,true\n',
    );
  });
});

describe('buildMonospaceTable with awkward data', () => {
  it('keeps a very wide table inside one section and escapes Slack markup', () => {
    const columns = Array.from({ length: 60 }, (_, i) => `column_${i}`);
    const rows = [Object.fromEntries(columns.map((c) => [c, '<b>&```']))];
    const { value, shownRows } = buildMonospaceTable(columns, rows);
    expect(value.length).toBeLessThanOrEqual(MONOSPACE_LIMITS.totalChars);
    expect(shownRows).toBe(1);
    expect(value).toContain('&lt;b&gt;&amp;`\u200b``');
    expect(value.slice(3, -3)).not.toContain('```');
  });
});
