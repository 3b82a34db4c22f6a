import type { RankedMethod } from './recommend-service.js';

/** Columns of the recommendation score table (CLI and benchmarks). */
export const RANKING_HEADER = ['method', 'HR@10', 'NDCG@10', 'MRR@10', 'NDCG@20', 'coverage@10', 'cases'];

const fmt = (v: number | undefined, digits = 4) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

export function rankingRows(rows: readonly RankedMethod[]): string[][] {
  return rows.map((r) => {
    const a = r.report.aggregate;
    return [r.kind === 'baseline' ? `${r.name} (baseline)` : r.name, fmt(a['HR@10']), fmt(a['NDCG@10']), fmt(a['MRR@10']), fmt(a['NDCG@20']), fmt(a['coverage@10'], 3), String(a.cases ?? '-')];
  });
}

/** The --json form: name, kind and aggregate metrics of each row. */
export function rankingSummary(rows: readonly RankedMethod[]) {
  return rows.map((r) => ({ name: r.name, kind: r.kind, metrics: r.report.aggregate }));
}

/**
 * Plain warnings when the trained model ranks worse than a baseline on validation: transfer can hurt
 * when the target is far from the source, and a simpler method may be the better choice.
 */
export function validationWarnings(model: RankedMethod, baselines: readonly RankedMethod[], metric = 'NDCG@10'): string[] {
  const mine = model.report.aggregate[metric] ?? NaN;
  return baselines
    .filter((b) => (b.report.aggregate[metric] ?? NaN) > mine)
    .map((b) => `${model.name} ranks worse than the ${b.name} baseline on validation (${metric} ${fmt(mine)} vs ${fmt(b.report.aggregate[metric])}); consider more data, another strategy, or the baseline`);
}
