import type { RankedMethod } from './recommend-service.js';
import { blendLabel, clearlyPositive, type BlendChoice } from './counting-blend.js';

/** Columns of the recommendation score table (CLI and benchmarks). */
export const RANKING_HEADER = ['method', 'HR@10', 'NDCG@10', 'MRR@10', 'NDCG@20', 'coverage@10', 'cases'];

const fmt = (v: number | undefined, digits = 4) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

export function rankingRows(rows: readonly RankedMethod[]): string[][] {
  return rows.map((r) => {
    const a = r.report.aggregate;
    return [r.kind === 'baseline' ? `${r.name} (baseline)` : blendLabel(r.name, r.blend), fmt(a['HR@10']), fmt(a['NDCG@10']), fmt(a['MRR@10']), fmt(a['NDCG@20']), fmt(a['coverage@10'], 3), String(a.cases ?? '-')];
  });
}

/** The --json form: name, kind and aggregate metrics of each row. */
export function rankingSummary(rows: readonly RankedMethod[]) {
  return rows.map((r) => ({ name: r.name, kind: r.kind, ...(r.blend ? { combine: { with: 'counting', modelWeight: r.blend.modelWeight } } : {}), metrics: r.report.aggregate }));
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

/** One line (and its --json form) on the counting combination chosen on validation. */
export function blendSummary(choice: BlendChoice): { text: string; json: { with: 'counting'; modelWeight: number; ndcgByWeight: BlendChoice['ndcgByWeight'] } } {
  const at = (w: number) => choice.ndcgByWeight.find((c) => c.modelWeight === w)?.ndcg;
  const chosen = at(choice.modelWeight);
  const text =
    choice.modelWeight >= 1
      ? `combined with counting: the model alone ranks validation best (NDCG@10 ${fmt(at(1))}; counting alone ${fmt(at(0))})`
      : choice.modelWeight <= 0
        ? `combined with counting: ${countingChosenBecause(choice, at(0))}, so the saved model ranks as the counting baseline — the training did not pay on this data`
        : `combined with counting: model share ${choice.modelWeight.toFixed(2)} chosen on validation (NDCG@10 ${fmt(chosen)}; model alone ${fmt(at(1))}, counting alone ${fmt(at(0))})`;
  return { text, json: { with: 'counting', modelWeight: choice.modelWeight, ndcgByWeight: choice.ndcgByWeight } };
}

/** Why counting alone was kept: it ranked validation best, or no model share beat it by more than the noise (chooseBlend's rule). */
function countingChosenBecause(choice: BlendChoice, counting: number | undefined): string {
  const best = choice.ndcgByWeight.reduce((a, c) => (c.ndcg > a.ndcg ? c : a));
  if (counting === undefined || !(best.ndcg > counting)) return `counting alone ranks validation best (NDCG@10 ${fmt(counting)})`;
  return `no share of the model ranks validation clearly better than counting alone (NDCG@10 ${fmt(counting)}; the best, model share ${best.modelWeight.toFixed(2)}, ${fmt(best.ndcg)}, is within one standard error of it)`;
}

/**
 * Negative transfer: the pretrained start ranks validation worse than the same model trained from
 * scratch on the same data and budget (transfer between distant domains can hurt).
 */
export function scratchWarning(transferred: RankedMethod, scratch: RankedMethod, advice = 'use --strategy scratch, or the baseline if it ranks best', metric = 'NDCG@10'): string | undefined {
  const mine = transferred.report.aggregate[metric] ?? NaN;
  const theirs = scratch.report.aggregate[metric] ?? NaN;
  if (!(theirs > mine)) return undefined;
  // Only a difference clear of the user-to-user noise (one standard error), not a tie by chance.
  const a = transferred.report.perItem;
  const b = scratch.report.perItem;
  if (a && b) {
    const diffs = Object.keys(a).filter((u) => b[u]).map((u) => (b[u]![metric] ?? 0) - (a[u]![metric] ?? 0));
    if (!clearlyPositive(diffs)) return undefined;
  }
  return `negative transfer: ${transferred.name} ranks validation worse than the same model trained from scratch with the same budget (${metric} ${fmt(mine)} vs ${fmt(theirs)}); this log is far from the pretraining data — ${advice}`;
}
