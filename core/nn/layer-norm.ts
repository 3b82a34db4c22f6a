import * as tf from '@tensorflow/tfjs';
import { fusedLayerNorm } from '../wasm-layer-norm.js';

export interface LayerNormArgs {
  epsilon?: number;
  name?: string;
  trainable?: boolean;
}

/**
 * Layer normalisation over the last axis built on tf.moments. tf.layers.layerNormalization's
 * backward pass goes through Tile's gradient and was ~10× slower on wasm. On wasm, outside gradient
 * recording, one kernel computes the same ops' bits in one pass (core/wasm-layer-norm.ts).
 */
export class LayerNorm extends tf.layers.Layer {
  static readonly className = 'HeadstartLayerNorm';
  readonly epsilon: number;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;

  constructor(args: LayerNormArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    this.epsilon = args.epsilon ?? 1e-5;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const dim = shape[shape.length - 1] as number;
    this.gamma = this.addWeight('gamma', [dim], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [dim], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const fused = fusedLayerNorm(x, this.gamma.read(), this.beta.read(), this.epsilon);
      if (fused) return fused;
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normed, this.gamma.read()), this.beta.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(LayerNorm);
