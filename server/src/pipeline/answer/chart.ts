import type { ChartKind, ResultRow, VegaLiteSpec } from '@quarry/shared';
import { type ColumnProfile, numericValue, type TimeGrain } from './resultProfile.js';

/**
 * The charts that fit a result: none, one (the shape decides), or several the model chooses
 * among in the answer's call (`kinds[0]` when no model call is made).
 */
export type ChartPlan = { kinds: [] } | { kinds: [ChartKind, ...ChartKind[]]; decided: boolean };

/** Beyond these a bar or pie chart is unreadable; the table says more. */
const MAX_CATEGORIES = 50;
const MAX_PIE_SLICES = 6;
const MAX_SERIES = 12;
/** A scatter is clear once there are this many points; fewer rows read better as bars. */
const SCATTER_ROWS = 30;
const WIDTH = 560;
const HEIGHT = 320;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

interface Shape {
  temporal: ColumnProfile[];
  measures: ColumnProfile[];
  categories: ColumnProfile[];
}

function shapeOf(profiles: readonly ColumnProfile[]): Shape {
  const used = profiles.filter((profile) => profile.present > 0);
  return {
    temporal: used.filter((profile) => profile.role === 'temporal'),
    measures: used.filter((profile) => profile.role === 'quantitative'),
    categories: used.filter((profile) => profile.role === 'nominal'),
  };
}

/**
 * Picks the chart from column roles and cardinalities: a time column → line; a category and a
 * measure → bar (or pie for a few non-negative shares: the model decides); two categories and
 * a measure → grouped or stacked bar; two measures → scatter; a single value or row → none.
 */
export function planChart(profiles: readonly ColumnProfile[], rowCount: number): ChartPlan {
  if (rowCount < 2) return { kinds: [] };
  const { temporal, measures, categories } = shapeOf(profiles);
  const [measure] = measures;
  if (!measure) return { kinds: [] };
  if (temporal.length > 0) {
    const series = categories[0];
    if (series && series.distinct > MAX_SERIES) return { kinds: [] };
    return { kinds: ['line'], decided: true };
  }
  const [category, second] = categories;
  if (!category) {
    return measures.length >= 2 ? { kinds: ['scatter'], decided: true } : { kinds: [] };
  }
  if (category.distinct > MAX_CATEGORIES) {
    return measures.length >= 2 && rowCount >= SCATTER_ROWS
      ? { kinds: ['scatter'], decided: true }
      : { kinds: [] };
  }
  if (second) {
    if (second.distinct > MAX_SERIES) return { kinds: ['bar'], decided: true };
    return { kinds: ['grouped_bar', 'stacked_bar'], decided: false };
  }
  if (measures.length >= 2) {
    return rowCount >= SCATTER_ROWS
      ? { kinds: ['scatter'], decided: true }
      : { kinds: ['grouped_bar', 'scatter'], decided: false };
  }
  const shares =
    category.distinct <= MAX_PIE_SLICES &&
    category.distinct === rowCount &&
    !measure.stats?.negative;
  return shares ? { kinds: ['bar', 'pie'], decided: false } : { kinds: ['bar'], decided: true };
}

/** Vega-Lite reads `.` and `[` in a field name as a path; column names mean themselves. */
function field(name: string): string {
  return name.replace(/[\\.[\]]/g, (char) => `\\${char}`);
}

function timeUnit(grain: TimeGrain | undefined): string | undefined {
  switch (grain) {
    case 'year':
      return 'utcyear';
    case 'month':
      return 'utcyearmonth';
    case 'date':
      return 'utcyearmonthdate';
    default:
      return undefined;
  }
}

/** The rows a chart plots: its columns only, numbers as numbers, years as dates to parse. */
function chartValues(rows: readonly ResultRow[], profiles: readonly ColumnProfile[]): ResultRow[] {
  return rows.map((row) =>
    Object.fromEntries(
      profiles.map((profile) => {
        const cell = row[profile.name] ?? null;
        if (profile.role === 'quantitative') return [profile.name, numericValue(cell) ?? null];
        if (profile.grain === 'year' && cell !== null) return [profile.name, String(cell)];
        return [profile.name, cell];
      }),
    ),
  );
}

/** From here an axis reads better as 20M than as 20,000,000 (tooltips keep the full number). */
const SHORT_NUMBERS_FROM = 100_000;

