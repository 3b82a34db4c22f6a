import * as tf from '@tensorflow/tfjs';
import { logAddExp, logSigmoidPair, scatterAdd } from './ops.js';

/** The held-out-corrected sparse evidence the next-item scorer prepares, as counting reads it. */
export interface CountingEvidence {
  last: { succ: tf.Tensor; prob: tf.Tensor; ok: tf.Tensor };
  second?: { succ: tf.Tensor; prob: tf.Tensor; ok: tf.Tensor };
  near?: { ids: tf.Tensor; raw: tf.Tensor };
  ids: tf.Tensor;
  valid: tf.Tensor;
  /** Item counts of the statistics. */
  counts: tf.Tensor;
}

/**
 * The scorer's helpers that turn [B, X] ids and values into scattered [B, N] rows. Positions are
 * flat (row · N + id, [B·X, 1]): one add per id tensor, where [row, id] pairs cost a stack of two
 * int32 tensors (the slowest kernel of an inference batch on wasm).
 */
export interface SparseHelpers {
  /** Flat positions [B·X, 1] of ids [B, X] (row b's ids in row b). */
  at: (ids: tf.Tensor) => tf.Tensor;
  /** Σ of the updates at their positions, [B, N], differentiable in the updates (duplicates add up). */
  scatter: (positions: tf.Tensor[], updates: tf.Tensor[]) => tf.Tensor;
  /** The same sum for values that need no gradient (masks, counts). */
  place: (positions: tf.Tensor[], values: tf.Tensor[]) => tf.Tensor;
}

/** SparseHelpers for a batch of B rows over N items (the [B, X] offsets b · N made once per width). */
export function sparseHelpers(B: number, N: number): SparseHelpers {
  const starts = new Map<number, tf.Tensor>();
  const rowStarts = (width: number) => {
    let t = starts.get(width);
    if (!t) starts.set(width, (t = tf.tensor2d(Int32Array.from({ length: B * width }, (_, i) => Math.floor(i / width) * N), [B, width], 'int32')));
    return t;
  };
  const flat = (x: tf.Tensor) => tf.reshape(x, [B, N]);
  return {
    at: (ids) => tf.reshape(tf.add(rowStarts(ids.shape[1]!), tf.cast(ids, 'int32')), [-1, 1]),
    scatter: (positions, updates) => flat(scatterAdd(tf.concat(positions, 0) as tf.Tensor2D, tf.concat(updates, 0) as tf.Tensor1D, [B * N])),
    place: (positions, values) => flat(tf.scatterND(tf.concat(positions, 0) as tf.Tensor2D, tf.concat(values, 0) as tf.Tensor1D, [B * N])),
  };
}

/**
 * log p_counting [B, N]: the counting baseline's score (CooccurrenceScorer: P(j | last) + ½ P(j |
 * second-last) + Σ_s cooc / total / s, popularity below any evidence) normalised over the catalogue,
 * on the same held-out-corrected statistics the features use. It reads only non-trainable
 * statistics: a fixed expert beside the model.
 */
export function countingLogProbs(p: CountingEvidence, historyLast: boolean, f: SparseHelpers): tf.Tensor {
  const { at, scatter, place } = f;
  const indices = [at(p.last.succ)];
  const updates = [tf.reshape(tf.mul(p.last.prob, p.last.ok), [-1])];
  if (p.second) {
    indices.push(at(p.second.succ));
    updates.push(tf.reshape(tf.mul(tf.mul(p.second.prob, p.second.ok), 0.5), [-1]));
  }
  if (p.near) {
    indices.push(at(p.near.ids));
    updates.push(tf.reshape(p.near.raw, [-1]));
  }
  const counts = p.counts;
  let score = tf.add(scatter(indices, updates), tf.expandDims(tf.mul(tf.div(counts, tf.add(tf.max(counts), 1)), 1e-6), 0));
  if (historyLast) {
    const seen = tf.minimum(place([at(p.ids)], [tf.reshape(p.valid, [-1])]), 1);
    score = tf.mul(score, tf.sub(1, seen));
  }
  // A head without statistics (a compact pretrained head before setStatistics) scores 0 everywhere: no mass, not NaN.
  return tf.log(tf.add(tf.div(score, tf.maximum(tf.sum(score, 1, true), 1e-30)), 1e-30));
}

/**
 * log[(1 − r)·softmax(logits) + r·p_counting] per row (countingLogProbs). Its cross-entropy's
 * gradient reaches the model in proportion to the share of the target's probability the model
 * holds, so rows counting already ranks well weigh little.
 */
export function countingMixture(logits: tf.Tensor, p: CountingEvidence, o: { share: number; historyLast: boolean }, f: SparseHelpers): tf.Tensor {
  const r = o.share;
  return logAddExp(tf.add(tf.logSoftmax(logits), Math.log(1 - r)), tf.add(countingLogProbs(p, o.historyLast, f), Math.log(r)));
}

/**
 * log[(1 − ρ)·softmax(logits) + ρ·p_counting] with a per-row share ρ = σ(z), z [B, 1]: the model
 * decides per user how far to trust counting, and ρ → 1 ranks exactly as counting.
 */
export function gatedCountingMixture(logits: tf.Tensor, logCounting: tf.Tensor, z: tf.Tensor): tf.Tensor {
  const [logRho, logRest] = logSigmoidPair(z);
  return logAddExp(tf.add(tf.logSoftmax(logits), logRest), tf.add(logCounting, logRho));
}
