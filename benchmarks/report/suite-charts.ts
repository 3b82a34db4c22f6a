/** The charts of each built-in suite, from the summaries its report module computes. */
import type { SavingsRun, SavingsSummary } from '../suites/forecast-data-savings-report.js';
import type { RecsysRun, RecsysSummary } from '../suites/recommend-data-savings-report.js';
import type { MultiSummary } from '../suites/forecast-multi-report.js';
import { barChart, lineChart, type BarRow, type LinePoint } from './charts.js';
import type { ReportChart } from './html.js';

const spread = (ys: number[]) => ({ lo: Math.min(...ys), hi: Math.max(...ys) });
const TRAINED = ['probe', 'fine-tune', 'scratch'];
const REFERENCES = ['zero-shot', 'ets', 'seasonal-naive'];

/** Forecast data savings: MASE against the share of training series; methods that do not train are flat lines over the same range. */
export function forecastSavingsCharts(s: SavingsSummary, runs: SavingsRun[], ctx: { dataset: string; series: number }): ReportChart[] {
  const fractions = [...new Set(s.cells.filter((c) => c.fraction > 0).map((c) => c.fraction))].sort((a, b) => a - b);
  const points: LinePoint[] = [];
  // As the suite's markdown ranks them; naive and TSB (several times worse on seasonal data) stay in the table, where they do not flatten the rest.
  const series = [...TRAINED, ...REFERENCES].filter((m) => s.cells.some((c) => c.method === m));
  for (const c of s.cells.filter((x) => series.includes(x.method))) {
    if (c.fraction > 0) {
      points.push({ series: c.method, x: c.fraction, y: c.MASE, ...spread(runs.filter((r) => r.method === c.method && r.fraction === c.fraction).map((r) => r.MASE)) });
    } else if (fractions.length) {
      // Zero-shot and the baselines use no training series: the same value at every share.
      for (const f of fractions) points.push({ series: c.method, x: f, y: c.MASE });
    }
  }
  return [
    ...timeCurveCharts(runs, ctx),
    {
      id: 'data-savings',
      series,
      spec: lineChart({
        title: `${ctx.dataset}: test MASE vs share of training series (mean; band: min–max over seeds)`,
        xTitle: `share of the ${ctx.series} series used for training (log scale)`,
        yTitle: 'MASE (scaled absolute error, lower is better)',
        points,
        series,
        xLog: true,
        xFormat: '.0%',
        xValues: fractions,
      }),
    },
  ];
}

/** Test MASE against training seconds, per trained strategy, at the largest share, for the first seed that has curves. */
function timeCurveCharts(runs: SavingsRun[], ctx: { dataset: string; series: number }): ReportChart[] {
  const curved = runs.filter((r) => r.curve?.length);
  if (!curved.length) return [];
  const fraction = Math.max(...curved.map((r) => r.fraction));
  const seed = Math.min(...curved.filter((r) => r.fraction === fraction).map((r) => r.seed));
  const shown = curved.filter((r) => r.fraction === fraction && r.seed === seed);
  const series = TRAINED.filter((m) => shown.some((r) => r.method === m));
  const points: LinePoint[] = shown.flatMap((r) => r.curve!.map((c) => ({ series: r.method, x: c.seconds, y: c.testMASE })));
  return [
    {
      id: 'time-savings',
      series,
      spec: lineChart({
        title: `${ctx.dataset}: test MASE along training (${Math.round(fraction * 100)}% of the series, seed ${seed}; a point per epoch, the first at the start)`,
        xTitle: 'training seconds (wall clock, validation included)',
        yTitle: 'MASE (scaled absolute error, lower is better)',
        points,
        series,
      }),
    },
  ];
}

/** Recommendation data savings: NDCG@10 against the share of training users, one line per method. */
export function recommendSavingsCharts(s: RecsysSummary, runs: RecsysRun[], ctx: { dataset: string }): ReportChart[] {
  const fractions = [...new Set(s.cells.map((c) => c.fraction))].sort((a, b) => a - b);
  const points: LinePoint[] = s.cells.map((c) => ({
    series: c.method,
    x: c.fraction,
    y: c.ndcg10,
    ...spread(runs.filter((r) => r.method === c.method && r.fraction === c.fraction).map((r) => r['NDCG@10'])),
  }));
  const series = [...new Set(points.map((p) => p.series))];
  return [
    {
      id: 'data-savings',
      series,
      spec: lineChart({
        title: `${ctx.dataset}: test NDCG@10 vs share of training users (mean; band: min–max over seeds)`,
        xTitle: 'share of the training users (log scale)',
        yTitle: 'NDCG@10 (0–1, higher is better)',
        points,
        series,
        xLog: true,
        xFormat: '.1~%',
        xValues: fractions,
      }),
    },
  ];
}

/** Multi-dataset forecasting: relative MASE per dataset and method, plus the geometric mean over datasets. */
export function forecastMultiCharts(s: MultiSummary): ReportChart[] {
  const rows: BarRow[] = [];
  for (const d of s.datasets) {
    for (const m of s.methods) {
      const v = s.relMASE[m]?.[d.name];
      if (v !== undefined && Number.isFinite(v)) rows.push({ category: d.name, series: m, value: v });
    }
  }
  for (const m of s.methods) {
    const o = s.overall[m];
    if (o && Number.isFinite(o.relMASE) && s.datasets.length > 1) rows.push({ category: 'geo-mean (all datasets)', series: m, value: o.relMASE });
  }
  const series = [...new Set(rows.map((r) => r.series))];
  return [
    {
      id: 'per-dataset',
      series,
      spec: barChart({
        title: 'Relative MASE per dataset (MASE / seasonal naive\'s, geometric mean over series and origins)',
        categoryTitle: 'dataset',
        valueTitle: 'relative MASE (ratio; below 1 beats seasonal naive)',
        rows,
        series,
        reference: 1,
      }),
    },
  ];
}

/** One throughput cell as the chart reads it (the service's Cell, narrowed). */
export interface ThroughputCellLike {
  backbone: string;
  backend: string;
  status: string;
  train?: { perSecond: number };
  probe?: { perSecond: number };
  inference?: { perSecond: number };
}

/** Throughput: items per second for each backbone and phase, one bar per backend (log scale: backends differ ~10×). */
export function throughputCharts(cells: ThroughputCellLike[]): ReportChart[] {
  const rows: BarRow[] = [];
  for (const c of cells) {
    if (c.status !== 'ok') continue;
    for (const [phase, unit, r] of [['train', 'samples/s', c.train], ['probe', 'samples/s', c.probe], ['inference', 'series/s', c.inference]] as const) {
      if (r && Number.isFinite(r.perSecond) && r.perSecond > 0) rows.push({ category: `${c.backbone} · ${phase} (${unit})`, series: c.backend, value: r.perSecond });
    }
  }
  const series = [...new Set(rows.map((r) => r.series))];
  return rows.length
    ? [
        {
          id: 'throughput',
          series,
          spec: barChart({
            title: 'Throughput per backbone and phase (median step)',
            categoryTitle: 'backbone · phase',
            valueTitle: 'items per second (samples/s or series/s, log scale)',
            rows,
            series,
            legend: 'backend',
            valueLog: true,
          }),
        },
      ]
    : [];
}
