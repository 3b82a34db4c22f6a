import { DataError } from '../../../core/errors.js';

/** How missing (empty or NaN) numeric cells are handled. */
/** How missing values are handled; `drop` leaves out every series that has one (counted in a notice). */
export type FillMode = 'error' | 'zero' | 'forward' | 'interpolate' | 'drop';

/** Where a cell sits, for error messages. `line` is the CSV line number (the header is line 1). */
export interface CellSite {
  file: string;
  line: number;
  column: string;
  seriesId?: string;
}

// Spellings that exports from pandas, R and spreadsheets use for "no value".
const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '#n/a']);
// Strict decimal syntax: Number() would also accept '0x1F', '1_000' is rejected either way, '' would become 0.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function describeSite(site: CellSite): string {
  const series = site.seriesId === undefined ? '' : ` (series '${site.seriesId}')`;
  return `${site.file}: line ${site.line}, column '${site.column}'${series}`;
}

/** Cell text for a one-line message: newlines flattened, long text cut. */
export function quoteCell(raw: string): string {
  const flat = raw.replace(/\s+/g, ' ').trim();
  return `'${flat.length > 40 ? `${flat.slice(0, 40)}…` : flat}'`;
}

/** True when the cell holds one of the "no value" spellings. */
export function isMissingCell(raw: string | null | undefined): boolean {
  return raw == null || MISSING.has(raw.trim().toLowerCase());
}

/** True when the cell is a plain decimal number. */
export function isNumberCell(raw: string | null | undefined): boolean {
  return raw != null && NUMBER.test(raw.trim());
}

/**
 * Parses a numeric cell. Missing cells come back as NaN (to be filled later) unless `fill` is 'error';
 * anything else that is not a finite decimal number is an error naming the line, column and text.
 */
export function parseNumberCell(raw: string | null | undefined, site: CellSite, fill: FillMode): number {
  if (isMissingCell(raw)) {
    if (fill === 'error') {
      const what = raw == null || raw.trim() === '' ? 'empty value' : `missing value ${quoteCell(raw)}`;
      throw new DataError(
        `${describeSite(site)}: ${what}; fill the gap in the file, pass --fill forward|zero|interpolate, or --fill drop to leave out series with gaps`,
      );
    }
    return Number.NaN;
  }
  const text = raw!.trim();
  const x = NUMBER.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(x)) {
    throw new DataError(
      `${describeSite(site)}: ${quoteCell(text)} is not a number; use plain decimals like 1234.5 (no thousands separators or units), or map another column`,
    );
  }
  return x;
}

/**
 * Replaces NaNs in `values` in place and returns how many were filled. 'forward' and 'interpolate'
 * use the nearest observed value at the edges, where there is nothing to carry or interpolate from.
 * @param context names the series and column when every value is missing.
 */
export function fillGaps(values: number[], mode: Exclude<FillMode, 'error' | 'drop'>, context: string): number {
  const observed: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) observed.push(i);
  const filled = values.length - observed.length;
  if (filled === 0) return 0;
  if (observed.length === 0) {
    throw new DataError(`${context}: every value is missing, so there is nothing to fill from; drop the series or fix the data`);
  }
  if (mode === 'zero') {
    for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) values[i] = 0;
    return filled;
  }
  const first = observed[0]!;
  const last = observed[observed.length - 1]!;
  for (let i = 0; i < first; i++) values[i] = values[first]!;
  for (let i = last + 1; i < values.length; i++) values[i] = values[last]!;
  for (let k = 1; k < observed.length; k++) {
    const a = observed[k - 1]!;
    const b = observed[k]!;
    for (let i = a + 1; i < b; i++) {
      values[i] = mode === 'forward' ? values[a]! : values[a]! + ((values[b]! - values[a]!) * (i - a)) / (b - a);
    }
  }
  return filled;
}

/** The stable order that sorts `keys` ascending, or null when they already are (the common case). */
export function sortOrder(keys: readonly number[]): number[] | null {
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) if (keys[i]! < keys[i - 1]!) sorted = false;
  if (sorted) return null;
  // Array.prototype.sort is stable, so equal timestamps keep file order for the duplicate message.
  return keys.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
}

/** Reorders `xs` by `order` (as returned by sortOrder). */
export function permute<T>(xs: ArrayLike<T>, order: readonly number[]): T[] {
  return order.map((i) => xs[i]!);
}
