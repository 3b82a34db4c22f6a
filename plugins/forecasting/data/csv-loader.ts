import { DataError, UsageError } from '../../../core/errors.js';
import type { ForecastDataset, Frequency, Series } from '../contracts.js';
import { quoteCell, fillGaps, permute, sortOrder, type FillMode } from './cells.js';
import { Interner, NULL_CODE } from '../../../core/io/text-column.js';
import { classifyColumn, listColumns, numberReader, readCsvTable, requireColumn, resolveTimestampColumn, timestampReader, trimmedCells, type CsvTable } from './csv-table.js';
import { inferFrequency, seasonalPeriodOf } from './frequency.js';
import { fillCalendarGaps, listIds } from './calendar-gaps.js';
import { formatTimestamp, timestampStyleOf } from './timestamps.js';

export interface ForecastLoadOptions {
  /** 'long' (series_id,timestamp,value[,covariates]) or 'wide' (timestamp + one column per series); 'auto' detects. */
  format?: 'long' | 'wide' | 'auto';
  /** Long: default 'series_id'; several comma-separated columns are joined with '/' (e.g. "State,Industry"). */
  idColumn?: string;
  /** Default 'timestamp', falling back to date, time, month, ds when absent. */
  timestampColumn?: string;
  /** Long: default 'value'. */
  valueColumn?: string;
  /** Wide: which columns are series (default: all numeric columns not named as covariates). */
  seriesColumns?: string[];
  /** Known-future covariates; long: per row; wide: shared by all series. */
  covariateColumns?: string[];
  /** Missing/NaN values; default 'error'. */
  fill?: FillMode;
  /** Otherwise inferred per dataset. */
  frequency?: Frequency;
  /** Otherwise from the frequency. */
  seasonalPeriod?: number;
  /** Read repeated header names as `name_2`, `name_3`… instead of refusing the file. */
  dedupeColumns?: boolean;
}

/** A series as read, before the duplicate/length checks and filling; `lines` maps points back to the CSV. */
interface RawSeries {
  id: string;
  timestamps: number[];
  values: number[];
  /** A view into one array of every row's line (long format) or the shared rows' lines (wide): no copy per series. */
  lines: ArrayLike<number>;
  covariates: Record<string, number[]>;
}

interface Ctx {
  file: string;
  fill: FillMode;
  valueColumn: string;
  /** Added to duplicate-timestamp errors: in wide files duplicates usually mean the file is really long format. */
  duplicateHint: string;
  notices: string[];
}

/** Loads a forecasting CSV (long or wide) into a checked, sorted, gap-free dataset. */
export async function loadForecastCsv(path: string, options: ForecastLoadOptions = {}): Promise<ForecastDataset> {
  const fill = options.fill ?? 'error';
  const t = await readCsvTable(path, { dedupeColumns: options.dedupeColumns });
  const tsColumn = resolveTimestampColumn(t, options.timestampColumn);
  const covariateNames = (options.covariateColumns ?? []).map((c) =>
    requireColumn(t, c, 'covariate', '--covariate-columns'),
  );
  const notices: string[] = [];
  const layout = detectLayout(t, options, tsColumn, covariateNames, notices);
  const format = layout.format;
  const ctx: Ctx = { file: path, fill, valueColumn: layout.valueColumn ?? 'value', duplicateHint: '', notices };
  let raws: RawSeries[];
  if (format === 'long') {
    raws = readLong(t, ctx, tsColumn, covariateNames, layout.idColumn!);
  } else {
    ctx.duplicateHint =
      ' (if each row is one series point, load it as long format: --format long --id-column <column>)';
    raws = readWide(t, ctx, tsColumn, covariateNames, options.seriesColumns);
  }
  raws.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const finished = finishAll(ctx, raws);
  const frequency = options.frequency ?? inferDatasetFrequency(path, finished);
  const series = fillCalendarGaps(ctx, finished, frequency);
  const seasonalPeriod = options.seasonalPeriod ?? seasonalPeriodOf(frequency);
  if (!Number.isInteger(seasonalPeriod) || seasonalPeriod < 1) {
    throw new UsageError(`seasonal period must be a whole number >= 1, got ${seasonalPeriod}`);
  }
  const timestampStyle = timestampStyleOf(t.column(tsColumn).text(0) ?? '');
  const columns = format === 'long'
    ? { id: layout.idColumn!.split(',').map((c) => c.trim()).filter(Boolean).join('/'), timestamp: tsColumn, value: ctx.valueColumn }
    : { timestamp: tsColumn };
  return { source: path, frequency, seasonalPeriod, series, covariateNames, notices: ctx.notices, columns, ...(timestampStyle ? { timestampStyle } : {}) };
}

