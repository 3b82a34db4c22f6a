import { inject, injectable } from 'inversify';
import type { JobKind } from '../../core/interfaces/index.js';
import type { ForecastBaseline, ForecastDataset } from '../../plugins/forecasting/contracts.js';
import { TOKENS } from '../../core/tokens.js';
import type { Registry } from '../../core/registry.js';
import { DataError } from '../../core/errors.js';
import { currentBackend } from '../../core/backend.js';
import { STRATEGY_NAMES } from '../../core/training/strategies.js';
import { PayloadReader } from '../../core/queue/payload.js';
import { verifyFileRef, type FileRef } from '../../core/queue/file-ref.js';
import { LastLoaded } from '../../core/queue/last-loaded.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/tokens.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import { loadForecastCsv, type ForecastLoadOptions } from '../../plugins/forecasting/data/csv-loader.js';
import { memoisedBaseline } from '../../plugins/forecasting/baselines/memoised.js';
import { readSuite, loadSuiteDataset, atOrigin } from '../suites/forecast-multi-data.js';
import type { SuiteBudget } from '../suites/forecast-multi-data.js';
import { runMultiCell, suiteDataFiles, type MultiCell, type MultiCellSettings } from '../services/forecast-multi-cell.js';
import { runSavingsCell, type SavingsCell, type SavingsCellSettings } from '../services/forecast-savings-cell.js';

/** A forecast-multi cell: the suite file and its dataset's files by reference, and the cell's coordinates. */
export interface MultiCellPayload {
  suite: 'forecast-multi';
  suiteFile: FileRef;
  dataset: string;
  /** The dataset's data files as the suite names them, in its order. */
  data: FileRef[];
  origin: number;
  cell: MultiCell;
  settings: MultiCellSettings;
}

/** A forecast-savings cell: the data file by reference, how to read it, and the cell's coordinates. */
export interface SavingsCellPayload {
  suite: 'forecast-savings';
  data: FileRef;
  load: ForecastLoadOptions;
  cell: SavingsCell;
  settings: SavingsCellSettings;
}

export type ForecastBenchCellPayload = MultiCellPayload | SavingsCellPayload;

/** A cell's runs-file rows, exactly as the local run would append them. */
export interface ForecastBenchCellResult {
  runs: unknown[];
  skipped?: string;
  backend: string;
}

/**
 * One cell of `headstart bench forecast-multi|forecast-savings --queue`. The payload holds only
 * coordinates and file references; the work is the suite's own cell function, the one its local
 * run calls.
 */
@injectable()
export class ForecastBenchCellJob implements JobKind<ForecastBenchCellPayload, ForecastBenchCellResult> {
  static readonly id = 'forecast-bench-cell';
  readonly id = ForecastBenchCellJob.id;
  readonly description = 'one cell of a forecasting benchmark sweep (headstart bench forecast-multi|forecast-savings --queue)';
  private readonly datasets = new LastLoaded<ForecastDataset>();
  /** The trained cells of one (dataset, origin) share ETS fits, as in a local run. */
  private readonly ets = new LastLoaded<ForecastBaseline>();

  constructor(
    @inject(FORECAST_SERVICE) private readonly service: ForecastService,
    @inject(TOKENS.Registry) private readonly registry: Registry,
  ) {}

  parse(payload: unknown): ForecastBenchCellPayload {
    const p = new PayloadReader(this.id, payload);
    const suite = p.oneOf('suite', ['forecast-multi', 'forecast-savings'] as const);
    const c = p.nested('cell');
    const kind = c.oneOf('kind', ['reference', 'trained'] as const);
    const budget = (r: PayloadReader): SuiteBudget => {
      const out: SuiteBudget = {};
      for (const k of ['epochs', 'maxStepsPerEpoch', 'patience'] as const) {
        const v = r.optionalInt(k, 1);
        if (v !== undefined) out[k] = v;
      }
      return out;
    };
    const s = p.nested('settings');
    if (suite === 'forecast-multi') {
      const cell: MultiCell = kind === 'reference'
        ? { kind }
        : { kind, backbone: c.string('backbone'), strategy: c.oneOf('strategy', STRATEGY_NAMES), share: c.number('share', Number.MIN_VALUE, 1), seed: c.int('seed', 0) };
      return {
        suite,
        suiteFile: p.fileRef('suiteFile'),
        dataset: p.string('dataset'),
        data: p.fileRefs('data'),
        origin: p.int('origin', 0),
        cell,
        settings: { train: budget(s.nested('train')), quantiles: s.optionalString('quantiles'), calibrateQuantiles: s.boolean('calibrateQuantiles'), backtestSelect: s.optionalBoolean('backtestSelect'), tag: s.optionalString('tag') },
      };
    }
    const cell: SavingsCell = kind === 'reference'
      ? { kind }
      : { kind, strategy: c.oneOf('strategy', STRATEGY_NAMES), fraction: c.number('fraction', Number.MIN_VALUE, 1), seed: c.int('seed', 0) };
    return {
      suite,
      data: p.fileRef('data'),
      // Plain loader options: the loader itself rejects values it does not know, as it does for flags.
      load: p.object('load') as ForecastLoadOptions,
      cell,
      settings: { backbone: s.string('backbone'), horizon: s.int('horizon', 1), train: budget(s.nested('train')) },
    };
  }

  async run(p: ForecastBenchCellPayload): Promise<ForecastBenchCellResult> {
    const backend = currentBackend()?.active ?? 'unknown';
    if (p.suite === 'forecast-savings') {
      await verifyFileRef(p.data, 'data file');
      const ds = await this.datasets.get(`${p.data.sha256}:${JSON.stringify(p.load)}`, () => loadForecastCsv(p.data.path, p.load));
      return { runs: await runSavingsCell(this.service, ds, p.cell, p.settings), backend };
    }
    await verifyFileRef(p.suiteFile, 'suite file');
    const suite = readSuite(p.suiteFile.path);
    const d = suite.datasets.find((x) => x.name === p.dataset);
    if (!d) throw new DataError(`${p.suiteFile.path}: no dataset "${p.dataset}" in the suite file`, 'bad-job-payload');
    // The suite file (checked above) names the data files; each must be the one the submitter hashed.
    const files = suiteDataFiles(d, suite.dir);
    if (files.length !== p.data.length || files.some((f, i) => f !== p.data[i]!.path)) {
      throw new DataError(`${p.suiteFile.path}: dataset "${p.dataset}" reads ${files.join(', ')}, not the submitted ${p.data.map((r) => r.path).join(', ')}`, 'bad-job-payload');
    }
    for (const ref of p.data) await verifyFileRef(ref, 'data file');
    const full = await this.datasets.get(`${p.suiteFile.sha256}:${p.dataset}`, () => loadSuiteDataset(d, suite.dir));
    const ds = atOrigin(full, d.horizon, p.origin);
    const ets = await this.ets.get(`${p.suiteFile.sha256}:${p.dataset}:${p.origin}`, async () => memoisedBaseline(this.registry.get<ForecastBaseline>('baseline', 'ets')));
    const r = await runMultiCell({ service: this.service, registry: this.registry, ets }, ds, { dataset: d.name, origin: p.origin, horizon: d.horizon }, p.cell, p.settings);
    return { ...r, backend };
  }
}
