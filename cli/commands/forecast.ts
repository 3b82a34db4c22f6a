import { dirname, resolve } from 'node:path';
import { checkNotInput } from '../flags/output.js';
import { Flags } from '@oclif/core';
import { HeadstartCommand, type BaseFlags } from '../base-command.js';
import { forecastDataFlags, forecastLoadOptions } from '../flags/forecast-data.js';
import { queueFlag, shardSizeFlag } from '../flags/queue.js';
import { FORECAST_SERVICE, type ForecastService, type ForecastDataset, type ForecastLoadOptions, type ForecasterMeta, csvQuantileLevels, forecastCsvHeader, forecastCsvRows, quantileLevels, DEFAULT_FORECAST_SHARD, forecastOnQueue, loadFutureCovariates } from '../../plugins/forecasting/index.js';
import type { DataAdapter } from '../../core/interfaces/index.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { readModelManifest } from '../../core/io/model-folder.js';
import { checkReachable, parseQueueUrl } from '../../core/queue/connection.js';
import { requeuedNotice } from '../../core/queue/submit.js';

export default class Forecast extends HeadstartCommand {
  static override summary = 'Forecast the next horizon of every series with a saved model';
  static override examples = [
    '<%= config.bin %> forecast --model model/ --data sales.csv --out forecasts.csv',
    '<%= config.bin %> forecast --model model/ --data sales.csv --future prices.csv --out forecasts.csv',
    '<%= config.bin %> forecast --model model/ --data sales.csv --out f.csv --queue redis://qhost:6379',
  ];
  static override flags = {
    ...forecastDataFlags,
    model: Flags.string({ description: 'model folder written by `transfer`', required: true }),
    future: Flags.string({ description: 'CSV of the known-future covariates for the next horizon: timestamp, [series id,] covariate columns (for models trained with covariates)' }),
    out: Flags.string({ description: 'CSV to write: one row per series and step, under the input\'s id, timestamp and value column names (series_id,timestamp,forecast for wide input), timestamps written as the input writes them', required: true }),
    precision: Flags.integer({ description: 'significant digits of the forecasts (integer parts are never cut)', default: 6, min: 1, max: 17 }),
    ...queueFlag,
    ...shardSizeFlag('series', DEFAULT_FORECAST_SHARD),
    'shard-dir': Flags.string({ description: 'with --queue: a folder every worker can read, where a long-format --data is split into one file per job (removed after the run), so a worker reads only its series; default: the folder of --out', helpGroup: 'QUEUE' }),
    'split-input': Flags.boolean({ description: 'with --queue: split a long-format --data into one file per job (--no-split-input: every worker reads the whole file)', default: true, allowNo: true, helpGroup: 'QUEUE' }),
  };

  async run() {
    const { flags } = await this.parse(Forecast);
    checkNotInput(flags);
    if (flags.queue) return this.runOnQueue(flags.queue, flags);
    await this.setup(flags.backend);
    const service = this.container.get<ForecastService>(FORECAST_SERVICE);
    const forecaster = await service.load(flags.model);
    const adapter = this.registry.get<DataAdapter<ForecastLoadOptions, ForecastDataset>>('adapter', 'forecast-csv');
    const options = forecastLoadOptions(flags, forecaster.meta.data);
    const dataset = await adapter.load(flags.data, options);
    const names = forecaster.meta.covariates?.names ?? [];
    const future = flags.future && names.length > 0 ? await loadFutureCovariates(flags.future, { covariates: names, timestampColumn: options.timestampColumn, idColumn: options.idColumn }) : undefined;
    const t0 = performance.now();
    const forecasts = forecaster.forecastFuture(dataset, future);
    const seconds = (performance.now() - t0) / 1000;
    const levels = csvQuantileLevels(forecaster.quantileLevels);
    const lines = [forecastCsvHeader(dataset, levels), ...forecastCsvRows(forecasts, dataset, levels, flags.precision)];
    await writeFileAtomic(flags.out, lines.join('\n') + '\n');
    this.say(`${forecasts.length} series × ${forecaster.meta.horizon} steps in ${seconds.toFixed(2)}s (backend ${this.backend.active}) -> ${flags.out}`);
    return { out: flags.out, series: forecasts.length, horizon: forecaster.meta.horizon, quantiles: levels, seconds, backend: this.backend.active };
  }

  /**
   * The same forecast on `headstart worker` processes: the data file is read here only to count its
   * series (and to refuse bad data before anything is queued); the model is loaded by the workers.
   */
  private async runOnQueue(url: string, flags: BaseFlags<typeof Forecast>) {
    const queue = parseQueueUrl(url);
    await checkReachable(queue);
    await this.setup(flags.backend);
    const meta = readModelManifest<ForecasterMeta>(flags.model, 'forecast').meta;
    const options = forecastLoadOptions(flags, meta.data);
    const dataset = await this.registry.get<DataAdapter<ForecastLoadOptions, ForecastDataset>>('adapter', 'forecast-csv').load(flags.data, options);
    const t0 = performance.now();
    const bar = this.progress('forecast');
    const result = await forecastOnQueue(queue, {
      model: flags.model, data: flags.data, future: flags.future, load: options, dataset,
      shardSize: flags['shard-size'], precision: flags.precision,
      ...(flags['split-input'] ? { shardDir: flags['shard-dir'] ?? dirname(resolve(flags.out)) } : {}),
      onProgress: (done, total) => bar.update(done, total, `${done}/${total} shards`),
      onRequeued: (n) => this.notices([requeuedNotice(n)]),
    }).finally(() => bar.done());
    const seconds = (performance.now() - t0) / 1000;
    await writeFileAtomic(flags.out, result.csv);
    this.say(`${dataset.series.length} series × ${meta.horizon} steps in ${seconds.toFixed(2)}s, ${result.shards} jobs on ${queue.label}${result.splitInput ? ' (input split per job)' : ''} (workers' backend ${result.backends.join(', ')}) -> ${flags.out}`);
    return { out: flags.out, series: dataset.series.length, horizon: meta.horizon, quantiles: csvQuantileLevels(meta.quantiles ?? quantileLevels(meta.head)), seconds, backend: result.backends.join(','), queue: queue.label, shards: result.shards, splitInput: result.splitInput };
  }
}