/** Column names that mean "series id" and "value" in common long layouts (Nixtla, GluonTS, Darts, Kaggle). */
const ID_NAMES = ['series_id', 'unique_id', 'item_id', 'id', 'sku', 'series', 'key', 'store_item'];
const VALUE_NAMES = ['value', 'y', 'sales', 'demand', 'quantity', 'qty', 'units', 'target', 'count', 'volume'];

interface Layout {
  format: 'long' | 'wide';
  idColumn?: string;
  valueColumn?: string;
}

const findColumn = (t: CsvTable, names: readonly string[], exclude: readonly string[]) =>
  names.map((n) => t.columns.find((c) => c.trim().toLowerCase() === n && !exclude.includes(c))).find((c) => c !== undefined);

/**
 * Long or wide, and the long layout's id and value columns: what the flags say, else common column
 * names (unique_id/ds/y, series_id/timestamp/value, item_id/date/sales…); a file whose timestamps
 * repeat but whose columns say nothing is long format with unknown columns, which is an error that
 * says which flags to pass. Wide otherwise.
 */
function detectLayout(t: CsvTable, options: ForecastLoadOptions, tsColumn: string, covariates: string[], notices: string[]): Layout {
  const taken = [tsColumn, ...covariates];
  if (options.format === 'wide' || (options.format !== 'long' && options.seriesColumns !== undefined)) return { format: 'wide' };
  const explicit = options.format === 'long' || options.idColumn !== undefined || options.valueColumn !== undefined;
  const idColumn = options.idColumn ?? findColumn(t, ID_NAMES, taken);
  const valueColumn = options.valueColumn ?? findColumn(t, VALUE_NAMES, [...taken, ...(idColumn ? idColumn.split(',').map((c) => c.trim()) : [])]);
  if (explicit || idColumn) {
    const guessed = [options.idColumn === undefined && idColumn ? `id '${idColumn}'` : '', options.valueColumn === undefined && valueColumn ? `value '${valueColumn}'` : ''].filter(Boolean);
    if (guessed.length && !(idColumn === 'series_id' && valueColumn === 'value')) {
      notices.push(`read ${t.file} as long format with ${guessed.join(' and ')} (from the column names; --id-column/--value-column or --format wide override)`);
    }
    return { format: 'long', idColumn: idColumn ?? 'series_id', valueColumn: valueColumn ?? 'value' };
  }
  // Most timestamps repeating (not one duplicated row) means one row per series point.
  const stamp = trimmedCells(t.column(tsColumn));
  const first = new Map<string, number>();
  for (let k = 0; k < t.numRows; k++) {
    const v = stamp(k);
    if (!first.has(v)) first.set(v, k);
  }
  if (first.size * 2 <= t.numRows) {
    // Two columns left beside the timestamp, one of text and one of numbers: they are the id and the value.
    const rest = t.columns.filter((c) => !taken.includes(c));
    const numeric = (c: string) => {
      const { missing, numbers } = classifyColumn(t.column(c), t.numRows);
      return missing + numbers === t.numRows;
    };
    if (rest.length === 2 && numeric(rest[0]!) !== numeric(rest[1]!)) {
      const [value, id] = numeric(rest[0]!) ? [rest[0]!, rest[1]!] : [rest[1]!, rest[0]!];
      notices.push(`read ${t.file} as long format with id '${id}' and value '${value}' (timestamps repeat; the text column is the id, the numeric one the value; --id-column/--value-column override)`);
      return { format: 'long', idColumn: id, valueColumn: value };
    }
    let k = 0;
    while (first.get(stamp(k)) === k) k++;
    throw new DataError(
      `${t.file}: timestamp ${quoteCell(stamp(k))} repeats (lines ${t.line(first.get(stamp(k))!)} and ${t.line(k)}), so each row looks like one point of one series (long format), but no column is named like a series id; columns found: ${listColumns(t.columns)}; pass --id-column <column> --value-column <column>`,
    );
  }
  return { format: 'wide' };
}

