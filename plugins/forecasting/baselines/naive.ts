import { injectable } from 'inversify';
import type { ForecastBaseline } from '../contracts.js';

/** Repeats the last observed value; NaN when there is no history. */
export function naiveForecast(history: readonly number[], horizon: number): number[] {
  const last = history.length > 0 ? history[history.length - 1]! : NaN;
  return new Array<number>(horizon).fill(last);
}

@injectable()
export class NaiveBaseline implements ForecastBaseline {
  readonly id = 'naive';
  readonly task = 'forecast' as const;
  readonly description = 'Naive: repeat the last observed value';

  forecast(history: number[], horizon: number, _seasonalPeriod: number): number[] {
    return naiveForecast(history, horizon);
  }
}
