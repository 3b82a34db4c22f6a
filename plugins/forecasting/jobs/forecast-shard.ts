import { inject, injectable } from 'inversify';
import type { DataAdapter, JobKind } from '../../../core/interfaces/index.js';
import type { ForecastDataset } from '../contracts.js';
import { TOKENS } from '../../../core/tokens.js';
import type { Registry } from '../../../core/registry.js';
import { DataError } from '../../../core/errors.js';
import { currentBackend } from '../../../core/backend.js';
import { PayloadReader } from '../../../core/queue/payload.js';
import { verifyFileRef, verifyModelFolderRef, type FileRef } from '../../../core/queue/file-ref.js';
import { LastLoaded } from '../../../core/queue/last-loaded.js';
import { alignedPieces, yieldToEventLoop } from '../../../core/queue/pieces.js';
import { FORECAST_SERVICE } from '../tokens.js';
import type { ForecastService } from '../services/forecast-service.js';
import type { Forecaster } from '../forecaster.js';
import type { ForecastLoadOptions } from '../data/csv-loader.js';
import { loadFutureCovariates, type FutureCovariates } from '../data/future-covariates.js';
import { csvQuantileLevels, forecastCsvHeader, forecastCsvRows } from '../forecast-csv.js';

/** What `headstart forecast --queue` puts in one job: the inputs by reference and a range of series. */
export interface ForecastShardPayload {
  model: FileRef;
  data: FileRef;
  future?: FileRef;
  /** The loader options the submitting command resolved (flags over the model's saved columns). */
  load: ForecastLoadOptions;
  /** Index of the shard's first series in the file, and how many series it holds. */
  first: number;
  count: number;
  /**
   * Where `data` is one shard's own file: the index its first series has in the whole input, so the
   * shard predicts in the same batches as a local run over the whole file (see alignedPieces).
   */
  offset?: number;
  precision: number;
}

/** A shard's part of the forecast CSV: the header (the same for every shard) and its rows, joined by newlines. */
export interface ForecastShardResult {
  header: string;
  rows: string;
  series: number;
  backend: string;
}

/**
 * The Forecaster predicts in batches of this many windows from the first series it is given (its
 * default batch): a shard forecasts in pieces cut at its multiples (see alignedPieces), and the
 * worker's event loop runs between pieces (lock renewal, shutdown signals).
 */
const PREDICT_BATCH = 256;

/** One shard of `headstart forecast --queue`: the series first..first+count of the file, formatted as forecast CSV rows. */
@injectable()
export class ForecastShardJob implements JobKind<ForecastShardPayload, ForecastShardResult> {
  static readonly id = 'forecast-shard';
  readonly id = ForecastShardJob.id;
  readonly description = 'forecast CSV rows for a range of the series of a data file, with a saved model (headstart forecast --queue)';
  private readonly models = new LastLoaded<Forecaster>();
  private readonly datasets = new LastLoaded<ForecastDataset>();
  private readonly futures = new LastLoaded<FutureCovariates>();

  constructor(
    @inject(FORECAST_SERVICE) private readonly service: ForecastService,
    @inject(TOKENS.Registry) private readonly registry: Registry,
  ) {}

  parse(payload: unknown): ForecastShardPayload {
    const p = new PayloadReader(this.id, payload);
    return {
      model: p.fileRef('model'),
      data: p.fileRef('data'),
      future: p.optionalFileRef('future'),
      // Plain loader options: the loader itself rejects values it does not know, as it does for flags.
      load: p.object('load') as ForecastLoadOptions,
      first: p.int('first', 0),
      count: p.int('count', 1),
      ...(p.has('offset') ? { offset: p.int('offset', 0) } : {}),
      precision: p.int('precision', 1, 17),
    };
  }

  async run(p: ForecastShardPayload): Promise<ForecastShardResult> {
    // Keyed by folder too: a copy with the same manifest but damaged files must be loaded (and refused) on its own.
    const forecaster = await this.models.get(`${p.model.path}:${p.model.sha256}`, async () => this.service.load(await verifyModelFolderRef(p.model)), (f) => f.dispose());
    await verifyFileRef(p.data, 'data file');
    const adapter = this.registry.get<DataAdapter<ForecastLoadOptions, ForecastDataset>>('adapter', 'forecast-csv');
    const dataset = await this.datasets.get(`${p.data.sha256}:${JSON.stringify(p.load)}`, () => adapter.load(p.data.path, p.load));
    if (p.first + p.count > dataset.series.length) {
      throw new DataError(`${p.data.path}: the job asks for series ${p.first + 1}–${p.first + p.count}, but the file has ${dataset.series.length}; was it read with other options than the submitting command's?`, 'shard-out-of-range');
    }
    const names = forecaster.meta.covariates?.names ?? [];
    const future = p.future && names.length > 0
      ? await this.futures.get(`${(await this.verifiedSha(p.future))}:${names.join(',')}`, () => loadFutureCovariates(p.future!.path, { covariates: names, timestampColumn: p.load.timestampColumn, idColumn: p.load.idColumn }))
      : undefined;
    const levels = csvQuantileLevels(forecaster.quantileLevels);
    const rows: string[] = [];
    const offset = p.offset ?? 0;
    for (const [start, stop] of alignedPieces(offset + p.first, p.count, PREDICT_BATCH)) {
      const piece = { ...dataset, series: dataset.series.slice(start - offset, stop - offset) };
      rows.push(...forecastCsvRows(forecaster.forecastFuture(piece, future), dataset, levels, p.precision));
      await yieldToEventLoop();
    }
    return { header: forecastCsvHeader(dataset, levels), rows: rows.join('\n'), series: p.count, backend: currentBackend()?.active ?? 'unknown' };
  }

  private async verifiedSha(ref: FileRef): Promise<string> {
    await verifyFileRef(ref, 'future covariates file');
    return ref.sha256;
  }
}
