import type { ScoredMethod } from './scoring.js';

export const SCORE_HEADER = ['method', 'MASE', 'rel. MASE', 'sMAPE', 'MAE', 'RMSE', 'train s', 'trainable params'];

const f = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));

/** Rows of the results table: one per strategy or baseline. */
export function scoreRows(rows: ScoredMethod[]): string[][] {
  return rows.map((r) => [
    r.name,
    f(r.report.aggregate.MASE),
    f(r.relMASE),
    f(r.report.aggregate.sMAPE, 2),
    f(r.report.aggregate.MAE, 2),
    f(r.report.aggregate.RMSE, 2),
    f(r.trainSeconds, 1),
    r.trainableParameters.toLocaleString('en-US'),
  ]);
}

/** JSON-friendly summary of scored methods (per-series rows left out). */
export function scoreSummary(rows: ScoredMethod[]) {
  return rows.map((r) => ({
    method: r.name,
    kind: r.kind,
    ...r.report.aggregate,
    relMASE: r.relMASE,
    relMAE: r.relMAE,
    trainSeconds: r.trainSeconds,
    predictSeconds: r.predictSeconds,
    trainableParameters: r.trainableParameters,
  }));
}
