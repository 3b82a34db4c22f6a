import type { RankingCase } from '../contracts.js';
import { targetRank, ndcgAt } from '../evaluation/ranking-metrics.js';
import { CooccurrenceScorer } from '../baselines/cooccurrence.js';
import type { FitStatistics } from '../data/stats-io.js';
import type { Neighbours } from '../data/stats.js';

/**
 * A learned next-item model combined with co-occurrence counting on the same statistics:
 * p(j) = w · p_model(j) + (1 − w) · p_counting(j), where p_counting is the counting score normalised
 * over the catalogue. w is chosen on validation ranking from BLEND_WEIGHTS, and w = 0 ranks exactly as
 * the counting baseline: the model gets a share only where it measurably improves the validation
 * ranking over counting and over smaller shares (see chooseBlend), so training pays only where it moves the ranking.
 */
export interface CountingBlend {
  /** w: the model's share of the probability (1: the model alone, 0: counting alone). */
  modelWeight: number;
  /** Counting ranks a history's own items last (the fitted events almost never repeat one). */
  historyLast: boolean;
}

/** The candidate model weights, tried on validation. */
export const BLEND_WEIGHTS: readonly number[] = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** Keeps log(0) finite for items both parts give no mass (a history item under historyLast, say). */
const FLOOR = 1e-12;

const EMPTY_NEIGHBOURS = (n: number): Neighbours => ({ perItem: 0, ids: new Int32Array(0), weights: new Float32Array(0), totals: new Float32Array(n) });

/** The counting baseline on a model's own statistics (a head without co-occurrence counts scores transitions only). */
export function countingScorerOf(fit: FitStatistics, historyLast: boolean): CooccurrenceScorer {
  return new CooccurrenceScorer(fit.transitions, fit.neighbours ?? EMPTY_NEIGHBOURS(fit.counts.length), fit.counts, historyLast);
}


/** Row-wise softmax of logits (in float64), into `out`. */
function softmaxInto(logits: ArrayLike<number>, out: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < out.length; j++) if (logits[j]! > max) max = logits[j]!;
  let sum = 0;
  for (let j = 0; j < out.length; j++) sum += out[j] = Math.exp(logits[j]! - max);
  for (let j = 0; j < out.length; j++) out[j]! /= sum;
}

/** Counting scores as probabilities (negative "rank last" scores get none), into `out`. */
function normaliseInto(scores: ArrayLike<number>, out: Float64Array): void {
  let sum = 0;
  for (let j = 0; j < out.length; j++) sum += out[j] = Math.max(scores[j]!, 0);
  if (sum > 0) for (let j = 0; j < out.length; j++) out[j]! /= sum;
}

/**
 * One row of blended scores (log-probabilities; w = 1 and w = 0 return the model's and the counting
 * scores unchanged, so their rankings are exactly those of the parts).
 */
export function blendRow(model: Float64Array, counting: Float64Array, rawModel: ArrayLike<number>, rawCounting: ArrayLike<number>, w: number, out: Float32Array): void {
  if (w >= 1) for (let j = 0; j < out.length; j++) out[j] = rawModel[j]!;
  else if (w <= 0) for (let j = 0; j < out.length; j++) out[j] = rawCounting[j]!;
  else for (let j = 0; j < out.length; j++) out[j] = Math.log(w * model[j]! + (1 - w) * counting[j]! + FLOOR);
}

/** A batch scorer (rows [cases × catalogue]) for the model combined with counting under `blend`. */
export function blendedScorer(modelScores: (cases: RankingCase[]) => Float32Array, counting: CooccurrenceScorer, blend: CountingBlend): (cases: RankingCase[]) => Float32Array {
  const w = blend.modelWeight;
  if (w >= 1) return modelScores;
  const n = counting.catalogueSize;
  const pm = new Float64Array(n);
  const pc = new Float64Array(n);
  return (cases) => {
    const c = counting.scoreBatch(cases.map((x) => x.history));
    if (w <= 0) return c;
    const m = modelScores(cases);
    const out = new Float32Array(cases.length * n);
    for (let r = 0; r < cases.length; r++) {
      const mr = m.subarray(r * n, (r + 1) * n);
      const cr = c.subarray(r * n, (r + 1) * n);
      softmaxInto(mr, pm);
      normaliseInto(cr, pc);
      blendRow(pm, pc, mr, cr, w, out.subarray(r * n, (r + 1) * n));
    }
    return out;
  };
}

