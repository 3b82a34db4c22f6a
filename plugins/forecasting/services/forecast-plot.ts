import type { ForecastDataset } from '../../../core/interfaces/index.js';
import { gridSvg, lineChartSvg } from '../../../core/report/svg-plot.js';
import type { Cut } from '../data/windows.js';

export interface PlottedMethod {
  name: string;
  /** One forecast per cut, in data units. */
  forecasts: number[][];
  /** Optional interval per cut (lowest and highest quantile), drawn as a band around the forecast. */
  interval?: { lo: number[][]; hi: number[][]; label: string };
}

/**
 * History, actuals and each method's forecast over the test window, for the first `count` series:
 * a quick visual check of what the metrics summarise.
 */
export function forecastPlotSvg(ds: ForecastDataset, cuts: Cut[], horizon: number, methods: PlottedMethod[], count = 6): string {
  const width = 460;
  const height = 260;
  const charts = cuts.slice(0, count).map((c, i) => {
    const s = ds.series[c.series]!;
    const start = Math.max(0, c.cut - 3 * horizon);
    const actual = s.values.slice(start, c.cut + horizon).map((y, k) => ({ x: start + k - c.cut, y }));
    const series = [
      { name: 'actual', points: actual },
      ...methods.map((m) => ({
        name: m.interval ? `${m.name} (${m.interval.label})` : m.name,
        points: m.forecasts[i]!.map((y, h) => ({ x: h, y, ...(m.interval ? { lo: m.interval.lo[i]![h]!, hi: m.interval.hi[i]![h]! } : {}) })),
      })),
    ];
    return lineChartSvg({ title: s.id, xLabel: 'steps from the forecast origin', yLabel: '', series, width, height });
  });
  return gridSvg(charts, 2, { width, height });
}
