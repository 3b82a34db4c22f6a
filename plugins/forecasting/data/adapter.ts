import { injectable } from 'inversify';
import type { DataAdapter } from '../../../core/interfaces/index.js';
import type { ForecastDataset } from '../contracts.js';
import { loadForecastCsv, type ForecastLoadOptions } from './csv-loader.js';

/** Long or wide CSV -> ForecastDataset, validated with errors naming file, row, column and series. */
@injectable()
export class ForecastCsvAdapter implements DataAdapter<ForecastLoadOptions, ForecastDataset> {
  readonly id = 'forecast-csv';
  readonly task = 'forecast' as const;
  readonly description = 'long (series_id,timestamp,value[,covariates]) or wide (timestamp + one column per series) CSV';

  load(path: string, options: ForecastLoadOptions): Promise<ForecastDataset> {
    return loadForecastCsv(path, options);
  }
}
