import { isColumnarFile, readColumnar } from '../../../core/io/columnar.js';
import { streamDelimited } from '../../../core/io/delimited-stream.js';
import type { TextFileRole } from '../../../core/io/read-text.js';
import { Int32Column, NULL_CODE, NUMBER_CODE, TextColumn } from '../../../core/io/text-column.js';
import { DataError } from '../../../core/errors.js';
import { isMissingCell, isNumberCell, parseNumberCell, quoteCell, type CellSite, type FillMode } from './cells.js';
import { parseTimestamp, timestampFromNumber } from './timestamps.js';

/**
 * A CSV read into compact columns (see TextColumn: interned text, numbers as numbers, exact cell text
 * kept), with the checks every format needs done once: the file exists, is not empty, has unique column
 * names and at least one data row. Blank rows are left out; `line(i)` still gives each row's line.
 */
export interface CsvTable {
  file: string;
  columns: string[];
  /** Data rows kept (blank lines are skipped). */
  numRows: number;
  /** File line of data row `i` (0-based): the header is line 1; blank lines and multi-line quoted cells count. */
  line(i: number): number;
  /** A column by name (one of `columns`). */
  column(name: string): TextColumn;
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

/** Builds a table from records (header first); the first error is kept until the whole input is read. */
class TableBuilder {
  columns: string[] | undefined;
  private data: TextColumn[] = [];
  private readonly lines = new Int32Column();
  numRows = 0;
  /** Raised by a record, thrown once the input has been read, so a later unreadable byte or quote wins as before. */
  error: DataError | undefined;

  constructor(
    private readonly file: string,
    private readonly dedupe: boolean,
    private readonly emptyMessage: string,
  ) {}

  header(names: string[]): void {
    if (names.every((c) => c.trim() === '')) throw new DataError(`${this.file}: ${this.emptyMessage}`);
    if (this.dedupe) names = dedupeNames(names);
    const firstAt = new Map<string, number>();
    names.forEach((c, i) => {
      const before = firstAt.get(c);
      if (before !== undefined) {
        throw new DataError(`${this.file}: column ${quoteCell(c)} appears more than once in the header (columns ${before + 1} and ${i + 1}); rename one, or pass --dedupe-columns to read the second as ${quoteCell(dedupeNames([c, c])[1]!)}`);
      }
      firstAt.set(c, i);
    });
    this.columns = names;
    this.data = names.map(() => new TextColumn());
  }

  /** One data row; cells past the header are ignored, missing ones are empty. */
  row(cells: ArrayLike<string | null | undefined>, line: number): void {
    const n = this.data.length;
    let blank = true;
    for (let c = 0; c < n && blank; c++) {
      const v = cells[c];
      if (v != null && v.trim() !== '') blank = false;
    }
    if (blank) return;
    for (let c = 0; c < n; c++) this.data[c]!.push(cells[c]);
    this.lines.push(line);
    this.numRows++;
  }

  record = (fields: string[], line: number): void => {
    if (this.error) return;
    try {
      if (this.columns === undefined) this.header(fields);
      else this.row(fields, line);
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      this.error = err;
    }
  };

