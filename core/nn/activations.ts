import * as tf from '@tensorflow/tfjs';

/** Activations the headstart layers support; `gelu` is the sigmoid approximation x·σ(1.702x), cheap on wasm. */
export type Activation = 'linear' | 'relu' | 'gelu' | 'tanh';

export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'gelu':
      return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
    case 'tanh':
      return tf.tanh(x);
  }
}
