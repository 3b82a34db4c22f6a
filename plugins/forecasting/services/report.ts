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

/** The best row on the test window by relative MASE (lower is better). */
export function bestRow(rows: readonly ScoredMethod[]): ScoredMethod | undefined {
  return rows.filter((r) => Number.isFinite(r.relMASE)).sort((a, b) => a.relMASE - b.relMASE)[0];
}

/** scoreRows with the best row marked by a leading "* ". */
export function markedScoreRows(rows: ScoredMethod[]): string[][] {
  const best = bestRow(rows);
  return scoreRows(rows).map((cells, i) => (rows[i] === best ? [`* ${cells[0]}`, ...cells.slice(1)] : cells));
}

/**
 * A plain reading of a comparison for a planner: which method won on the test window and by how much
 * against seasonal naive and ETS, and why the validation check can disagree with the test table
 * (another, earlier window; close methods swap places from one window to the next).
 */
export function readingOf(rows: readonly ScoredMethod[], validation: readonly { strategy: string; relMASE: number }[], unit: string): string {
  const best = bestRow(rows);
  if (!best) return '';
  const ets = rows.find((r) => r.name === 'ets');
  const pct = (rel: number) => `${Math.abs(100 * (1 - rel)).toFixed(0)}% ${rel <= 1 ? 'smaller' : 'larger'}`;
  const parts = [`On the test window, ${best.name} forecast best: its errors are ${pct(best.relMASE)} than repeating last season's values (seasonal naive), about ${formatAmount(best.report.aggregate.MAE!)} ${unit} off per station and day on average.`];
  if (ets && ets !== best) parts.push(`ETS, the classical method, is ${ets.relMASE > best.relMASE ? `${(100 * (ets.relMASE / best.relMASE - 1)).toFixed(0)}% behind it` : 'level with it'}.`);
  const valBest = [...validation].sort((a, b) => a.relMASE - b.relMASE)[0];
  const testStrategies = rows.filter((r) => r.kind === 'transfer');
  const testBest = testStrategies.length ? [...testStrategies].sort((a, b) => a.relMASE - b.relMASE)[0]! : undefined;
  if (valBest && testBest && !testBest.name.startsWith(valBest.strategy)) {
    parts.push(`The validation check (an earlier window, the one training used to stop) ranked ${valBest.strategy} first instead: strategies within a few percent of each other change places from one window to the next, so read the notes below as "not clearly better there", not as a contradiction.`);
  }
  return parts.join(' ');
}

/** An error amount with sensible digits: 2 significant below 10, whole numbers above. */
function formatAmount(v: number): string {
  return Math.abs(v) >= 10 ? v.toFixed(0) : v.toPrecision(2);
}
