import type { TopLevelSpec } from 'vega-lite';
import type { ForecastDataset } from '../contracts.js';
import { seriesScales } from '../../../core/report/series-style.js';
import { renderSvg } from '../../../core/report/vega-render.js';
import type { Cut } from '../data/windows.js';

export interface PlottedMethod {
  name: string;
  /** One forecast per plotted cut (the first `count` cuts), in data units. */
  forecasts: number[][];
  /** Optional interval per cut (lowest and highest quantile), drawn as a band around the forecast. */
  interval?: { lo: number[][]; hi: number[][]; label: string };
}

export interface ForecastPlotOptions {
  /** How many series (the first cuts) to draw; default 6. */
  count?: number;
  /** The value axis title, with its unit where known, e.g. "Turnover ($ million)". */
  valueTitle?: string;
}

/** Steps of history drawn before the test window, in horizons. */
const HISTORY_HORIZONS = 3;
const HISTORY = 'history';
const ACTUAL = 'actual (test window)';

/**
 * History, the held-out actuals and each method's forecast over the test window, for the first
 * `count` series, one panel each on a date axis with a rule at the forecast origin: a quick visual
 * check of what the metrics summarise. Each method has its own colour, point shape and dash.
 */
export function forecastPlotSpec(ds: ForecastDataset, cuts: Cut[], horizon: number, methods: PlottedMethod[], o: ForecastPlotOptions = {}): TopLevelSpec {
  const plotted = cuts.slice(0, o.count ?? 6);
  const bandName = (m: PlottedMethod) => (m.interval ? `${m.name} (${m.interval.label})` : m.name);
  const names = [HISTORY, ACTUAL, ...methods.map(bandName)];
  const scales = seriesScales(names);
  const rows: Record<string, unknown>[] = [];
  const origins: Record<string, unknown>[] = [];
  plotted.forEach((c, i) => {
    const s = ds.series[c.series]!;
    const start = Math.max(0, c.cut - HISTORY_HORIZONS * horizon);
    for (let k = start; k < Math.min(s.values.length, c.cut + horizon); k++) {
      if (k < c.cut) rows.push({ series: s.id, method: HISTORY, date: s.timestamps[k], value: s.values[k] });
      // The actuals' line starts at the origin's value so that it continues the history without a gap.
      if (k >= c.cut - 1) rows.push({ series: s.id, method: ACTUAL, date: s.timestamps[k], value: s.values[k], ...(k < c.cut ? { joint: true } : {}) });
    }
    origins.push({ series: s.id, date: s.timestamps[c.cut - 1] });
    for (const m of methods) {
      m.forecasts[i]!.forEach((value, h) => {
        const date = s.timestamps[c.cut + h];
        if (date === undefined) return;
        rows.push({ series: s.id, method: bandName(m), date, value, ...(m.interval ? { lo: m.interval.lo[i]![h], hi: m.interval.hi[i]![h] } : {}) });
      });
    }
  });
  const legend = { title: 'line', labelLimit: 400, symbolStrokeWidth: 0, symbolOpacity: 1, symbolSize: 110, labelFontSize: 12, titleFontSize: 12, orient: 'bottom' as const, direction: 'vertical' as const };
  const x = { field: 'date', type: 'temporal' as const, title: 'date' };
  const y = { field: 'value', type: 'quantitative' as const, title: o.valueTitle ?? 'value (units of the data)', scale: { zero: false } };
  const color = { field: 'method', type: 'nominal' as const, scale: scales.color, legend };
  const bands = methods.filter((m) => m.interval).map(bandName);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Test window: history, actuals and forecasts (first ${plotted.length} series)`,
    data: { values: [...rows, ...origins.map((r) => ({ ...r, method: 'origin', origin: true }))] },
    facet: { field: 'series', type: 'nominal', title: null, sort: plotted.map((c) => ds.series[c.series]!.id) },
    columns: 2,
    spec: {
      width: 380,
      height: 200,
      layer: [
        ...(bands.length
          ? [{ transform: [{ filter: { field: 'method', oneOf: bands } }, { filter: 'isValid(datum.lo)' }], mark: { type: 'area' as const, opacity: 0.18 }, encoding: { x, y: { field: 'lo', type: 'quantitative' as const, title: y.title }, y2: { field: 'hi' }, color } }]
          : []),
        {
          transform: [{ filter: { field: 'method', oneOf: names } }],
          mark: { type: 'line' as const, strokeWidth: 1.8 },
          encoding: { x, y, color, strokeDash: { field: 'method', type: 'nominal' as const, scale: scales.strokeDash, legend: null } },
        },
        {
          transform: [{ filter: { field: 'method', oneOf: names.slice(1) } }, { filter: '!datum.joint' }],
          mark: { type: 'point' as const, filled: true, size: 30 },
          encoding: { x, y, color, shape: { field: 'method', type: 'nominal' as const, scale: scales.shape, legend } },
        },
        // The forecast origin: the last step the models saw.
        { transform: [{ filter: 'datum.origin === true' }], mark: { type: 'rule' as const, color: '#666', strokeDash: [3, 3] }, encoding: { x } },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as TopLevelSpec;
}

/** The plot as SVG text (what `evaluate --plot` writes). */
export function forecastPlotSvg(ds: ForecastDataset, cuts: Cut[], horizon: number, methods: PlottedMethod[], o: ForecastPlotOptions = {}): Promise<string> {
  return renderSvg(forecastPlotSpec(ds, cuts, horizon, methods, o));
}
