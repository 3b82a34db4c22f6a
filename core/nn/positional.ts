import * as tf from '@tensorflow/tfjs';

export interface PositionalArgs {
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/** Adds a learned [positions, width] embedding to a [batch, positions, width] input. */
export class LearnedPositional extends tf.layers.Layer {
  static readonly className = 'HeadstartLearnedPositional';
  readonly seed: number | undefined;
  private table!: tf.LayerVariable;

  constructor(args: PositionalArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const init = tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.seed });
    this.table = this.addWeight('table', [shape[1] as number, shape[2] as number], 'float32', init);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(Array.isArray(inputs) ? inputs[0]! : inputs, this.table.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed ?? null };
  }
}
tf.serialization.registerClass(LearnedPositional);