  finish(noRows: string): CsvTable {
    if (this.error) throw this.error;
    const columns = this.columns;
    if (columns === undefined) throw new DataError(`${this.file}: ${this.emptyMessage}`);
    if (this.numRows === 0) throw new DataError(`${this.file}: ${noRows}`);
    const byName = new Map(columns.map((c, i) => [c, this.data[i]!]));
    const lines = this.lines;
    return { file: this.file, columns, numRows: this.numRows, line: (i) => lines.get(i), column: (c) => byName.get(c)! };
  }
}

/** How errors describe the forecasting CSV a reader expected. */
export const CSV_FILE_ROLE: TextFileRole = { kind: 'CSV file', path: 'the .csv file', content: 'data rows' };

/** Reads a CSV (streamed, never held whole as text) or an Arrow / Parquet file into a CsvTable. */
export async function readCsvTable(file: string, options: { dedupeColumns?: boolean } = {}): Promise<CsvTable> {
  if (isColumnarFile(file)) return columnarTable(file);
  const b = new TableBuilder(file, options.dedupeColumns === true, 'the file is empty; expected a header line followed by data rows');
  await streamDelimited(file, CSV_FILE_ROLE, ',', b.record);
  return b.finish('the file has a header but no data rows');
}

/** An Arrow or Parquet file as a CsvTable (its cells as text; row i reported as line i + 2, as a CSV's would be). */
async function columnarTable(file: string): Promise<CsvTable> {
  const { columns, cells: data, numRows } = await readColumnar(file);
  if (columns.length === 0) throw new DataError(`${file}: the file is empty; expected columns and data rows`);
  const b = new TableBuilder(file, true, 'the file is empty; expected columns and data rows');
  // Arrow and Parquet column names are already unique; header() only sets up the columns.
  b.header(columns);
  const row: (string | null)[] = new Array(columns.length);
  for (let i = 0; i < numRows; i++) {
    for (let c = 0; c < columns.length; c++) row[c] = data[c]![i]!;
    b.row(row, i + 2);
  }
  return b.finish('the file has columns but no data rows');
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

/**
 * A per-cell function computed once per distinct text: ids and timestamps repeat on many rows, so
 * trimming, classifying or parsing each distinct text once is what keeps a large file fast.
 */
function perText<T>(col: TextColumn, onText: (text: string | null) => T): (i: number) => T {
  const cache: (T | undefined)[] = [];
  let nullValue: { v: T } | undefined;
  return (i) => {
    const c = col.code(i);
    if (c >= 0) {
      let v = cache[c];
      if (v === undefined) cache[c] = v = onText(col.dictionary.values[c]!);
      return v;
    }
    if (c === NULL_CODE) return (nullValue ??= { v: onText(null) }).v;
    return onText(String(col.number(i)));
  };
}

/** The trimmed text of each cell ('' when empty), computed once per distinct text. */
export function trimmedCells(col: TextColumn): (i: number) => string {
  const f = perText(col, (s) => (s ?? '').trim());
  return (i) => (col.code(i) === NUMBER_CODE ? String(col.number(i)) : f(i));
}

/** Whether each cell is missing (empty or a "no value" spelling) or a number, and how many of each, over the rows. */
export function classifyColumn(col: TextColumn, numRows: number): { missing: number; numbers: number } {
  const kind = perText(col, (s) => (isMissingCell(s) ? 1 : isNumberCell(s) ? 2 : 0));
  let missing = 0;
  let numbers = 0;
  for (let i = 0; i < numRows; i++) {
    const k = col.code(i) === NUMBER_CODE ? 2 : kind(i);
    if (k === 1) missing++;
    else if (k === 2) numbers++;
  }
  return { missing, numbers };
}

/**
 * Reads numeric cells as parseNumberCell does (same results, same messages); a cell already held as a
 * number skips the text checks, which is what most cells of a large file are.
 */
export function numberReader(t: CsvTable, column: string, fill: FillMode): (i: number, seriesId?: string) => number {
  const col = t.column(column);
  return (i, seriesId) => {
    if (col.code(i) === NUMBER_CODE) return col.number(i);
    const site: CellSite = { file: t.file, line: t.line(i), column, ...(seriesId === undefined ? {} : { seriesId }) };
    return parseNumberCell(col.text(i), site, fill);
  };
}

/** Parses the timestamp of row `i`, or throws naming the line, column, bad text and (long format) series. */
export function timestampReader(t: CsvTable, column: string): (i: number, seriesId?: string) => number {
  const col = t.column(column);
  const parse = perText(col, (s) => parseTimestamp(s ?? ''));
  return (i, seriesId) => {
    const ms = col.code(i) === NUMBER_CODE ? timestampFromNumber(col.number(i)) : parse(i);
    if (ms !== null) return ms;
    const raw = col.text(i) ?? '';
    const series = seriesId === undefined ? '' : ` (series '${seriesId}')`;
    const what = raw.trim() === '' ? 'empty timestamp' : `cannot parse timestamp ${quoteCell(raw)}`;
    throw new DataError(
      `${t.file}: line ${t.line(i)}, column '${column}'${series}: ${what}; use ISO dates like 2001-01-22 or 2016-07-01 00:00:00, year-months like 1982-04, or years like 1975`,
    );
  };
}