/**
 * Long format in two passes over the compact table, with no per-row objects: the first checks every
 * row in file order (so the first bad cell is the one reported, as before) and gives each row its
 * series; the second groups rows by series (a counting sort, file order kept) and reads each series'
 * arrays at their final size.
 */
function readLong(t: CsvTable, ctx: Ctx, tsColumn: string, covariates: string[], idSpec: string): RawSeries[] {
  const idColumns = idSpec.split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (idColumns.length === 0) throw new UsageError(`--id-column is empty; name one or more comma-separated columns`);
  for (const c of idColumns) requireColumn(t, c, 'series id', '--id-column');
  requireColumn(t, ctx.valueColumn, 'value', '--value-column');
  const idParts = idColumns.map((c) => trimmedCells(t.column(c)));
  const stampAt = timestampReader(t, tsColumn);
  const valueAt = numberReader(t, ctx.valueColumn, ctx.fill);
  const covAt = covariates.map((c) => numberReader(t, c, ctx.fill));
  const n = t.numRows;
  const ids = new Interner();
  const seriesOf = new Int32Array(n);
  // One id column: the series of a row follows from its cell's dictionary code, so most rows skip the id string.
  const single = idColumns.length === 1 ? t.column(idColumns[0]!) : undefined;
  const byCode: number[] = [];
  for (let i = 0; i < n; i++) {
    let sc = -1;
    const code = single ? single.code(i) : NULL_CODE;
    if (code >= 0) sc = byCode[code] ?? -1;
    if (sc < 0) {
      const parts: string[] = [];
      idColumns.forEach((column, j) => {
        const part = idParts[j]!(i);
        if (part === '') {
          throw new DataError(`${t.file}: line ${t.line(i)}, column '${column}': empty series id; every row needs one`);
        }
        parts.push(part);
      });
      sc = ids.code(parts.join('/'));
      if (code >= 0) byCode[code] = sc;
    }
    seriesOf[i] = sc;
    const id = ids.values[sc]!;
    stampAt(i, id);
    valueAt(i, id);
    for (const read of covAt) read(i, id);
  }
  // Counting sort of rows by series, stable: each series' rows stay in file order.
  const start = new Int32Array(ids.size + 1);
  for (let i = 0; i < n; i++) start[seriesOf[i]! + 1]!++;
  for (let s = 0; s < ids.size; s++) start[s + 1]! += start[s]!;
  const next = start.slice(0, ids.size);
  const rowsBySeries = new Int32Array(n);
  for (let i = 0; i < n; i++) rowsBySeries[next[seriesOf[i]!]!++] = i;
  const lines = new Int32Array(n);
  for (let k = 0; k < n; k++) lines[k] = t.line(rowsBySeries[k]!);
  return ids.values.map((id, s) => {
    const from = start[s]!;
    const len = start[s + 1]! - from;
    const timestamps = new Array<number>(len);
    const values = new Array<number>(len);
    const covs = covariates.map(() => new Array<number>(len));
    for (let k = 0; k < len; k++) {
      const i = rowsBySeries[from + k]!;
      timestamps[k] = stampAt(i, id);
      values[k] = valueAt(i, id);
      for (let j = 0; j < covAt.length; j++) covs[j]![k] = covAt[j]!(i, id);
    }
    return { id, timestamps, values, lines: lines.subarray(from, from + len), covariates: Object.fromEntries(covariates.map((c, j) => [c, covs[j]!])) };
  });
}

