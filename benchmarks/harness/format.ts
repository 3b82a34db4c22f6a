/** Number formatting for benchmark tables (output stays right-aligned by core/report/table.ts). */

/** Rates and counts: thousands separators at ≥ 100, three significant digits below, '-' when missing. */
export function formatRate(x: number | undefined | null): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

/** An integer with thousands separators ('-' when missing). */
export function formatInt(x: number | undefined | null): string {
  return x === undefined || x === null || !Number.isFinite(x) ? '-' : Math.round(x).toLocaleString('en-US');
}
