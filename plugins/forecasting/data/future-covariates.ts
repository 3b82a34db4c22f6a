import { DataError } from '../../../core/errors.js';
import { permute, sortOrder } from './cells.js';
import { numberReader, readCsvTable, requireColumn, resolveTimestampColumn, timestampReader, trimmedCells } from './csv-table.js';
import { formatTimestamp } from './timestamps.js';

/** Known-future covariate values after the end of the history: per series (long files) or shared (wide). */
export interface FutureCovariates {
  source: string;
  /** Per-series rows when the file has the id column; otherwise one shared block under ''. */
  bySeries: Map<string, { timestamps: number[]; covariates: Record<string, number[]> }>;
}

export interface FutureCovariateOptions {
  covariates: string[];
  timestampColumn?: string;
  /** Series id column(s); when absent from the file, the rows apply to every series. */
  idColumn?: string;
}

/**
 * Reads a file of future covariate values (no target column needed: the future is what is forecast).
 * Every covariate cell must be a number; rows are sorted by timestamp; duplicates are an error.
 */
export async function loadFutureCovariates(path: string, o: FutureCovariateOptions): Promise<FutureCovariates> {
  const t = await readCsvTable(path);
  const ts = resolveTimestampColumn(t, o.timestampColumn);
  for (const c of o.covariates) requireColumn(t, c, 'covariate', '--covariate-columns');
  const idColumns = (o.idColumn ?? 'series_id').split(',').map((c) => c.trim());
  const perSeries = idColumns.every((c) => t.columns.includes(c));
  const groups = new Map<string, { timestamps: number[]; lines: number[]; covariates: Record<string, number[]> }>();
  const idParts = perSeries ? idColumns.map((c) => trimmedCells(t.column(c))) : [];
  const stampAt = timestampReader(t, ts);
  const covAt = o.covariates.map((c) => numberReader(t, c, 'error'));
  for (let i = 0; i < t.numRows; i++) {
    const id = idParts.map((part) => part(i)).join('/');
    const g = groups.get(id) ?? { timestamps: [], lines: [], covariates: Object.fromEntries(o.covariates.map((c) => [c, [] as number[]])) };
    groups.set(id, g);
    g.timestamps.push(stampAt(i, id || undefined));
    g.lines.push(t.line(i));
    o.covariates.forEach((c, j) => g.covariates[c]!.push(covAt[j]!(i, id || undefined)));
  }
  const bySeries: FutureCovariates['bySeries'] = new Map();
  for (const [id, g] of groups) {
    const order = sortOrder(g.timestamps);
    const timestamps = order ? permute(g.timestamps, order) : g.timestamps;
    const lines = order ? permute(g.lines, order) : g.lines;
    for (let k = 1; k < timestamps.length; k++) {
      if (timestamps[k] === timestamps[k - 1]) {
        throw new DataError(`${path}: ${id ? `series '${id}' has ` : ''}timestamp ${formatTimestamp(timestamps[k]!)} twice (lines ${lines[k - 1]} and ${lines[k]}); keep one row per step`);
      }
    }
    const covariates = Object.fromEntries(Object.entries(g.covariates).map(([c, v]) => [c, order ? permute(v, order) : v]));
    bySeries.set(id, { timestamps, covariates });
  }
  return { source: path, bySeries };
}
