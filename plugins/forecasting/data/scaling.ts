/** Location and scale of one window, from its observed history only. */
export interface InstanceScale {
  loc: number;
  scale: number;
}

/**
 * Instance normalisation (RevIN without the affine part): mean and standard deviation of the observed
 * history. A flat history falls back to its magnitude (or 1) so nothing divides by zero.
 */
export function instanceScale(values: ArrayLike<number>, start = 0, end = values.length): InstanceScale {
  const n = end - start;
  if (n <= 0) return { loc: 0, scale: 1 };
  let sum = 0;
  for (let i = start; i < end; i++) sum += values[i]!;
  const loc = sum / n;
  let sq = 0;
  for (let i = start; i < end; i++) sq += (values[i]! - loc) ** 2;
  const std = Math.sqrt(sq / n);
  const scale = std > 1e-6 * (Math.abs(loc) + 1) ? std : Math.abs(loc) || 1;
  return { loc, scale };
}

/**
 * Writes the last `contextLength` values before `cut` into `ctx`/`mask` at `offset`, scaled, left-padded
 * with zeros and mask 0 when the history is shorter. Returns the scale used.
 */
export function fillContext(
  values: ArrayLike<number>,
  cut: number,
  contextLength: number,
  ctx: Float32Array,
  mask: Float32Array,
  offset: number,
  maxHistory = contextLength,
): InstanceScale {
  const start = Math.max(0, cut - Math.min(contextLength, maxHistory));
  const s = instanceScale(values, start, cut);
  const pad = contextLength - (cut - start);
  for (let i = 0; i < contextLength; i++) {
    const src = start + i - pad;
    if (i < pad) {
      ctx[offset + i] = 0;
      mask[offset + i] = 0;
    } else {
      ctx[offset + i] = (values[src]! - s.loc) / s.scale;
      mask[offset + i] = 1;
    }
  }
  return s;
}

/**
 * Mean absolute seasonal difference |x_t - x_{t-p}| over the observed part of a filled context row
 * (the in-sample denominator of MASE, in the row's scaled units); p shrinks to fit a short history,
 * and to 1 when nothing else fits. Returns NaN when fewer than two values are observed.
 */
export function seasonalDiffScale(ctx: Float32Array, mask: Float32Array, offset: number, contextLength: number, period: number): number {
  let first = offset + contextLength;
  while (first > offset && mask[first - 1] === 1) first--;
  const observed = offset + contextLength - first;
  if (observed < 2) return NaN;
  const p = Math.max(1, Math.min(Math.round(period), observed - 1));
  let sum = 0;
  for (let i = first + p; i < offset + contextLength; i++) sum += Math.abs(ctx[i]! - ctx[i - p]!);
  return sum / (observed - p);
}

/** Floor of the seasonal-naive error (scaled units) when weighting: caps a window's weight at 10. */
const MIN_SEASONAL_ERROR = 0.1;

/** Loss weight of a window whose context has seasonal-naive error `d` (NaN: too short to tell → 1). */
export function maseWeight(d: number): number {
  return 1 / Math.max(MIN_SEASONAL_ERROR, Number.isFinite(d) ? d : 1);
}
