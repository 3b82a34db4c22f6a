/** Point-forecast error metrics. Pure functions over equal-length arrays. */

function checkLengths(actual: readonly number[], forecast: readonly number[]): void {
  if (actual.length !== forecast.length) {
    throw new Error(`actual has ${actual.length} values but forecast has ${forecast.length}`);
  }
}

/** Mean absolute error. */
export function mae(actual: readonly number[], forecast: readonly number[]): number {
  checkLengths(actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i]! - forecast[i]!);
  return sum / actual.length;
}

/** Root mean squared error. */
export function rmse(actual: readonly number[], forecast: readonly number[]): number {
  checkLengths(actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (actual[i]! - forecast[i]!) ** 2;
  return Math.sqrt(sum / actual.length);
}

/** Symmetric MAPE in percent (0..200). A step where both values are 0 is a perfect hit and counts 0. */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  checkLengths(actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const f = forecast[i]!;
    const denom = Math.abs(a) + Math.abs(f);
    sum += denom === 0 ? 0 : (200 * Math.abs(a - f)) / denom;
  }
  return sum / actual.length;
}

/**
 * MASE denominator: mean |y_t - y_{t-m}| over the in-sample history.
 * Falls back to m = 1 when the history is too short for one seasonal difference;
 * NaN when there is no difference at all (< 2 points).
 */
export function seasonalNaiveScale(history: readonly number[], m: number): number {
  if (history.length < 2) return NaN;
  const lag = m >= 1 && history.length >= m + 1 ? Math.floor(m) : 1;
  let sum = 0;
  for (let t = lag; t < history.length; t++) sum += Math.abs(history[t]! - history[t - lag]!);
  return sum / (history.length - lag);
}

/** Mean absolute scaled error: MAE divided by the in-sample seasonal-naive MAE. */
export function mase(
  actual: readonly number[],
  forecast: readonly number[],
  history: readonly number[],
  m: number,
): number {
  return mae(actual, forecast) / seasonalNaiveScale(history, m);
}