/** Validation NDCG@10 of every candidate weight, and the weight chosen. */
export interface BlendChoice {
  modelWeight: number;
  ndcgByWeight: { modelWeight: number; ndcg: number }[];
}

/**
 * Standard errors of a paired difference within which a weight closer to counting is preferred to the
 * validation-best one: on a thousand validation cases the best of a dozen weights often wins by
 * chance, and then ranks the test cases worse than counting. Counting is the default until the data
 * says otherwise.
 */
export const BLEND_MARGIN_SE = 1;

/**
 * Scores the cases once with the model and with counting, then ranks every candidate weight's blend.
 * The chosen weight is the smallest whose validation NDCG@10 is within BLEND_MARGIN_SE standard errors
 * (of the per-case difference) of the best weight's — the one-standard-error rule of model selection,
 * with counting (w = 0) as the simplest model. `cases` are validation cases whose targets the
 * statistics behind both scorers have not counted.
 */
export function chooseBlend(modelScores: (cases: RankingCase[]) => Float32Array, counting: CooccurrenceScorer, cases: readonly RankingCase[], batchSize = 256): BlendChoice {
  const n = counting.catalogueSize;
  const W = BLEND_WEIGHTS.length;
  const perCase = new Float64Array(cases.length * W);
  const pm = new Float64Array(n);
  const pc = new Float64Array(n);
  const row = new Float32Array(n);
  for (let start = 0; start < cases.length; start += batchSize) {
    const batch = cases.slice(start, start + batchSize);
    const m = modelScores(batch);
    const c = counting.scoreBatch(batch.map((x) => x.history));
    batch.forEach((x, r) => {
      const mr = m.subarray(r * n, (r + 1) * n);
      const cr = c.subarray(r * n, (r + 1) * n);
      softmaxInto(mr, pm);
      normaliseInto(cr, pc);
      BLEND_WEIGHTS.forEach((w, i) => {
        blendRow(pm, pc, mr, cr, w, row);
        perCase[(start + r) * W + i] = ndcgAt(targetRank(row, x.target).rank, 10);
      });
    });
  }
  const mean = (i: number) => {
    let s = 0;
    for (let k = 0; k < cases.length; k++) s += perCase[k * W + i]!;
    return cases.length ? s / cases.length : NaN;
  };
  const ndcgByWeight = BLEND_WEIGHTS.map((w, i) => ({ modelWeight: w, ndcg: mean(i) }));
  // The best weight; on a tie, the larger model share.
  let best = W - 1;
  for (let i = W - 1; i >= 0; i--) if (ndcgByWeight[i]!.ndcg > ndcgByWeight[best]!.ndcg) best = i;
  // The smallest weight the best one does not clearly beat.
  for (let i = 0; i < best; i++) {
    const diffs = Array.from({ length: cases.length }, (_, k) => perCase[k * W + best]! - perCase[k * W + i]!);
    if (!clearlyPositive(diffs)) return { modelWeight: BLEND_WEIGHTS[i]!, ndcgByWeight };
  }
  return { modelWeight: BLEND_WEIGHTS[best]!, ndcgByWeight };
}

/** Whether the mean of paired differences exceeds `margin` standard errors of it (and is positive). */
export function clearlyPositive(diffs: readonly number[], margin = BLEND_MARGIN_SE): boolean {
  const n = diffs.length;
  if (n === 0) return false;
  const mean = diffs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return mean > 0;
  const variance = diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1);
  return mean > 0 && mean > margin * Math.sqrt(variance / n);
}

/** How a blended model is named in tables: "fine-tune + counting (w 0.30)". */
export function blendLabel(name: string, blend: CountingBlend | undefined): string {
  if (!blend || blend.modelWeight >= 1) return name;
  return blend.modelWeight <= 0 ? `${name} → counting (w 0)` : `${name} + counting (w ${blend.modelWeight.toFixed(2)})`;
}
