import type { EvaluationReport, Evaluator, MethodResult } from '../../../core/interfaces/index.js';
import type { ForecastBaseline, ForecastCase, ForecastDataset } from '../contracts.js';
import { compareToBaseline } from '../evaluation/forecast-evaluator.js';
export { FORECAST_EVALUATOR } from '../evaluation/forecast-evaluator.js';
import type { Cut } from '../data/windows.js';

/** A scored forecaster or baseline: metrics, relative scores against seasonal naive, and its time. */
export interface ScoredMethod extends MethodResult {
  /** Geometric mean over series of MASE / seasonal-naive MASE (Chronos/fev convention). */
  relMASE: number;
  relMAE: number;
  /** Seconds spent training (or fitting, for baselines). */
  trainSeconds: number;
  /** Seconds spent forecasting the evaluated windows. */
  predictSeconds: number;
  trainableParameters: number;
}

/** Turns forecasts at `cuts` into evaluator cases: history is everything before the cut. */
export function casesAt(ds: ForecastDataset, cuts: Cut[], forecasts: number[][], horizon: number): ForecastCase[] {
  // Several windows of one series (validation) are scored as separate rows: "<id>@<cut>".
  const perSeries = new Map<number, number>();
  for (const c of cuts) perSeries.set(c.series, (perSeries.get(c.series) ?? 0) + 1);
  return cuts.map((c, i) => {
    const s = ds.series[c.series]!;
    return {
      seriesId: perSeries.get(c.series)! > 1 ? `${s.id}@${c.cut}` : s.id,
      history: s.values.slice(0, c.cut),
      actual: s.values.slice(c.cut, c.cut + horizon),
      forecast: forecasts[i]!,
      seasonalPeriod: ds.seasonalPeriod,
    };
  });
}

/** The registered forecast evaluator's report on the forecasts at `cuts`. */
export function score(evaluator: Evaluator<ForecastCase>, ds: ForecastDataset, cuts: Cut[], forecasts: number[][], horizon: number): EvaluationReport {
  return evaluator.evaluate(casesAt(ds, cuts, forecasts, horizon));
}

/** Fits a baseline per series on the history before each cut; returns its forecasts and the seconds taken. */
export function baselineForecasts(b: ForecastBaseline, ds: ForecastDataset, cuts: Cut[], horizon: number): { forecasts: number[][]; seconds: number } {
  const t0 = performance.now();
  const forecasts = cuts.map((c) => b.forecast(ds.series[c.series]!.values.slice(0, c.cut), horizon, ds.seasonalPeriod));
  return { forecasts, seconds: (performance.now() - t0) / 1000 };
}

/** Relative scores of `report` against a reference (seasonal naive) report over the same series. */
export function relativeTo(report: EvaluationReport, reference: EvaluationReport): { relMASE: number; relMAE: number } {
  return compareToBaseline(report, reference);
}
