import * as tf from '@tensorflow/tfjs';
import { affine } from './fast-matmul.js';
import { activate, type Activation } from './activations.js';

export interface LinearArgs {
  /** Output width. */
  units: number;
  /** Applied after the affine map; default 'linear'. */
  activation?: Activation;
  /** Seed of the Glorot-uniform kernel initialiser (same seed, same weights). */
  seed?: number;
  /** Start the kernel at zero (for residual branches and warm-started heads). */
  zeroInit?: boolean;
  name?: string;
  trainable?: boolean;
}

/**
 * A dense layer over the last axis of any-rank input, with a wasm-fast gradient (see affine).
 * Use it instead of tf.layers.dense in headstart networks.
 */
export class Linear extends tf.layers.Layer {
  static readonly className = 'HeadstartLinear';
  readonly units: number;
  readonly activation: Activation;
  readonly seed: number | undefined;
  readonly zeroInit: boolean;
  /** Protected for subclasses that compute their own product with the same weights (CausalConv). */
  protected kernel!: tf.LayerVariable;
  protected bias!: tf.LayerVariable;

  constructor(args: LinearArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.units = args.units;
    this.activation = args.activation ?? 'linear';
    this.seed = args.seed;
    this.zeroInit = args.zeroInit ?? false;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inDim = shape[shape.length - 1] as number;
    const init = this.zeroInit ? tf.initializers.zeros() : tf.initializers.glorotUniform({ seed: this.seed });
    this.kernel = this.addWeight('kernel', [inDim, this.units], 'float32', init);
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const inDim = x.shape[x.shape.length - 1]!;
      const flat = tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
      const y = activate(affine(flat, this.kernel.read() as tf.Tensor2D, this.bias.read() as tf.Tensor1D), this.activation);
      return tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation, seed: this.seed ?? null, zeroInit: this.zeroInit };
  }
}
tf.serialization.registerClass(Linear);
