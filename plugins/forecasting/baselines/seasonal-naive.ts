import { injectable } from 'inversify';
import type { ForecastBaseline } from '../../../core/interfaces/forecast.js';
import { naiveForecast } from './naive.js';

/** Repeats the last full season; plain naive when m <= 1 or the history is shorter than one season. */
export function seasonalNaiveForecast(history: readonly number[], horizon: number, m: number): number[] {
  const period = Math.floor(m);
  if (period <= 1 || history.length < period) return naiveForecast(history, horizon);
  const start = history.length - period;
  return Array.from({ length: horizon }, (_, h) => history[start + (h % period)]!);
}

@injectable()
export class SeasonalNaiveBaseline implements ForecastBaseline {
  readonly id = 'seasonal-naive';
  readonly task = 'forecast' as const;
  readonly description = 'Seasonal naive: repeat the last season (naive when there is no seasonality)';

  forecast(history: number[], horizon: number, seasonalPeriod: number): number[] {
    return seasonalNaiveForecast(history, horizon, seasonalPeriod);
  }
}