/** A column is a series candidate when most of its non-missing cells are numbers (ids and labels are not). */
function isNumericColumn(t: CsvTable, column: string): boolean {
  const { missing, numbers } = classifyColumn(t.column(column), t.numRows);
  const present = t.numRows - missing;
  return present > 0 && numbers * 2 > present;
}

function readWide(
  t: CsvTable,
  ctx: Ctx,
  tsColumn: string,
  covariates: string[],
  seriesColumns: string[] | undefined,
): RawSeries[] {
  let columns: string[];
  if (seriesColumns !== undefined) {
    columns = seriesColumns.map((c) => requireColumn(t, c, 'series', '--series-columns'));
  } else {
    const candidates = t.columns.filter((c) => c !== tsColumn && !covariates.includes(c));
    columns = candidates.filter((c) => isNumericColumn(t, c));
    const skipped = candidates.filter((c) => !columns.includes(c));
    if (skipped.length > 0) ctx.notices.push(`ignored non-numeric columns ${listColumns(skipped)} (not series)`);
  }
  if (columns.length === 0) {
    throw new DataError(
      `${t.file}: no numeric series columns besides the timestamp and covariates; columns found: ${listColumns(t.columns)}; pass --series-columns, or --format long --id-column <column> --value-column <column>`,
    );
  }
  // All series share one time axis, so sort the rows once; per-series sorting would scramble shared covariates.
  let rows = Array.from({ length: t.numRows }, (_, i) => i);
  const stampAt = timestampReader(t, tsColumn);
  let timestamps = rows.map((i) => stampAt(i));
  const order = sortOrder(timestamps);
  if (order) {
    rows = permute(rows, order);
    timestamps = permute(timestamps, order);
    ctx.notices.push(`timestamps in ${t.file} were not in order; sorted the rows by '${tsColumn}'`);
  }
  const read = (column: string): number[] => {
    const at = numberReader(t, column, ctx.fill);
    return rows.map((i) => at(i));
  };
  const shared: Record<string, number[]> = {};
  let filledCovariates = 0;
  for (const c of covariates) {
    shared[c] = read(c);
    if (ctx.fill === 'drop' && shared[c]!.some(Number.isNaN)) {
      throw new DataError(`${t.file}: covariate column '${c}' has missing values, which every series shares, so --fill drop cannot leave out one series for them; fill them (--fill forward|zero|interpolate)`);
    }
    if (ctx.fill !== 'error' && ctx.fill !== 'drop') filledCovariates += fillGaps(shared[c]!, ctx.fill, `${t.file}: covariate column '${c}'`);
  }
  if (filledCovariates > 0) {
    ctx.notices.push(`filled ${filledCovariates} missing covariate value(s) with --fill ${ctx.fill}`);
  }
  const lines = rows.map((i) => t.line(i));
  return columns.map((c) => ({
    id: c,
    timestamps: timestamps.slice(),
    values: read(c),
    lines,
    covariates: shared,
  }));
}

