import * as tf from '@tensorflow/tfjs';

export interface RecentPositionalArgs {
  /** Longest sequence; the table has one row per position counted from the most recent step. */
  maxLength: number;
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/**
 * Learned positions for left-padded [batch, T, width] sequences of any T ≤ maxLength: the last step
 * (the most recent event) always gets the table's last row, so a position means "k steps ago"
 * whatever the batch's padded length.
 */
export class RecentPositional extends tf.layers.Layer {
  static readonly className = 'HeadstartRecentPositional';
  readonly maxLength: number;
  readonly seed: number | undefined;
  private table!: tf.LayerVariable;

  constructor(args: RecentPositionalArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.maxLength = args.maxLength;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const init = tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.seed });
    this.table = this.addWeight('table', [this.maxLength, shape[shape.length - 1] as number], 'float32', init);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const T = x.shape[1]!;
      if (T > this.maxLength) throw new Error(`sequence of ${T} steps is longer than the positional table (${this.maxLength})`);
      const rows = T === this.maxLength ? this.table.read() : tf.slice(this.table.read(), [this.maxLength - T, 0], [T, -1]);
      return tf.add(x, rows);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLength: this.maxLength, seed: this.seed ?? null };
  }
}
tf.serialization.registerClass(RecentPositional);

/** [x [batch, T, width], mask [batch, T]] -> x with padded steps zeroed. */
export class MaskSteps extends tf.layers.Layer {
  static readonly className = 'HeadstartMaskSteps';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (inputShape as tf.Shape[])[0]!;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, mask] = inputs as tf.Tensor[];
      return tf.mul(x!, tf.expandDims(mask!, -1));
    });
  }
}
tf.serialization.registerClass(MaskSteps);

export interface SeededDropoutArgs {
  rate: number;
  seed?: number;
  name?: string;
}

/**
 * Dropout whose masks are reproducible for a seed yet differ at every training call. tf.layers.dropout
 * with a seed redraws the same mask on every call (a fixed seed restarts the generator); without one
 * a run cannot be repeated.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'HeadstartSeededDropout';
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs.training || this.rate <= 0) return x.clone();
    return tf.tidy(() => {
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', this.seed * 7919 + this.calls++), this.rate), 'float32');
      return tf.mul(x, tf.mul(keep, 1 / (1 - this.rate)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
