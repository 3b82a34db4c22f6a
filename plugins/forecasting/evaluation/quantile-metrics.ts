/**
 * Probabilistic forecast metrics over quantile forecasts (GluonTS / fev conventions). Pure functions;
 * `quantiles[k][t]` is the forecast of level `levels[k]` at step t.
 */
import { seasonalNaiveScale } from './forecast-metrics.js';

function checkShapes(actual: readonly number[], levels: readonly number[], quantiles: readonly (readonly number[])[]): void {
  if (quantiles.length !== levels.length) throw new Error(`${levels.length} quantile levels but ${quantiles.length} quantile rows`);
  for (const [k, q] of quantiles.entries()) {
    if (q.length !== actual.length) throw new Error(`quantile ${levels[k]} has ${q.length} values but actual has ${actual.length}`);
  }
  for (const l of levels) if (!(l > 0 && l < 1)) throw new Error(`quantile level ${l} is not in (0, 1)`);
}

/** Pinball (quantile) loss of one forecast value: (y − ŷ)·q when y ≥ ŷ, (ŷ − y)·(1 − q) otherwise. */
export function pinball(y: number, forecast: number, level: number): number {
  return y >= forecast ? (y - forecast) * level : (forecast - y) * (1 - level);
}

/**
 * The two sums weighted quantile loss is made of, so it can be aggregated over many series:
 * Σ_t Σ_q 2·pinball_q and Σ_t |y_t|.
 */
export function quantileLossSums(actual: readonly number[], levels: readonly number[], quantiles: readonly (readonly number[])[]): { loss: number; scale: number } {
  checkShapes(actual, levels, quantiles);
  let loss = 0;
  let scale = 0;
  for (let t = 0; t < actual.length; t++) {
    scale += Math.abs(actual[t]!);
    for (let k = 0; k < levels.length; k++) loss += 2 * pinball(actual[t]!, quantiles[k]![t]!, levels[k]!);
  }
  return { loss, scale };
}

/**
 * Weighted quantile loss: Σ 2·pinball over steps, divided by Σ|y| and averaged over the levels
 * (GluonTS `mean_weighted_sum_quantile_loss`, fev's WQL). Over several series, sum both parts first
 * (see quantileLossSums); NaN when every actual value is 0.
 */
export function wql(actual: readonly number[], levels: readonly number[], quantiles: readonly (readonly number[])[]): number {
  const { loss, scale } = quantileLossSums(actual, levels, quantiles);
  return scale === 0 ? NaN : loss / (scale * levels.length);
}

/**
 * Mean scaled interval score (M4) of the central (1 − alpha) interval [lower, upper]: width plus
 * 2/alpha times the miss, averaged over steps and divided by the in-sample seasonal-naive MAE.
 */
export function msis(actual: readonly number[], lower: readonly number[], upper: readonly number[], history: readonly number[], m: number, alpha: number): number {
  if (lower.length !== actual.length || upper.length !== actual.length) throw new Error('interval bounds and actual differ in length');
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha ${alpha} is not in (0, 1)`);
  let sum = 0;
  for (let t = 0; t < actual.length; t++) {
    const y = actual[t]!;
    const l = lower[t]!;
    const u = upper[t]!;
    sum += u - l + (y < l ? (2 / alpha) * (l - y) : 0) + (y > u ? (2 / alpha) * (y - u) : 0);
  }
  return sum / actual.length / seasonalNaiveScale(history, m);
}

/** Share of steps at or below each level's forecast (a calibrated level-q forecast covers about q). */
export function coverage(actual: readonly number[], levels: readonly number[], quantiles: readonly (readonly number[])[]): number[] {
  checkShapes(actual, levels, quantiles);
  return levels.map((_, k) => actual.filter((y, t) => y <= quantiles[k]![t]!).length / actual.length);
}
