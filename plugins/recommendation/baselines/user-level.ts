import { EVENT_FEATURES, fitFeaturizer, scoringFeaturizer, type EventFeaturizer } from '../data/features.js';
import type { LabelledHistory, UserLevelSplit } from '../data/user-examples.js';
import { NEXT_ITEM_DEFAULTS } from '../heads/next-item-head.js';

/** The majority-class baseline: every user gets the training class shares (argmax: the majority class). */
export function majorityProbabilities(train: readonly LabelledHistory[], classes: number, n: number): Float32Array {
  const shares = new Float32Array(classes);
  for (const r of train) shares[r.label]! += 1 / train.length;
  const out = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) out.set(shares, i * classes);
  return out;
}

/** Per-user summary: mean event features over the last `window` events, the last event's features, log history length. */
export function userSummary(featurizer: EventFeaturizer, row: LabelledHistory, window = 32): Float32Array {
  const F = EVENT_FEATURES;
  const feats = featurizer.featurize(row.items, row.times);
  const n = row.items.length;
  const from = Math.max(0, n - window);
  const out = new Float32Array(2 * F + 1);
  for (let i = from; i < n; i++) for (let f = 0; f < F; f++) out[f]! += feats[i * F + f]! / (n - from);
  out.set(feats.subarray((n - 1) * F, n * F), F);
  out[2 * F] = Math.log1p(n);
  return out;
}

/**
 * Logistic-regression baseline: softmax regression (L2 1e-3, full-batch gradient descent) on
 * standardised userSummary features of the training users; returns test probabilities. Statistics
 * as for the models: training users' events, plus the test users' own when scoring them.
 */
export function logisticBaseline(split: UserLevelSplit, iterations = 300, learningRate = 0.5): Float32Array {
  const C = split.classes.length;
  const trainSequences = split.train.map((r) => r.items);
  const featurizer = fitFeaturizer(trainSequences, split.catalogueSize, NEXT_ITEM_DEFAULTS.successors);
  const X = split.train.map((r) => userSummary(featurizer, r));
  const D = X[0]!.length;
  const mu = new Float64Array(D);
  const sd = new Float64Array(D);
  for (const x of X) for (let d = 0; d < D; d++) mu[d]! += x[d]! / X.length;
  for (const x of X) for (let d = 0; d < D; d++) sd[d]! += (x[d]! - mu[d]!) ** 2 / X.length;
  const scale = (x: Float32Array) => x.map((v, d) => (sd[d]! > 1e-12 ? (v - mu[d]!) / Math.sqrt(sd[d]!) : 0));
  const Xs = X.map(scale);
  const W = new Float64Array((D + 1) * C);
  const logits = new Float64Array(C);
  const softmaxRow = (x: Float32Array) => {
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      let z = W[D * C + c]!;
      for (let d = 0; d < D; d++) z += x[d]! * W[d * C + c]!;
      logits[c] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += logits[c] = Math.exp(logits[c]! - max);
    for (let c = 0; c < C; c++) logits[c]! /= sum;
    return logits;
  };
  const grad = new Float64Array(W.length);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    Xs.forEach((x, i) => {
      const p = softmaxRow(x);
      const y = split.train[i]!.label;
      for (let c = 0; c < C; c++) {
        const g = (p[c]! - (c === y ? 1 : 0)) / Xs.length;
        for (let d = 0; d < D; d++) grad[d * C + c]! += g * x[d]!;
        grad[D * C + c]! += g;
      }
    });
    for (let k = 0; k < W.length; k++) W[k]! -= learningRate * (grad[k]! + (k < D * C ? 1e-3 * W[k]! : 0));
  }
  const out = new Float32Array(split.test.length * C);
  const testFeaturizer = scoringFeaturizer(trainSequences, split.test, split.catalogueSize, NEXT_ITEM_DEFAULTS.successors);
  split.test.forEach((r, i) => out.set(softmaxRow(scale(userSummary(testFeaturizer, r))), i * C));
  return out;
}
