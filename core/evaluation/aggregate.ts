/** Aggregation helpers for per-series scores. */

/** Arithmetic mean; NaN for an empty list. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/**
 * Geometric mean over the finite, positive values, with how many were dropped
 * (non-finite, or <= 0 where the log is undefined). NaN when nothing is left.
 */
export function geometricMeanOf(xs: readonly number[]): { value: number; dropped: number } {
  let logSum = 0;
  let kept = 0;
  let zeros = 0;
  for (const x of xs) {
    if (!Number.isFinite(x) || x < 0) continue;
    if (x === 0) zeros++;
    else logSum += Math.log(x);
    kept++;
  }
  // A zero among the kept values makes the product, hence the geometric mean, 0.
  const value = kept === 0 ? NaN : zeros > 0 ? 0 : Math.exp(logSum / kept);
  return { value, dropped: xs.length - kept };
}

/** Geometric mean ignoring non-finite (and negative) values. */
export function geometricMean(xs: readonly number[]): number {
  return geometricMeanOf(xs).value;
}

/** Smallest per-series ratio a relative score counts: an exact forecast must not zero the geometric mean. */
export const RELATIVE_SCORE_FLOOR = 0.01;

/**
 * Relative score as in Chronos / fev: geometric mean over series of model/baseline.
 * Ratios are dropped where the baseline is 0 or either score is not finite, and floored at
 * RELATIVE_SCORE_FLOOR (a method exact on one series where the baseline is not would otherwise
 * print 0.000), so one degenerate series cannot blow up or zero the aggregate.
 */
export function relativeScore(modelScores: readonly number[], baselineScores: readonly number[]): number {
  if (modelScores.length !== baselineScores.length) {
    throw new Error(`${modelScores.length} model scores but ${baselineScores.length} baseline scores`);
  }
  const ratios: number[] = [];
  for (let i = 0; i < modelScores.length; i++) {
    const b = baselineScores[i]!;
    if (b === 0 || !Number.isFinite(b)) continue;
    ratios.push(Math.max(RELATIVE_SCORE_FLOOR, modelScores[i]! / b));
  }
  return geometricMean(ratios);
}
