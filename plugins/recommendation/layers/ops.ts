import * as tf from '@tensorflow/tfjs';
import { matMulTA, sumRows } from '../../../core/nn/index.js';
import { matMulBias, simdTransposed } from '../../../core/wasm-batch-matmul.js';

/**
 * Differentiable ops whose gradients use only kernels the wasm backend has and runs fast:
 * - tf.gather's gradient is UnsortedSegmentSum, missing on wasm (the cpu fallback is unusably slow);
 *   here it is a scatterND of the upstream gradient, which sums duplicate ids;
 * - tf.scatterND and tf.gatherND have no registered gradient at all;
 * - matMul's own gradient uses transposed matMuls, ~5× slower on wasm than an explicit transpose.
 * Integer index arguments are closed over (not differentiated) and handed to the gradient through
 * `save`: the engine keeps saved tensors until backprop, while a closed-over tensor may already have
 * been disposed by the caller's tidy when the gradient runs.
 */

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
const custom = <T extends tf.Tensor[]>(f: (...args: [...T, tf.GradSaveFunc]) => { value: tf.Tensor; gradFunc: Grad }) =>
  tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...args: T) => tf.Tensor;

/** Rows `ids` (int32, any shape) of `table` [rows, width] -> [...ids.shape, width]; gradient by scatterND. */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const [rows, width] = table.shape;
  const flat = tf.reshape(ids, [-1]) as tf.Tensor1D;
  const f = custom<[tf.Tensor2D]>((t, save) => {
    save([flat]);
    return {
      value: tf.gather(t, flat),
      gradFunc: (dy, saved) => tf.scatterND(tf.reshape(saved[0]!, [-1, 1]), tf.reshape(dy, [-1, width]), [rows, width]),
    };
  });
  return tf.reshape(f(table), [...ids.shape, width]);
}

/** Dense tensor of `shape` with `updates` summed at `indices` [n, rank]; gradient by gatherND. */
export function scatterAdd(indices: tf.Tensor2D, updates: tf.Tensor1D, shape: number[]): tf.Tensor {
  const f = custom<[tf.Tensor1D]>((u, save) => {
    save([indices]);
    return {
      value: tf.scatterND(indices, u, shape),
      gradFunc: (dy, saved) => tf.gatherND(dy, saved[0]!),
    };
  });
  return f(updates);
}

/** Batched a·b for [batch, m, k] × [batch, k, n] with explicit-transpose gradients. */
export const bmm = custom<[tf.Tensor3D, tf.Tensor3D]>((a, b, save) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      const d = dy as tf.Tensor3D;
      // The wasm SIMD kernel reads transposed operands in place (same bits); elsewhere explicit transposes are faster.
      return [
        simdTransposed(d, sb, false, true) ? tf.matMul(d, sb, false, true) : tf.matMul(d, tf.transpose(sb, [0, 2, 1])),
        simdTransposed(sa, d, true, false) ? tf.matMul(sa, d, true, false) : tf.matMul(tf.transpose(sa, [0, 2, 1]), d),
      ];
    },
  };
}) as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/** u·Eᵀ + bias for users u [batch, width] against every row of E [items, width]: logits [batch, items]. */
export const scoreAll = custom<[tf.Tensor2D, tf.Tensor2D, tf.Tensor1D]>((u, e, bias, save) => {
  save([u, e]);
  return {
    // u·eᵀ with e read in place where the SIMD product takes it (column panels for the wide catalogue,
    // core/wasm-batch-matmul.ts WIDE): same sums, no [E, N] transpose.
    value: matMulBias(u, e, bias, true) ?? tf.add(simdTransposed(u, e, false, true) ? tf.matMul(u, e, false, true) : tf.matMul(u, tf.transpose(e)), bias),
    gradFunc: (dy, saved) => {
      const [su, se] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, se), matMulTA(d, su), sumRows(d)];
    },
  };
}) as (u: tf.Tensor2D, e: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

/** x as a constant: the same values, no gradient back into what computed them. */
export const stopGradient = custom<[tf.Tensor]>((x) => ({ value: tf.clone(x), gradFunc: (dy) => tf.zerosLike(dy) })) as (x: tf.Tensor) => tf.Tensor;

/**
 * [log σ(z), log(1 − σ(z))] for z [B, 1], as logSoftmax over [z, 0] (tf.logSigmoid's gradient reads
 * a tensor an enclosing tidy may have freed).
 */
export function logSigmoidPair(z: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const both = tf.logSoftmax(tf.concat([z, tf.zerosLike(z)], 1));
  const B = z.shape[0]!;
  return [tf.slice(both, [0, 0], [B, 1]), tf.slice(both, [0, 1], [B, 1])];
}

/** log(eᵃ + eᵇ), elementwise and stable. */
export function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const top = tf.maximum(a, b);
  return tf.add(top, tf.log(tf.add(tf.exp(tf.sub(a, top)), tf.exp(tf.sub(b, top)))));
}
