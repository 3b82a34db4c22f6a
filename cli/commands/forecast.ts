import { checkNotInput } from '../flags/output.js';
import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../base-command.js';
import { forecastDataFlags, forecastLoadOptions } from '../flags/forecast-data.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import type { DataAdapter, ForecastDataset } from '../../core/interfaces/index.js';
import type { ForecastLoadOptions } from '../../plugins/forecasting/data/csv-loader.js';
import { formatTimestampAs } from '../../plugins/forecasting/data/timestamps.js';
import { csvCell, formatSignificant } from '../../core/io/csv-cell.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { loadFutureCovariates } from '../../plugins/forecasting/data/future-covariates.js';

export default class Forecast extends HeadstartCommand {
  static override summary = 'Forecast the next horizon of every series with a saved model';
  static override examples = [
    '<%= config.bin %> forecast --model model/ --data sales.csv --out forecasts.csv',
    '<%= config.bin %> forecast --model model/ --data sales.csv --future prices.csv --out forecasts.csv',
  ];
  static override flags = {
    ...forecastDataFlags,
    model: Flags.string({ description: 'model folder written by `transfer`', required: true }),
    future: Flags.string({ description: 'CSV of the known-future covariates for the next horizon: timestamp, [series id,] covariate columns (for models trained with covariates)' }),
    out: Flags.string({ description: 'CSV to write: one row per series and step, under the input\'s id, timestamp and value column names (series_id,timestamp,forecast for wide input), timestamps written as the input writes them', required: true }),
    precision: Flags.integer({ description: 'significant digits of the forecasts (integer parts are never cut)', default: 6, min: 1, max: 17 }),
  };

  async run() {
    const { flags } = await this.parse(Forecast);
    checkNotInput(flags);
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
    const cols = dataset.columns;
    const levels = forecaster.quantileLevels.length > 1 ? forecaster.quantileLevels : [];
    const lines = [[cols?.id ?? 'series_id', cols?.timestamp ?? 'timestamp', cols?.value ?? 'forecast', ...levels.map((l) => `q${l}`)].map(csvCell).join(',')];
    for (const f of forecasts) {
      f.values.forEach((v, h) => {
        const qs = levels.map((_, k) => `,${formatSignificant(f.quantiles![k]![h]!, flags.precision)}`).join('');
        lines.push(`${csvCell(f.seriesId)},${csvCell(formatTimestampAs(f.timestamps[h]!, dataset.timestampStyle, dataset.frequency))},${formatSignificant(v, flags.precision)}${qs}`);
      });
    }
    await writeFileAtomic(flags.out, lines.join('\n') + '\n');
    this.say(`${forecasts.length} series × ${forecaster.meta.horizon} steps in ${seconds.toFixed(2)}s (backend ${this.backend.active}) -> ${flags.out}`);
    return { out: flags.out, series: forecasts.length, horizon: forecaster.meta.horizon, quantiles: levels, seconds, backend: this.backend.active };
  }
}

