import { injectable } from 'inversify';
import type { EvaluationReport, Evaluator, MetricRow } from '../../../core/interfaces/evaluator.js';
import type { ForecastCase } from '../contracts.js';
import { mean, relativeScore } from '../../../core/evaluation/aggregate.js';
import { mae, mase, rmse, smape } from './forecast-metrics.js';

/** Registry id of the forecast evaluator the services score with. */
export const FORECAST_EVALUATOR = 'forecast-metrics';

const METRICS = ['MAE', 'RMSE', 'sMAPE', 'MASE'] as const;

/** Scores point forecasts per series and averages each metric over series. */
@injectable()
export class ForecastEvaluator implements Evaluator<ForecastCase> {
  readonly id = FORECAST_EVALUATOR;
  readonly task = 'forecast' as const;
  readonly metrics: readonly string[] = METRICS;

  /** A close and a poor forecast of the same seasonal series. */
  exampleCases(): ForecastCase[] {
    const season = (t: number) => 10 + 3 * Math.sin((2 * Math.PI * t) / 12);
    const history = Array.from({ length: 36 }, (_, t) => season(t) + 0.1 * t);
    const actual = Array.from({ length: 6 }, (_, h) => season(36 + h) + 0.1 * (36 + h));
    return [
      { seriesId: 'good', history, actual, forecast: actual.map((v) => v + 0.5), seasonalPeriod: 12 },
      { seriesId: 'bad', history: history.map((v) => v * 2), actual, forecast: actual.map((v) => v - 4), seasonalPeriod: 12 },
    ];
  }

  evaluate(cases: ForecastCase[]): EvaluationReport {
    const perItem: Record<string, MetricRow> = {};
    for (const c of cases) {
      if (c.seriesId in perItem) throw new Error(`duplicate series id '${c.seriesId}' in evaluation cases`);
      perItem[c.seriesId] = {
        MAE: mae(c.actual, c.forecast),
        RMSE: rmse(c.actual, c.forecast),
        sMAPE: smape(c.actual, c.forecast),
        MASE: mase(c.actual, c.forecast, c.history, c.seasonalPeriod),
      };
    }
    const rows = Object.values(perItem);
    const aggregate: MetricRow = {};
    for (const name of METRICS) {
      // MASE is NaN/Infinity for flat or too-short histories; average the finite ones and say how many were left out.
      const all = rows.map((r) => r[name]!);
      const finite = all.filter(Number.isFinite);
      aggregate[name] = mean(finite);
      if (finite.length < all.length) aggregate[`${name}_dropped`] = all.length - finite.length;
    }
    return { metrics: [...METRICS], aggregate, perItem };
  }
}

/**
 * Model vs baseline over the same series: geometric mean of per-series ratios
 * (below 1 means the model beats the baseline).
 */
export function compareToBaseline(
  report: EvaluationReport,
  baselineReport: EvaluationReport,
): { relMASE: number; relMAE: number } {
  const model = report.perItem;
  const base = baselineReport.perItem;
  if (!model || !base) throw new Error('compareToBaseline needs per-series rows in both reports');
  const ids = Object.keys(model);
  const missing = ids.filter((id) => !(id in base));
  if (missing.length > 0 || ids.length !== Object.keys(base).length) {
    throw new Error(`model and baseline reports cover different series (e.g. '${missing[0] ?? 'extra baseline series'}')`);
  }
  const pick = (rows: Record<string, MetricRow>, metric: string) => ids.map((id) => rows[id]![metric] ?? NaN);
  return {
    relMASE: relativeScore(pick(model, 'MASE'), pick(base, 'MASE')),
    relMAE: relativeScore(pick(model, 'MAE'), pick(base, 'MAE')),
  };
}
