import type { ForecastDataset } from './contracts.js';
import type { Cut } from './data/windows.js';

/**
 * Horizons before each cut that the selection backtests on. One horizon chose about as often wrong
 * as right on the benchmark; three steadied it (docs/forecast-benchmark.md, "Backtest selection").
 */
export const BACKTEST_WINDOWS = 3;

/** Per-series choice of how the network reads a history, by backtests inside that history. */
export interface BacktestSelection {
  /** Horizons before the cut to backtest on (fewer where the history is short; none → the plain forecast). */
  windows: number;
}

/** The candidates a series chooses among: the plain forecast, and its average with each other view's. */
export const BACKTEST_CANDIDATES = ['plain', 'plain + no-season', 'plain + recent'] as const;
export type BacktestCandidate = (typeof BACKTEST_CANDIDATES)[number];

/** The network's raw output rows (every quantile level) for `cuts` of `dataset`, in data units. */
export type RawForecast = (dataset: ForecastDataset, cuts: Cut[]) => number[][];

export interface BacktestSetting {
  horizon: number;
  contextLength: number;
  windows: number;
  /** The point forecast (median block) of one raw row. */
  median: (row: number[]) => number[];
}

/**
 * Raw outputs for `cuts`, each from the candidate that forecast its own series best on the
 * `windows` horizons just before the cut (summed absolute error of the point forecast; the plain
 * forecast wins ties and series too short to backtest). Only history before each cut is read.
 *
 * The views are the same network told something else about the history: the dataset's period
 * (plain), no season (period 1: the no-season token and the naive anchor), and only the recent
 * half of its context. Averaging a view with the plain forecast, rather than switching to it, is
 * what paid on the benchmark: the views alone are worse than the plain forecast almost everywhere,
 * while the averages fix series whose season is weak (weekly, daily, offences, production data).
 */
export function selectByBacktest(dataset: ForecastDataset, cuts: Cut[], s: BacktestSetting, raw: RawForecast): { rows: number[][]; choices: BacktestCandidate[] } {
  const H = s.horizon;
  const backtests = cuts.flatMap((c, row) =>
    Array.from({ length: s.windows }, (_, k) => ({ row, cut: { series: c.series, cut: c.cut - (k + 1) * H } })).filter((b) => b.cut.cut >= Math.max(H, MIN_BACKTEST_HISTORY)),
  );
  const all = [...cuts, ...backtests.map((b) => b.cut)];
  const plain = raw(dataset, all);
  const noSeason = dataset.seasonalPeriod > 1 ? raw({ ...dataset, seasonalPeriod: 1 }, all) : undefined;
  const recent = recentView(dataset, all, Math.floor(s.contextLength / 2));
  const recentRows = recent ? raw(recent.dataset, recent.cuts) : undefined;
  const candidate = (c: BacktestCandidate, i: number): number[] | undefined => {
    const other = c === 'plain + no-season' ? noSeason?.[i] : c === 'plain + recent' ? recentRows?.[i] : undefined;
    if (c === 'plain') return plain[i]!;
    return other && plain[i]!.map((v, k) => (v + other[k]!) / 2);
  };
  const error = cuts.map(() => new Map<BacktestCandidate, number>());
  backtests.forEach((b, j) => {
    const i = cuts.length + j;
    const values = dataset.series[b.cut.series]!.values;
    for (const c of BACKTEST_CANDIDATES) {
      const row = candidate(c, i);
      if (!row) continue;
      const point = s.median(row);
      let e = 0;
      for (let h = 0; h < H; h++) e += Math.abs(point[h]! - values[b.cut.cut + h]!);
      error[b.row]!.set(c, (error[b.row]!.get(c) ?? 0) + e);
    }
  });
  const choices = cuts.map((_, r) => {
    let best: BacktestCandidate = 'plain';
    for (const [c, e] of error[r]!) if (e < error[r]!.get(best)!) best = c;
    return best;
  });
  return { rows: cuts.map((_, r) => candidate(choices[r]!, r)!), choices };
}

/** Shortest history a backtest forecasts from: below it the context says too little to judge a view. */
const MIN_BACKTEST_HISTORY = 8;

/**
 * One series per cut holding only the last `length` steps before it (and what follows, which the
 * windows read as targets and future covariates); undefined when no cut has a longer history.
 */
function recentView(dataset: ForecastDataset, cuts: Cut[], length: number): { dataset: ForecastDataset; cuts: Cut[] } | undefined {
  if (!cuts.some((c) => c.cut > length)) return undefined;
  const series = cuts.map((c) => {
    const s = dataset.series[c.series]!;
    const start = Math.max(0, c.cut - length);
    const covariates = Object.fromEntries(Object.entries(s.covariates).map(([name, v]) => [name, v.slice(start)]));
    return { ...s, timestamps: s.timestamps.slice(start), values: s.values.slice(start), covariates };
  });
  return { dataset: { ...dataset, series }, cuts: cuts.map((c, i) => ({ series: i, cut: c.cut - Math.max(0, c.cut - length) })) };
}
