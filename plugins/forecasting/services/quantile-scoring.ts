import type { ForecastBaseline, ForecastDataset } from '../contracts.js';
import { coverage, msis, quantileLossSums } from '../evaluation/quantile-metrics.js';
import { mean } from '../../../core/evaluation/aggregate.js';
import type { Cut } from '../data/windows.js';

/** A method's probabilistic scores over every series' test window. */
export interface QuantileScores {
  name: string;
  levels: number[];
  /** Weighted quantile loss pooled over series (Σ 2·pinball / Σ|y| / levels, as GluonTS/fev). */
  WQL: number;
  /** Mean over series of the MSIS of the outermost central interval, and that interval's nominal coverage. */
  MSIS: number;
  interval: number;
  /** Share of actual values at or below each level, pooled over series. */
  coverage: number[];
  /** The same three per series (its own WQL, the MSIS of its interval, its coverage), by series id. */
  perSeries: Record<string, { WQL: number; MSIS: number; coverage: number[] }>;
}

/** Scores quantile forecasts [cut][level][step] at `cuts` (the test window) against the data. */
export function scoreQuantiles(name: string, ds: ForecastDataset, cuts: readonly Cut[], levels: number[], forecasts: number[][][], horizon: number): QuantileScores {
  let loss = 0;
  let scale = 0;
  const covered = levels.map(() => 0);
  let steps = 0;
  const intervals: number[] = [];
  const perSeries: QuantileScores['perSeries'] = {};
  const lo = 0;
  const hi = levels.length - 1;
  const alpha = levels[lo]! + (1 - levels[hi]!);
  cuts.forEach((c, i) => {
    const s = ds.series[c.series]!;
    const actual = s.values.slice(c.cut, c.cut + horizon);
    const history = s.values.slice(0, c.cut);
    const q = forecasts[i]!;
    const sums = quantileLossSums(actual, levels, q);
    loss += sums.loss;
    scale += sums.scale;
    coverage(actual, levels, q).forEach((v, k) => (covered[k]! += v * actual.length));
    steps += actual.length;
    const m = levels.length > 1 ? msis(actual, q[lo]!, q[hi]!, history, ds.seasonalPeriod, alpha) : NaN;
    if (levels.length > 1) intervals.push(m);
    perSeries[s.id] = { WQL: sums.scale === 0 ? NaN : sums.loss / (sums.scale * levels.length), MSIS: m, coverage: coverage(actual, levels, q) };
  });
  return {
    name,
    levels,
    WQL: scale === 0 ? NaN : loss / (scale * levels.length),
    MSIS: mean(intervals.filter(Number.isFinite)),
    interval: 1 - alpha,
    coverage: covered.map((c) => c / steps),
    perSeries,
  };
}

/** A baseline's quantile forecasts at `cuts`, fit on the history before each cut. */
export function baselineQuantiles(b: ForecastBaseline, ds: ForecastDataset, cuts: readonly Cut[], horizon: number, levels: number[]): number[][][] | undefined {
  if (!b.forecastQuantiles) return undefined;
  return cuts.map((c) => b.forecastQuantiles!(ds.series[c.series]!.values.slice(0, c.cut), horizon, ds.seasonalPeriod, levels));
}
