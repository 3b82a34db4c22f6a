import { injectable } from 'inversify';
import type { ForecastBaseline } from '../contracts.js';

/** Smoothing constants of TSB (Teunter, Syntetos & Babai 2011): the values most studies report fixed. */
export const TSB_ALPHA = 0.1;
export const TSB_BETA = 0.1;

/**
 * TSB for intermittent demand: exponential smoothing of the demand probability (every step, towards
 * 1 when demand occurs, 0 otherwise) and of the demand size (only when demand occurs); the forecast
 * is probability × size, flat over the horizon. Unlike Croston, the probability decays through long
 * runs of zeros, so obsolete items fade out. Series without zeros reduce to simple exponential smoothing.
 */
export function tsbForecast(history: readonly number[], horizon: number, alpha = TSB_ALPHA, beta = TSB_BETA): number[] {
  const observed = history.filter(Number.isFinite);
  if (observed.length === 0) return new Array<number>(horizon).fill(NaN);
  const first = observed.findIndex((v) => v !== 0);
  if (first < 0) return new Array<number>(horizon).fill(0);
  let size = observed[first]!;
  // Initial probability: the share of non-zero steps, as in common implementations.
  let prob = observed.filter((v) => v !== 0).length / observed.length;
  for (let i = first + 1; i < observed.length; i++) {
    const y = observed[i]!;
    if (y !== 0) {
      prob += beta * (1 - prob);
      size += alpha * (y - size);
    } else {
      prob += beta * (0 - prob);
    }
  }
  return new Array<number>(horizon).fill(prob * size);
}

@injectable()
export class TsbBaseline implements ForecastBaseline {
  readonly id = 'tsb';
  readonly task = 'forecast' as const;
  readonly description = `TSB intermittent-demand smoothing (alpha ${TSB_ALPHA}, beta ${TSB_BETA})`;

  forecast(history: number[], horizon: number, _seasonalPeriod: number): number[] {
    return tsbForecast(history, horizon);
  }
}
