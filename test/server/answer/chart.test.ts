import type { ChartKind, ResultRow } from '@quarry/shared';
import { describe, expect, it } from 'vitest';
import { buildChartSpec, planChart } from '../../../server/src/pipeline/answer/chart.js';
import { profileColumns } from '../../../server/src/pipeline/answer/resultProfile.js';
import { vegaLiteErrors } from '../../support/vegaLite.js';

const plan = (columns: string[], rows: ResultRow[]) =>
  planChart(profileColumns(columns, rows), rows.length);

const months = Array.from({ length: 12 }, (_, i) => ({
  month: `2025-${String(i + 1).padStart(2, '0')}`,
  // MySQL hands decimals over as text: they are still a measure.
  sales: `${1000 + i * 37}.50`,
}));
const departments = [
  '研发中心',
  '销售部',
  '市场部',
  '财务部',
  '人力资源部',
  '行政部',
  '法务部',
  '采购部',
];
const headcount = departments.map((name, i) => ({ department: name, headcount: 10 + i }));

describe('the chart a result gets', () => {
  it('draws a monthly time series as a line with a month time unit', () => {
    expect(plan(['month', 'sales'], months)).toEqual({ kinds: ['line'], decided: true });
    const spec = buildChartSpec('line', profileColumns(['month', 'sales'], months), months, 'q');
    expect(spec).toMatchObject({
      mark: { type: 'line' },
      encoding: {
        x: { field: 'month', type: 'temporal', timeUnit: 'utcyearmonth' },
        y: { field: 'sales', type: 'quantitative' },
      },
    });
    // Numbers as numbers in the chart's data, whatever the driver delivered.
    expect((spec.data as { values: ResultRow[] }).values[0]).toEqual({
      month: '2025-01',
      sales: 1000.5,
    });
    expect(vegaLiteErrors(spec)).toEqual([]);
  });

  it('draws years named as such on a time axis, not as a measure', () => {
    const rows = [2021, 2022, 2023].map((year, i) => ({ year, revenue: 5 + i }));
    expect(plan(['year', 'revenue'], rows)).toEqual({ kinds: ['line'], decided: true });
  });

  it('draws many categories with a measure as bars, by the rules alone', () => {
    expect(plan(['department', 'headcount'], headcount)).toEqual({
      kinds: ['bar'],
      decided: true,
    });
  });

  it('leaves bar or pie to the model for a few non-negative shares, bar first', () => {
    expect(plan(['department', 'headcount'], headcount.slice(0, 4))).toEqual({
      kinds: ['bar', 'pie'],
      decided: false,
    });
    const negative = headcount.slice(0, 4).map((row, i) => ({ ...row, headcount: i - 2 }));
    expect(plan(['department', 'headcount'], negative)).toEqual({ kinds: ['bar'], decided: true });
  });

  it('offers grouped or stacked bars for two categories and a measure', () => {
    const rows = departments
      .slice(0, 3)
      .flatMap((department) =>
        ['男', '女'].map((gender, i) => ({ department, gender, people: 3 + i })),
      );
    expect(plan(['department', 'gender', 'people'], rows)).toEqual({
      kinds: ['grouped_bar', 'stacked_bar'],
      decided: false,
    });
  });

  it('plots two measures against each other as a scatter', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ hours: i, cost: i * 3.5 }));
    expect(plan(['hours', 'cost'], rows)).toEqual({ kinds: ['scatter'], decided: true });
  });

  it('draws nothing for a single value, a single row, identifiers or text only', () => {
    expect(plan(['headcount'], [{ headcount: 42 }])).toEqual({ kinds: [] });
    expect(plan(['a', 'b'], [{ a: 'x', b: 3 }])).toEqual({ kinds: [] });
    expect(
      plan(
        ['name', 'city'],
        [
          { name: 'a', city: 'b' },
          { name: 'c', city: 'd' },
        ],
      ),
    ).toEqual({
      kinds: [],
    });
    const ids = [{ employee_id: 1 }, { employee_id: 2 }, { employee_id: 3 }];
    expect(plan(['employee_id'], ids)).toEqual({ kinds: [] });
  });

  it('builds a valid Vega-Lite spec for every kind, field names with dots included', () => {
    const rows = departments.slice(0, 3).flatMap((department, d) =>
      ['男', '女'].map((gender, g) => ({
        department,
        gender,
        'avg.salary': 9000 + d * 100 + g,
        'COUNT(*)': 2 + d + g,
      })),
    );
    const profiles = profileColumns(['department', 'gender', 'avg.salary', 'COUNT(*)'], rows);
    const kinds: ChartKind[] = ['bar', 'grouped_bar', 'stacked_bar', 'pie', 'scatter'];
    for (const kind of kinds) {
      const spec = buildChartSpec(kind, profiles, rows, 'salary by department');
      expect(vegaLiteErrors(spec), kind).toEqual([]);
    }
    expect(JSON.stringify(buildChartSpec('bar', profiles, rows, 't'))).toContain('avg\\\\.salary');
    const series = profileColumns(
      ['month', 'sales', 'cost'],
      months.map((row) => ({ ...row, cost: 1 })),
    );
    const folded = buildChartSpec(
      'line',
      series,
      months.map((row) => ({ ...row, cost: 1 })),
      't',
    );
    expect(folded).toMatchObject({ transform: [{ fold: ['sales', 'cost'] }] });
    expect(vegaLiteErrors(folded)).toEqual([]);
  });
});
