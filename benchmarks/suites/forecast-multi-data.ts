import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as aq from 'arquero';
import type { ForecastDataset, Frequency } from '../../plugins/forecasting/contracts.js';
import { loadForecastCsv, type ForecastLoadOptions } from '../../plugins/forecasting/data/csv-loader.js';
import { readCorpusFile, isHeldOut } from '../../plugins/forecasting/pretraining/corpus.js';
import { nextTimestamps, seasonalPeriodOf } from '../../plugins/forecasting/data/frequency.js';
import { UsageError } from '../../core/errors.js';

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

/** A training budget a suite may set for its trained strategies (each field overrides the suite's default). */
export interface SuiteBudget {
  epochs?: number;
  maxStepsPerEpoch?: number;
  patience?: number;
}

/**
 * A declarative suite file (JSON). Only `datasets` is required; the other fields are the suite's
 * defaults, which command-line flags override.
 */
export interface Suite {
  description: string;
  datasets: SuiteDataset[];
  /** Strategies to train (zero-shot, probe, fine-tune, scratch). */
  strategies?: string[];
  /** Training shares of the data (series or users) for data-savings runs, in (0, 1]. */
  shares?: number[];
  seeds?: number[];
  backbones?: string[];
  budget?: SuiteBudget;
}

const STRATEGIES = ['zero-shot', 'probe', 'fine-tune', 'scratch'];

/**
 * Reads and checks a suite file; every problem is one line naming the file and the field.
 * `events: true` reads a recommendation suite: datasets are events files, without a horizon.
 */
export function readSuite(path: string, o: { events?: boolean } = {}): Suite & { dir: string } {
  if (!existsSync(path)) throw new UsageError(`${path}: suite file not found`, 'suite-not-found');
  let suite: Suite;
  try {
    suite = JSON.parse(readFileSync(path, 'utf8')) as Suite;
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message.split('\n')[0]})`, 'bad-suite');
  }
  const bad = (what: string) => new UsageError(`${path}: ${what}`, 'bad-suite');
  if (!Array.isArray(suite.datasets) || suite.datasets.length === 0) throw bad('needs a non-empty "datasets" list');
  for (const [i, d] of suite.datasets.entries()) {
    if (o.events) {
      if (typeof d.name !== 'string' || typeof d.path !== 'string') throw bad(`datasets[${i}] needs "name" and "path" (an events file)`);
    } else if (typeof d.name !== 'string' || !Number.isInteger(d.horizon) || d.horizon < 1 || (!d.path && !d.mcomp)) {
      throw bad(`datasets[${i}] needs "name", a positive integer "horizon" and "path" or "mcomp"`);
    }
  }
  const numbers = (name: 'shares' | 'seeds', ok: (x: number) => boolean, rule: string) => {
    const xs = suite[name];
    if (xs !== undefined && (!Array.isArray(xs) || xs.length === 0 || !xs.every((x) => typeof x === 'number' && ok(x)))) throw bad(`"${name}" must be a non-empty list of ${rule}`);
  };
  numbers('shares', (x) => x > 0 && x <= 1, 'numbers in (0, 1]');
  numbers('seeds', (x) => Number.isInteger(x) && x >= 0, 'whole numbers');
  if (suite.strategies !== undefined && (!Array.isArray(suite.strategies) || suite.strategies.length === 0 || !suite.strategies.every((x) => STRATEGIES.includes(x)))) {
    throw bad(`"strategies" must be a non-empty list of ${STRATEGIES.join(', ')}`);
  }
  if (suite.backbones !== undefined && (!Array.isArray(suite.backbones) || suite.backbones.length === 0 || !suite.backbones.every((x) => typeof x === 'string'))) throw bad('"backbones" must be a non-empty list of backbone ids');
  for (const [k, v] of Object.entries(suite.budget ?? {})) {
    if (!['epochs', 'maxStepsPerEpoch', 'patience'].includes(k)) throw bad(`"budget" takes epochs, maxStepsPerEpoch and patience, not "${k}"`);
    if (!(Number.isInteger(v) && (v as number) >= 1)) throw bad(`"budget.${k}" must be a whole number >= 1`);
  }
  return { ...suite, dir: dirname(resolve(path)) };
}

/** The datasets of a suite named in `names` (all when none); an unknown name is a one-line error. */
export function selectDatasets(suite: Suite, names: readonly string[] | undefined, file: string): SuiteDataset[] {
  if (!names?.length) return suite.datasets;
  const unknown = names.filter((n) => !suite.datasets.some((d) => d.name === n));
  if (unknown.length) throw new UsageError(`--datasets ${unknown.join(',')}: not in ${file} (it has ${suite.datasets.map((d) => d.name).join(', ')})`);
  return suite.datasets.filter((d) => names.includes(d.name));
}

/**
 * Refuses, before any work starts, a suite whose data files are missing: one line naming the suite
 * file and the files (paths in a suite are relative to it).
 */
export function checkDataFiles(suite: Suite & { dir: string }, datasets: readonly SuiteDataset[], file: string): void {
  const files = datasets.flatMap((d) => (d.path ? [d.path] : (d.mcomp?.files ?? [])));
  const missing = files.filter((f) => !existsSync(resolve(suite.dir, f)));
  if (missing.length) throw new UsageError(`${file}: data file${missing.length > 1 ? 's' : ''} not found: ${missing.map((f) => resolve(suite.dir, f)).join(', ')} (paths are relative to the suite file)`, 'suite-data-missing');
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
