import type { ForecastDataset } from './contracts.js';
import { csvCell, formatSignificant } from '../../core/io/csv-cell.js';
import { formatTimestampAs } from './data/timestamps.js';
import type { SeriesForecast } from './forecaster.js';

/**
 * The forecast CSV `headstart forecast` writes, in two parts so a queued run can format its shards
 * on the workers and still write the very bytes of a local run: the header, then one row per
 * series and step under the input's id, timestamp and value column names.
 */
export function forecastCsvHeader(dataset: ForecastDataset, levels: readonly number[]): string {
  const cols = dataset.columns;
  return [cols?.id ?? 'series_id', cols?.timestamp ?? 'timestamp', cols?.value ?? 'forecast', ...levels.map((l) => `q${l}`)].map(csvCell).join(',');
}

/** The rows of `forecasts`; `levels` are the quantile columns (none for a point forecaster). */
export function forecastCsvRows(forecasts: SeriesForecast[], dataset: ForecastDataset, levels: readonly number[], precision: number): string[] {
  const lines: string[] = [];
  for (const f of forecasts) {
    f.values.forEach((v, h) => {
      const qs = levels.map((_, k) => `,${formatSignificant(f.quantiles![k]![h]!, precision)}`).join('');
      lines.push(`${csvCell(f.seriesId)},${csvCell(formatTimestampAs(f.timestamps[h]!, dataset.timestampStyle, dataset.frequency))},${formatSignificant(v, precision)}${qs}`);
    });
  }
  return lines;
}

/** The quantile columns a forecaster's CSV carries: its levels when it has several, none for a point forecast. */
export function csvQuantileLevels(levels: readonly number[]): number[] {
  return levels.length > 1 ? [...levels] : [];
}
