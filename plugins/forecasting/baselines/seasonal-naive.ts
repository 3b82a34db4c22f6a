import { injectable } from 'inversify';
import type { ForecastBaseline } from '../contracts.js';
import { naiveForecast } from './naive.js';

/** Repeats the last full season; plain naive when m <= 1 or the history is shorter than one season. */
export function seasonalNaiveForecast(history: readonly number[], horizon: number, m: number): number[] {
  const period = Math.floor(m);
  if (period <= 1 || history.length < period) return naiveForecast(history, horizon);
  const start = history.length - period;
  return Array.from({ length: horizon }, (_, h) => history[start + (h % period)]!);
}

/** Empirical quantile (linear interpolation between order statistics, R's type 7). */
export function empiricalQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Seasonal naive with empirical-residual quantiles: the point forecast plus the level's quantile of
 * the in-sample seasonal differences y_t − y_{t−m} less their median (so level 0.5 is the point
 * forecast itself), widened by √k for a step k seasons ahead (errors of a random walk in seasons add
 * up). Non-crossing by construction.
 */
export function seasonalNaiveQuantiles(history: readonly number[], horizon: number, m: number, levels: readonly number[]): number[][] {
  const point = seasonalNaiveForecast(history, horizon, m);
  const lag = Math.floor(m) > 1 && history.length > Math.floor(m) ? Math.floor(m) : 1;
  const residuals = history.slice(lag).map((v, t) => v - history[t]!).sort((a, b) => a - b);
  const median = residuals.length ? empiricalQuantile(residuals, 0.5) : 0;
  return levels.map((q) => {
    const r = residuals.length ? empiricalQuantile(residuals, q) - median : 0;
    return point.map((p, h) => p + r * Math.sqrt(Math.floor(h / lag) + 1));
  });
}

@injectable()
export class SeasonalNaiveBaseline implements ForecastBaseline {
  readonly id = 'seasonal-naive';
  readonly task = 'forecast' as const;
  readonly description = 'Seasonal naive: repeat the last season (naive when there is no seasonality)';

  forecast(history: number[], horizon: number, seasonalPeriod: number): number[] {
    return seasonalNaiveForecast(history, horizon, seasonalPeriod);
  }

  forecastQuantiles(history: number[], horizon: number, seasonalPeriod: number, levels: readonly number[]): number[][] {
    return seasonalNaiveQuantiles(history, horizon, seasonalPeriod, levels);
  }
}
