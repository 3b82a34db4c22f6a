import type { TaskKind } from './backbone.js';

/** One row of metrics (name -> value) for one series/user, or aggregated. */
export type MetricRow = Record<string, number>;

export interface EvaluationReport {
  /** Metric names in display order. */
  metrics: string[];
  /** Aggregate over all series / users. */
  aggregate: MetricRow;
  /** Per-item rows keyed by series or user id. */
  perItem?: Record<string, MetricRow>;
}

/** Scores predictions against actuals. `TCase` carries what one task needs (history, seasonality…). */
export interface Evaluator<TCase> {
  readonly id: string;
  readonly task: TaskKind;
  readonly metrics: readonly string[];
  /** Metrics defined only over the whole set (e.g. catalogue coverage), absent from per-item rows. */
  readonly setMetrics?: readonly string[];
  evaluate(cases: TCase[]): EvaluationReport;
  /** At least two small, different synthetic cases (for the contract suite and docs). */
  exampleCases(): TCase[];
}

/** Whether a result row is a transferred model or a baseline fit on the same data. */
export type MethodKind = 'transfer' | 'baseline';

/** One method's row of an evaluation: a transferred model or a baseline, scored on the same cases. Tasks extend it. */
export interface MethodResult {
  name: string;
  kind: MethodKind;
  report: EvaluationReport;
}
