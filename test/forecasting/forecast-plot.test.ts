/**
 * `evaluate --plot`'s chart, drawn with Vega-Lite: one panel per series on a date axis, history,
 * held-out actuals, each method's forecast (own colour, shape and dash) and an interval band.
 */
import { describe, expect, it } from 'vitest';
import { forecastPlotSpec, forecastPlotSvg } from '../../plugins/forecasting/services/forecast-plot.js';
import { seasonalDataset } from '../helpers/fixtures.js';

const H = 6;
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('forecast plot', () => {
  const ds = seasonalDataset({ series: 3, length: 48 });
  const cuts = ds.series.map((s, i) => ({ series: i, cut: s.values.length - H }));
  const flat = (v: number) => cuts.map(() => new Array(H).fill(v));
  const methods = [
    { name: 'probe', forecasts: flat(30), interval: { lo: flat(25), hi: flat(35), label: 'q0.1–q0.9' } },
    { name: 'seasonal naive', forecasts: flat(28) },
    { name: 'ETS', forecasts: flat(29) },
  ];

  it('draws the first series with dates, every method in the legend and the value title', async () => {
    const svg = await forecastPlotSvg(ds, cuts, H, methods, { count: 2, valueTitle: 'Turnover (units of the data)' });
    expect(svg.startsWith('<svg')).toBe(true);
    const labels = texts(svg);
    for (const name of ['history', 'actual (test window)', 'probe (q0.1–q0.9)', 'seasonal naive', 'ETS']) expect(labels.filter((t) => t === name), name).toHaveLength(1);
    expect(labels).toEqual(expect.arrayContaining(['s0', 's1', 'date', 'Turnover (units of the data)']));
    expect(labels).not.toContain('s2');
    // Date ticks, not step numbers: the test window is in 2018.
    expect(labels.some((t) => /2018/.test(t))).toBe(true);
  });

  it('puts the forecasts on the test window dates and the origin on the last history date', () => {
    const spec = forecastPlotSpec(ds, cuts, H, methods, { count: 1 }) as unknown as { data: { values: { series: string; method: string; date: number; lo?: number; origin?: boolean }[] } };
    const rows = spec.data.values.filter((r) => r.series === 's0');
    const ts = ds.series[0]!.timestamps;
    expect(rows.filter((r) => r.method === 'ETS').map((r) => r.date)).toEqual(ts.slice(-H));
    expect(rows.find((r) => r.origin)!.date).toBe(ts[ts.length - H - 1]);
    expect(rows.filter((r) => r.method === 'probe (q0.1–q0.9)').every((r) => r.lo === 25)).toBe(true);
    expect(rows.filter((r) => r.method === 'history')).toHaveLength(3 * H);
  });
});