/** Sorts each series, rejects duplicates and too-short series, fills gaps, and records notices. */
function finishAll(ctx: Ctx, raws: RawSeries[]): Series[] {
  const unsorted: string[] = [];
  const filledIds: string[] = [];
  let filled = 0;
  const dropped: string[] = [];
  const kept = raws.map((raw): Series | undefined => {
    const order = sortOrder(raw.timestamps);
    const s = order
      ? {
          ...raw,
          timestamps: permute(raw.timestamps, order),
          values: permute(raw.values, order),
          lines: permute(raw.lines, order),
          covariates: Object.fromEntries(Object.entries(raw.covariates).map(([k, v]) => [k, permute(v, order)])),
        }
      : raw;
    if (order) unsorted.push(s.id);
    for (let k = 1; k < s.timestamps.length; k++) {
      if (s.timestamps[k] === s.timestamps[k - 1]) {
        throw new DataError(
          `${ctx.file}: series '${s.id}' has timestamp ${formatTimestamp(s.timestamps[k]!)} twice (lines ${s.lines[k - 1]} and ${s.lines[k]}); remove or aggregate the duplicates${ctx.duplicateHint}`,
        );
      }
    }
    if (s.timestamps.length < 2) {
      throw new DataError(
        `${ctx.file}: series '${s.id}' has only ${s.timestamps.length} point (line ${s.lines[0]}); each series needs at least 2, so drop it or check the id column`,
      );
    }
    if (ctx.fill === 'drop') {
      if (s.values.some(Number.isNaN) || Object.values(s.covariates).some((v) => v.some(Number.isNaN))) {
        dropped.push(s.id);
        return undefined;
      }
    } else if (ctx.fill !== 'error') {
      let n = fillGaps(s.values, ctx.fill, `${ctx.file}: series '${s.id}', column '${ctx.valueColumn}'`);
      for (const [name, v] of Object.entries(s.covariates)) {
        n += fillGaps(v, ctx.fill, `${ctx.file}: series '${s.id}', covariate column '${name}'`);
      }
      if (n > 0) filledIds.push(s.id);
      filled += n;
    }
    return { id: s.id, timestamps: s.timestamps, values: s.values, covariates: s.covariates };
  });
  const series = kept.filter((s): s is Series => s !== undefined);
  if (dropped.length > 0) {
    if (series.length === 0) throw new DataError(`${ctx.file}: every series has a missing value, so --fill drop leaves nothing; fill the gaps instead (--fill forward|zero|interpolate)`);
    ctx.notices.push(`left out ${dropped.length} series with missing values (--fill drop): ${listIds(dropped)}`);
  }
  if (unsorted.length > 0) {
    ctx.notices.push(`sorted the out-of-order timestamps of ${unsorted.length} series (${listIds(unsorted)})`);
  }
  if (filled > 0) {
    ctx.notices.push(`filled ${filled} missing value(s) with --fill ${ctx.fill} in ${filledIds.length} series (${listIds(filledIds)})`);
  }
  return series;
}

/** Infers from the first series and checks every other series agrees, so one frequency fits the dataset. */
function inferDatasetFrequency(file: string, series: Series[]): Frequency {
  const first = series[0]!;
  const freq = inferFrequency(first.timestamps, `${file}, series '${first.id}'`);
  for (const s of series.slice(1)) {
    const other = inferFrequency(s.timestamps, `${file}, series '${s.id}'`);
    if (other !== freq) {
      throw new DataError(
        `${file}: series '${s.id}' looks ${other} but '${first.id}' is ${freq}; a dataset needs one frequency, so split the file or pass --frequency`,
      );
    }
  }
  return freq;
}

/** Throws naming the first series too short to hold out `horizon` points after `minTrain` training points. */
export function validateHorizon(ds: ForecastDataset, horizon: number, minTrain: number): void {
  if (!Number.isInteger(horizon) || horizon < 1) throw new UsageError(`horizon must be a whole number >= 1, got ${horizon}`);
  const need = horizon + minTrain;
  const short = ds.series.find((s) => s.values.length < need);
  if (short) {
    throw new DataError(
      `${ds.source}: series '${short.id}' has ${short.values.length} points but needs at least ${need} (horizon ${horizon} + ${minTrain} for training); use a shorter --horizon or drop the short series`,
    );
  }
}
