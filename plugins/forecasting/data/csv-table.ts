import { isColumnarFile, readColumnar } from '../../../core/io/columnar.js';
import { readTextFile } from '../../../core/io/read-text.js';
import { fromCSV } from 'arquero';
import { DataError } from '../../../core/errors.js';
import { quoteCell } from './cells.js';
import { parseTimestamp } from './timestamps.js';

/**
 * A CSV read as strings, with the checks every format needs done once: the file exists, is not empty,
 * has unique column names and at least one data row.
 */
export interface CsvTable {
  file: string;
  columns: string[];
  numRows: number;
  /** Indexes of rows that are not blank; blank lines are skipped but still count for line numbers. */
  rows: number[];
  /** Cell text (null when absent) of a column, cached. */
  cells(column: string): (string | null)[];
}

/** CSV line number of data row `i` (0-based): the header is line 1. Quoted multi-line cells would shift this. */
export function lineOf(i: number): number {
  return i + 2;
}

/** Renames repeated header names `x, x` to `x, x_2` (then `x_3`…), skipping names already taken. */
export function dedupeNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  return names.map((n) => {
    if (!seen.has(n)) {
      seen.add(n);
      return n;
    }
    let k = 2;
    while (taken.has(`${n}_${k}`)) k++;
    const renamed = `${n}_${k}`;
    taken.add(renamed);
    return renamed;
  });
}

export async function readCsvTable(file: string, options: { dedupeColumns?: boolean } = {}): Promise<CsvTable> {
  if (isColumnarFile(file)) return columnarTable(file);
  let text = await readTextFile(file, { kind: 'CSV file', path: 'the .csv file', content: 'data rows' });
  // Excel and some exporters start UTF-8 files with a byte-order mark that would stick to the first column name.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let table: ReturnType<typeof fromCSV>;
  try {
    // Not loadCSV: arquero 8.0.3's streaming parser mangles quoted fields that straddle a chunk boundary
    // (uwdata/arquero#395; aus_retail.csv loses rows), so parse the whole text at once.
    // Strings only (autoType false): conversion happens in the loader so every bad cell gets a precise message.
    table = fromCSV(text, { autoType: false });
    const names = table.columnNames();
    if (options.dedupeColumns && new Set(names).size < names.length) {
      // arquero keeps only the last of same-named columns, so re-read without a header and name them ourselves.
      const raw = fromCSV(text, { autoType: false, header: false });
      const first = raw.objects({ limit: 1 })[0] as Record<string, unknown>;
      const renamed = dedupeNames(raw.columnNames().map((c) => String(first[c] ?? '')));
      table = raw.slice(1).rename(Object.fromEntries(raw.columnNames().map((c, i) => [c, renamed[i]!])));
    }
  } catch (err) {
    throw new DataError(`${file}: cannot be parsed as CSV (${err instanceof Error ? err.message : String(err)})`);
  }
  const columns = table.columnNames();
  if (columns.every((c) => c.trim() === '')) {
    throw new DataError(`${file}: the file is empty; expected a header line followed by data rows`);
  }
  const firstAt = new Map<string, number>();
  columns.forEach((c, i) => {
    const before = firstAt.get(c);
    if (before !== undefined) {
      throw new DataError(`${file}: column ${quoteCell(c)} appears more than once in the header (columns ${before + 1} and ${i + 1}); rename one, or pass --dedupe-columns to read the second as ${quoteCell(dedupeNames([c, c])[1]!)}`);
    }
    firstAt.set(c, i);
  });
  const cache = new Map<string, (string | null)[]>();
  const cells = (column: string): (string | null)[] => {
    let out = cache.get(column);
    if (!out) {
      out = Array.from(table.array(column) as ArrayLike<unknown>, (v) => (v == null ? null : String(v)));
      cache.set(column, out);
    }
    return out;
  };
  const numRows = table.numRows();
  const all = columns.map(cells);
  const rows: number[] = [];
  for (let i = 0; i < numRows; i++) {
    if (all.some((col) => col[i] != null && col[i]!.trim() !== '')) rows.push(i);
  }
  if (rows.length === 0) throw new DataError(`${file}: the file has a header but no data rows`);
  return { file, columns, numRows, rows, cells };
}

/** An Arrow or Parquet file as a CsvTable (its cells as text; row i reported as line i + 2, as a CSV's would be). */
async function columnarTable(file: string): Promise<CsvTable> {
  const { columns, cells: data, numRows } = await readColumnar(file);
  if (columns.length === 0) throw new DataError(`${file}: the file is empty; expected columns and data rows`);
  const byName = new Map(columns.map((c, i) => [c, data[i]!]));
  const rows: number[] = [];
  for (let i = 0; i < numRows; i++) if (data.some((col) => col[i] != null && col[i]!.trim() !== '')) rows.push(i);
  if (rows.length === 0) throw new DataError(`${file}: the file has columns but no data rows`);
  return { file, columns, numRows, rows, cells: (c) => byName.get(c)! };
}

/** A one-line list of the columns found, cut after 20 so wide files stay readable. */
export function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 20).map((c) => `'${c}'`).join(', ');
  return columns.length > 20 ? `${shown} and ${columns.length - 20} more` : shown;
}

/** Checks that `name` is a column, else says which columns exist and which flag maps them. */
export function requireColumn(t: CsvTable, name: string, role: string, flag: string): string {
  if (t.columns.includes(name)) return name;
  throw new DataError(
    `${t.file}: no ${role} column '${name}'; columns found: ${listColumns(t.columns)}; pass ${flag} <column> to map it`,
  );
}

const TIMESTAMP_FALLBACKS = ['timestamp', 'date', 'time', 'month', 'ds', 'datetime'];

/** The timestamp column: the given one, else 'timestamp', else the first of date/time/month/ds (any case). */
export function resolveTimestampColumn(t: CsvTable, given: string | undefined): string {
  if (given !== undefined) return requireColumn(t, given, 'timestamp', '--timestamp-column');
  for (const name of TIMESTAMP_FALLBACKS) {
    const hit = t.columns.find((c) => c.trim().toLowerCase() === name);
    if (hit !== undefined) return hit;
  }
  throw new DataError(
    `${t.file}: no timestamp column (looked for ${TIMESTAMP_FALLBACKS.join(', ')}); columns found: ${listColumns(t.columns)}; pass --timestamp-column <column>`,
  );
}

/** Parses the timestamp of row `i`, or throws naming the line, column, bad text and (long format) series. */
export function timestampAt(t: CsvTable, column: string, i: number, seriesId?: string): number {
  const raw = t.cells(column)[i] ?? '';
  const ms = parseTimestamp(raw);
  if (ms !== null) return ms;
  const series = seriesId === undefined ? '' : ` (series '${seriesId}')`;
  const what = raw.trim() === '' ? 'empty timestamp' : `cannot parse timestamp ${quoteCell(raw)}`;
  throw new DataError(
    `${t.file}: line ${lineOf(i)}, column '${column}'${series}: ${what}; use ISO dates like 2001-01-22 or 2016-07-01 00:00:00, year-months like 1982-04, or years like 1975`,
  );
}
