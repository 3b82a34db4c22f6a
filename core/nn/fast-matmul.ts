import * as tf from '@tensorflow/tfjs';
import { matMulBias, transposedA } from '../wasm-batch-matmul.js';

/**
 * aᵀ·b: one product with A transposed where the wasm SIMD kernel takes it (core/wasm-batch-matmul.ts
 * transposedA), else an explicit transpose and a plain product (fast on every backend, and the only
 * fast form on tfjs-backend-wasm's own kernel). Both give the same bits on wasm.
 */
export function matMulTA(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return transposedA(a, b) ? tf.matMul(a, b, true, false) : tf.matMul(tf.transpose(a), b);
}

/**
 * Σ over the rows of x [rows, n] -> [n], as a product with a row of ones (a strided Sum is slower on
 * wasm). On the wasm SIMD kernel it is onesᵀ·x with ones [rows, 4] (the kernel's tile needs 4 rows)
 * and the first row kept: XNNPACK would pack x as a fresh weight matrix for this one product, which
 * costs more than the sum (4.4 ms for the next-item head's [64, 12101]). Same bits either way.
 */
export function sumRows(x: tf.Tensor2D): tf.Tensor1D {
  const [rows, n] = x.shape;
  const ones = tf.ones([rows, 4]) as tf.Tensor2D;
  if (transposedA(ones, x)) return tf.reshape(tf.slice(tf.matMul(ones, x, true, false), [0, 0], [1, n]), [n]);
  return tf.reshape(tf.matMul(tf.ones([1, rows]), x), [n]);
}

/**
 * x·W + b whose gradient avoids transposed matMuls. On the wasm backend `matMul(a, b, true, false)`
 * runs about 5× slower than an explicit transpose followed by a plain matMul, and tfjs's default
 * gradient for matMul uses the transposed forms; the bias gradient as a matMul with a row of ones
 * also beats a strided sum over the batch axis.
 */
const affineGrad = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    // One kernel where the wasm SIMD product takes the shapes (same bits as matMul then Add).
    value: matMulBias(x, w, b) ?? tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, tf.transpose(ws)), matMulTA(xs, dy2), sumRows(dy2)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

export const affine = affineGrad as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** x·W without a bias, with affine's gradients (explicit or kernel-read transposes, never tfjs's transposed forms on wasm's own kernel). */
const productGrad = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)), matMulTA(xs, dy as tf.Tensor2D)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

export const product = productGrad as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
