/**
 * The two chart kinds of the benchmark reports as Vega-Lite specs: a line chart (one line per
 * series, optional min–max band) and a grouped bar chart with a shape on each bar's end. Both take
 * axis titles with units and give every series its own colour, shape and dash (style.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { seriesScales } from '../../core/report/series-style.js';

export interface LinePoint {
  series: string;
  x: number;
  y: number;
  /** Spread over seeds (drawn as a band when any point has it). */
  lo?: number;
  hi?: number;
}

export interface LineChartInput {
  title: string;
  /** Axis titles, with units ("share of the 152 series used for training (%, log scale)"). */
  xTitle: string;
  yTitle: string;
  points: LinePoint[];
  /** Legend order (default: first appearance). */
  series?: string[];
  xLog?: boolean;
  /** d3 format of the x tick labels, e.g. `.0%`. */
  xFormat?: string;
  /** Tick values of the x axis (the measured shares, say). */
  xValues?: number[];
  /** Legend title (default "method"). */
  legend?: string;
}

export interface BarRow {
  category: string;
  series: string;
  value: number;
}

export interface BarChartInput {
  title: string;
  categoryTitle: string;
  valueTitle: string;
  rows: BarRow[];
  series?: string[];
  /** Draw a rule at this value (e.g. 1 = as good as the reference). */
  reference?: number;
  legend?: string;
  valueLog?: boolean;
}

const order = (names: string[] | undefined, seen: string[]) => names ?? [...new Set(seen)];
const WIDTH = 560;
/** Long method names ("patch-mixer-s zero-shot + ETS select") are shown whole, never cut with an ellipsis. */
const LEGEND = { labelLimit: 400, symbolStrokeWidth: 0, symbolSize: 110, labelFontSize: 12, titleFontSize: 12 };
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export function lineChart(c: LineChartInput): TopLevelSpec {
  const names = order(c.series, c.points.map((p) => p.series));
  const scales = seriesScales(names);
  const legend = c.legend ?? 'method';
  const x = { field: 'x', type: 'quantitative' as const, title: c.xTitle, scale: c.xLog ? { type: 'log' as const } : { zero: false }, axis: { ...(c.xFormat ? { format: c.xFormat } : {}), ...(c.xValues ? { values: c.xValues } : {}) } };
  const y = { field: 'y', type: 'quantitative' as const, title: c.yTitle, scale: { zero: false } };
  const hasBand = c.points.some((p) => p.lo !== undefined && p.hi !== undefined && p.hi > p.lo);
  return {
    $schema: SCHEMA,
    title: c.title,
    width: WIDTH,
    height: 320,
    data: { values: c.points.map((p) => ({ ...p, lo: p.lo ?? p.y, hi: p.hi ?? p.y })) },
    layer: [
      ...(hasBand
        ? [{ mark: { type: 'area' as const, opacity: 0.12 }, encoding: { x, y: { field: 'lo', type: 'quantitative' as const, title: c.yTitle }, y2: { field: 'hi' }, color: { field: 'series', type: 'nominal' as const, title: legend, scale: scales.color, legend: LEGEND } } }]
        : []),
      {
        mark: { type: 'line' as const, strokeWidth: 2 },
        encoding: { x, y, color: { field: 'series', type: 'nominal' as const, title: legend, scale: scales.color, legend: LEGEND }, // The legend shows colour + shape; a dash drawn on the legend's shapes only blurred them.
          strokeDash: { field: 'series', type: 'nominal' as const, title: legend, scale: scales.strokeDash, legend: null } },
      },
      {
        mark: { type: 'point' as const, filled: true, size: 70 },
        encoding: {
          x,
          y,
          color: { field: 'series', type: 'nominal' as const, title: legend, scale: scales.color, legend: LEGEND },
          shape: { field: 'series', type: 'nominal' as const, title: legend, scale: scales.shape },
          tooltip: [{ field: 'series', title: legend }, { field: 'x', title: c.xTitle }, { field: 'y', title: c.yTitle }],
        },
      },
    ],
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}

export function barChart(c: BarChartInput): TopLevelSpec {
  const names = order(c.series, c.rows.map((r) => r.series));
  const scales = seriesScales(names);
  const legend = c.legend ?? 'method';
  const categories = [...new Set(c.rows.map((r) => r.category))];
  const y = { field: 'category', type: 'nominal' as const, title: c.categoryTitle, sort: categories, axis: { labelLimit: 320 } };
  const x = { field: 'value', type: 'quantitative' as const, title: c.valueTitle, ...(c.valueLog ? { scale: { type: 'log' as const } } : {}) };
  const yOffset = { field: 'series', type: 'nominal' as const, sort: names, scale: { domain: names } };
  const step = Math.max(6, Math.min(14, Math.floor(120 / Math.max(1, names.length))));
  return {
    $schema: SCHEMA,
    title: c.title,
    width: WIDTH,
    height: { step: step * names.length + 6 },
    data: { values: c.rows },
    layer: [
      {
        mark: { type: 'bar' as const, opacity: 0.85 },
        encoding: { y, yOffset, x, color: { field: 'series', type: 'nominal' as const, title: legend, scale: scales.color, legend: LEGEND } },
      },
      {
        mark: { type: 'point' as const, filled: true, size: 45 },
        encoding: {
          y,
          yOffset,
          x,
          color: { field: 'series', type: 'nominal' as const, title: legend, scale: scales.color, legend: LEGEND },
          shape: { field: 'series', type: 'nominal' as const, title: legend, scale: scales.shape },
          tooltip: [{ field: 'category', title: c.categoryTitle }, { field: 'series', title: legend }, { field: 'value', title: c.valueTitle }],
        },
      },
      ...(c.reference !== undefined ? [{ mark: { type: 'rule' as const, color: '#444', strokeDash: [4, 4] }, encoding: { x: { datum: c.reference, type: 'quantitative' as const } } }] : []),
    ],
  } as TopLevelSpec;
}