const axis = (profile: ColumnProfile, type: 'quantitative' | 'nominal' | 'temporal') => ({
  field: field(profile.name),
  type,
  title: profile.name,
  ...(type === 'quantitative' &&
  profile.stats &&
  Math.max(Math.abs(profile.stats.min), Math.abs(profile.stats.max)) >= SHORT_NUMBERS_FROM
    ? { axis: { format: '~s' } }
    : {}),
  ...(type === 'temporal' && timeUnit(profile.grain) ? { timeUnit: timeUnit(profile.grain) } : {}),
  ...(type === 'nominal' ? { sort: null } : {}),
});

/** Several measures become one series each: folded into `measure` / `value`. */
const FOLD = { measure: '指标 measure', value: '数值 value' };

/** The spec for a chart kind the plan allowed, data inline, so any Vega-Lite renderer draws it. */
export function buildChartSpec(
  kind: ChartKind,
  profiles: readonly ColumnProfile[],
  rows: readonly ResultRow[],
  title: string,
): VegaLiteSpec {
  const { temporal, measures, categories } = shapeOf(profiles);
  const plotted = [...temporal.slice(0, 1), ...categories.slice(0, 2), ...measures.slice(0, 5)];
  const [measure, secondMeasure] = measures as [ColumnProfile, ColumnProfile | undefined];
  const [category, second] = categories;
  const folded = measures.length >= 2 && (kind === 'line' || kind === 'grouped_bar') && !second;
  const fold = folded
    ? [{ fold: measures.slice(0, 5).map((m) => field(m.name)), as: [FOLD.measure, FOLD.value] }]
    : [];
  const y = folded
    ? { field: FOLD.value, type: 'quantitative', title: null }
    : axis(measure, 'quantitative');
  const seriesColor = folded ? { field: FOLD.measure, type: 'nominal', title: null } : undefined;
  const tooltip = plotted.map((profile) => ({
    field: field(profile.name),
    type:
      profile.role === 'quantitative'
        ? 'quantitative'
        : profile.role === 'temporal'
          ? 'temporal'
          : 'nominal',
    ...(profile.role === 'temporal' && timeUnit(profile.grain)
      ? { timeUnit: timeUnit(profile.grain) }
      : {}),
  }));

  let body: Record<string, unknown>;
  switch (kind) {
    case 'line': {
      const time = temporal[0] ?? category;
      const color =
        seriesColor ?? (category && temporal[0] ? axis(category, 'nominal') : undefined);
      body = {
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: time ? axis(time, temporal[0] ? 'temporal' : 'nominal') : undefined,
          y,
          ...(color ? { color } : {}),
        },
      };
      break;
    }
    case 'pie':
      body = {
        mark: { type: 'arc', tooltip: true },
        encoding: {
          theta: axis(measure, 'quantitative'),
          color: category ? axis(category, 'nominal') : undefined,
        },
      };
      break;
    case 'scatter':
      body = {
        mark: { type: 'point', filled: true },
        encoding: {
          x: axis(measure, 'quantitative'),
          y: secondMeasure ? axis(secondMeasure, 'quantitative') : axis(measure, 'quantitative'),
          ...(category && category.distinct <= MAX_SERIES
            ? { color: axis(category, 'nominal') }
            : {}),
          tooltip,
        },
      };
      break;
    case 'grouped_bar':
    case 'stacked_bar':
    case 'bar': {
      // Horizontal bars: category labels of any length stay readable.
      const group = folded ? seriesColor : second ? axis(second, 'nominal') : undefined;
      body = {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          // Category names label their bars; an axis title beside them only crowds them (and a
          // headless renderer measures Chinese labels short, drawing the two over each other).
          y: category ? { ...axis(category, 'nominal'), title: null } : undefined,
          x: { ...y, ...(kind === 'grouped_bar' || folded ? { stack: null } : {}) },
          ...(group ? { color: group } : {}),
          ...(group && kind === 'grouped_bar'
            ? { yOffset: { field: group.field, type: 'nominal' } }
            : {}),
        },
      };
      break;
    }
  }
  const encoding = Object.fromEntries(
    Object.entries(body.encoding as Record<string, unknown>).filter(
      ([, value]) => value !== undefined,
    ),
  );
  const bars = kind === 'bar' || kind === 'grouped_bar' || kind === 'stacked_bar';
  const groups = folded ? Math.min(measures.length, 5) : (second?.distinct ?? 1);
  return {
    $schema: SCHEMA,
    title: title.length > 80 ? `${title.slice(0, 79)}…` : title,
    width: WIDTH,
    // Bars get a band each, so fifty categories stay as readable as five.
    height: bars ? { step: kind === 'grouped_bar' ? Math.max(22, 10 * groups) : 22 } : HEIGHT,
    background: 'white',
    data: { values: chartValues(rows, plotted) },
    ...(fold.length > 0 ? { transform: fold } : {}),
    ...body,
    encoding,
  };
}
