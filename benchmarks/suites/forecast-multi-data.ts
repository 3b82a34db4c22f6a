import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as aq from 'arquero';
import type { ForecastDataset, Frequency } from '../../core/interfaces/index.js';
import { loadForecastCsv, type ForecastLoadOptions } from '../../plugins/forecasting/data/csv-loader.js';
import { readCorpusFile, isHeldOut } from '../../plugins/forecasting/pretraining/corpus.js';
import { nextTimestamps, seasonalPeriodOf } from '../../plugins/forecasting/data/frequency.js';

/** Share of M1/M3 series the pretraining holds out by id hash (HOLDOUT_FRACTION of the pretrainer). */
const MCOMP_HELD_OUT = 0.05;

/** One dataset of a multi-dataset suite file. */
export interface SuiteDataset {
  name: string;
  horizon: number;
  /** A CSV read by the forecasting loader with these options (paths relative to the suite file). */
  path?: string;
  load?: ForecastLoadOptions;
  /** Held-out M-competition series of one period (YEARLY, QUARTERLY, MONTHLY), train and test joined. */
  mcomp?: { files: string[]; period: 'YEARLY' | 'QUARTERLY' | 'MONTHLY' };
}

export interface Suite {
  description: string;
  datasets: SuiteDataset[];
}

export function readSuite(path: string): Suite & { dir: string } {
  if (!existsSync(path)) throw new Error(`${path}: suite file not found`);
  const suite = JSON.parse(readFileSync(path, 'utf8')) as Suite;
  if (!Array.isArray(suite.datasets) || suite.datasets.length === 0) throw new Error(`${path}: needs a non-empty "datasets" list`);
  for (const [i, d] of suite.datasets.entries()) {
    if (typeof d.name !== 'string' || !Number.isInteger(d.horizon) || d.horizon < 1 || (!d.path && !d.mcomp)) {
      throw new Error(`${path}: datasets[${i}] needs "name", a positive integer "horizon" and "path" or "mcomp"`);
    }
  }
  return { ...suite, dir: dirname(resolve(path)) };
}

const MCOMP_FREQUENCY: Record<string, Frequency> = { YEARLY: 'yearly', QUARTERLY: 'quarterly', MONTHLY: 'monthly' };

/** Loads one suite dataset; M-competition series get synthetic calendar timestamps of their frequency. */
export async function loadSuiteDataset(d: SuiteDataset, dir: string): Promise<ForecastDataset> {
  if (d.path) return loadForecastCsv(resolve(dir, d.path), { fill: 'interpolate', ...d.load });
  const frequency = MCOMP_FREQUENCY[d.mcomp!.period]!;
  const series: ForecastDataset['series'] = [];
  for (const file of d.mcomp!.files) {
    const path = resolve(dir, file);
    const metaPath = path.replace(/_long\.csv$/, '_meta.csv');
    const meta = aq.fromCSV(readFileSync(metaPath, 'utf8'), { autoType: false });
    const ids = meta.array('series_id') as string[];
    const periods = meta.array('period') as string[];
    const wanted = new Set(ids.filter((id, i) => periods[i] === d.mcomp!.period && isHeldOut(id, MCOMP_HELD_OUT)));
    for (const s of await readCorpusFile(path, { idColumn: 'series_id', valueColumn: 'value', orderColumn: 't' })) {
      if (!wanted.has(s.id)) continue;
      const values = Array.from(s.values);
      const timestamps = [Date.UTC(1980, 0, 1), ...nextTimestamps(Date.UTC(1980, 0, 1), frequency, values.length - 1)];
      series.push({ id: s.id, timestamps, values, covariates: {} });
    }
  }
  return { source: d.name, frequency, seasonalPeriod: seasonalPeriodOf(frequency), series, covariateNames: [], notices: [] };
}

/**
 * The dataset as it was `origin` horizons earlier: every series loses its last origin × horizon
 * steps; series left too short to score (under two horizons plus one season) are dropped.
 */
export function atOrigin(ds: ForecastDataset, horizon: number, origin: number): ForecastDataset {
  const drop = origin * horizon;
  const minLength = 2 * horizon + Math.max(2, ds.seasonalPeriod);
  const series = ds.series
    .filter((s) => s.values.length - drop >= minLength)
    .map((s) => {
      const n = s.values.length - drop;
      return { ...s, values: s.values.slice(0, n), timestamps: s.timestamps.slice(0, n), covariates: Object.fromEntries(Object.entries(s.covariates).map(([k, v]) => [k, v.slice(0, n)])) };
    });
  return { ...ds, series };
}
