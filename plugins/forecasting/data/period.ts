/**
 * Seasonal periods the encoder distinguishes (TTM-style frequency token): hourly 24, daily 7,
 * weekly 52, monthly 12, quarterly 4, none/yearly 1, and one bucket for anything else.
 */
export const PERIOD_VALUES = [1, 4, 7, 12, 24, 52] as const;
export const PERIOD_BUCKETS = PERIOD_VALUES.length + 1;

export function periodBucket(period: number): number {
  const i = PERIOD_VALUES.indexOf(Math.round(period) as (typeof PERIOD_VALUES)[number]);
  return i >= 0 ? i : PERIOD_VALUES.length;
}

/** Writes the one-hot of `period` into `out` at row `row`. */
export function fillPeriod(out: Float32Array, row: number, period: number): void {
  out.fill(0, row * PERIOD_BUCKETS, (row + 1) * PERIOD_BUCKETS);
  out[row * PERIOD_BUCKETS + periodBucket(period)] = 1;
}
