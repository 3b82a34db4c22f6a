import * as tf from '@tensorflow/tfjs';

/**
 * x·W + b whose gradient avoids transposed matMuls. On the wasm backend `matMul(a, b, true, false)`
 * runs about 5× slower than an explicit transpose followed by a plain matMul, and tfjs's default
 * gradient for matMul uses the transposed forms; the bias gradient as a matMul with a row of ones
 * also beats a strided sum over the batch axis.
 */
const affineGrad = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      const ones = tf.ones([1, dy2.shape[0]]);
      return [
        tf.matMul(dy2, tf.transpose(ws)),
        tf.matMul(tf.transpose(xs), dy2),
        tf.reshape(tf.matMul(ones, dy2), [ws.shape[1]]),
      ];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

export const affine = affineGrad as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;
