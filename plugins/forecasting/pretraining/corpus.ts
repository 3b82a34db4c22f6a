import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DataError } from '../../../core/errors.js';

/** How to read one long-format corpus file. */
export interface CorpusFileOptions {
  /** Series id column(s), comma-separated and joined; absent or empty: the whole file is one series. */
  idColumn?: string;
  valueColumn: string;
  /** Optional column that orders each series' rows (e.g. M3's `t`); file order otherwise. */
  orderColumn?: string;
  /** Optional decimal-time column (e.g. M3's `time`: 1990.0833); its step gives the seasonal period (1/12 -> 12). */
  timeColumn?: string;
  /** Seasonal period of every series in the file (e.g. 24 for hourly); overrides timeColumn. */
  period?: number;
}

export interface CorpusSeries {
  id: string;
  values: Float64Array;
  /** Seasonal period (1 when unknown). */
  period: number;
}

/** Reads every series of a long CSV (id, [order], value) for pretraining; skips empty and non-finite values. */
export async function readCorpusFile(path: string, opts: CorpusFileOptions): Promise<CorpusSeries[]> {
  if (!existsSync(path)) throw new DataError(`${path}: corpus file not found`, 'file-missing');
  // fromCSV on the whole text: arquero 8's streaming loadCSV mis-splits quoted fields at chunk boundaries.
  const aq = await import('arquero'); // on use: only pretraining reads corpus files
  const table = aq.fromCSV(await readFile(path, 'utf8'), { autoType: false });
  const columns = table.columnNames();
  const idColumns = (opts.idColumn ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of [...idColumns, opts.valueColumn, ...(opts.orderColumn ? [opts.orderColumn] : []), ...(opts.timeColumn ? [opts.timeColumn] : [])]) {
    if (!columns.includes(c)) {
      throw new DataError(`${path}: column "${c}" not found (columns: ${columns.join(', ')}); map it with --id-column/--value-column/--order-column/--time-column`, 'missing-column');
    }
  }
  const idParts = idColumns.map((c) => table.array(c) as string[]);
  const ids = Array.from({ length: table.numRows() }, (_, i) => (idParts.length ? idParts.map((p) => p[i]).join('/') : basename(path)));
  const vals = table.array(opts.valueColumn) as string[];
  const order = opts.orderColumn ? (table.array(opts.orderColumn) as string[]) : undefined;
  const time = opts.timeColumn ? (table.array(opts.timeColumn) as string[]) : undefined;
  const groups = new Map<string, { o: number; v: number; t: number }[]>();
  for (let i = 0; i < ids.length; i++) {
    const v = Number(vals[i]);
    if (vals[i] === '' || vals[i] === undefined || vals[i] === null || !Number.isFinite(v)) continue;
    const g = groups.get(ids[i]!) ?? [];
    g.push({ o: order ? Number(order[i]) : i, v, t: time ? Number(time[i]) : NaN });
    groups.set(ids[i]!, g);
  }
  return [...groups.entries()].map(([id, rows]) => {
    rows.sort((a, b) => a.o - b.o);
    return { id, values: Float64Array.from(rows.map((r) => r.v)), period: opts.period ?? periodFromTimeStep(rows.map((r) => r.t)) };
  });
}

/** 1/12-year steps -> 12, quarter steps -> 4, anything else (yearly, unknown) -> 1. */
export function periodFromTimeStep(times: number[]): number {
  const steps = times.slice(1).map((t, i) => t - times[i]!).filter((d) => Number.isFinite(d) && d > 0).sort((a, b) => a - b);
  if (steps.length === 0) return 1;
  const perYear = Math.round(1 / steps[Math.floor(steps.length / 2)]!);
  return perYear === 12 || perYear === 4 ? perYear : 1;
}

/** Deterministic hold-out split by id hash, so the same series are held out on every run. */
export function isHeldOut(id: string, fraction: number): boolean {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296 < fraction;
}
