import * as tf from '@tensorflow/tfjs';

/** Largest absolute elementwise difference of two tensors. */
export const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

/** A tensor's values as a plain array. */
export const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** A [B, T] mask with `lengths[b]` real steps at the right end (left padding). */
export function leftMask(lengths: number[], T: number): tf.Tensor2D {
  return tf.tensor2d(lengths.flatMap((n) => Array.from({ length: T }, (_, t) => (t >= T - n ? 1 : 0))), [lengths.length, T]);
}
