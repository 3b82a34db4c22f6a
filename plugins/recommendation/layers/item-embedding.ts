import * as tf from '@tensorflow/tfjs';
import { gatherRows } from './ops.js';

export interface ItemEmbeddingArgs {
  /** Rows of the table (catalogue size). */
  items: number;
  /** Width of each item vector. */
  units: number;
  /** 'normal' (std `stddev`, default 0.02) or 'zeros' (a new catalogue's embeddings that must start neutral). */
  initializer?: 'normal' | 'zeros';
  stddev?: number;
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/**
 * An item-id embedding whose gradient is a scatterND of the upstream gradient (duplicates summed):
 * tf.layers.embedding's gradient needs UnsortedSegmentSum, which the wasm backend lacks. Ids outside
 * [0, items) are clipped; callers mask them.
 */
export class ItemEmbedding extends tf.layers.Layer {
  static readonly className = 'HeadstartItemEmbedding';
  readonly items: number;
  readonly units: number;
  readonly initializer: 'normal' | 'zeros';
  readonly stddev: number;
  readonly seed: number | undefined;
  private table!: tf.LayerVariable;

  constructor(args: ItemEmbeddingArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.items = args.items;
    this.units = args.units;
    this.initializer = args.initializer ?? 'normal';
    this.stddev = args.stddev ?? 0.02;
    this.seed = args.seed;
  }

  override build(): void {
    const init = this.initializer === 'zeros' ? tf.initializers.zeros() : tf.initializers.randomNormal({ mean: 0, stddev: this.stddev, seed: this.seed });
    this.table = this.addWeight('embeddings', [this.items, this.units], 'float32', init);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      // minimum/maximum, not clipByValue: on wasm, clipByValue let out-of-range int32 ids through.
      const ids = tf.minimum(tf.maximum(tf.cast(x, 'int32'), tf.scalar(0, 'int32')), tf.scalar(this.items - 1, 'int32'));
      return gatherRows(this.table.read() as tf.Tensor2D, ids);
    });
  }

  /** The embedding table [items, units] (for output scoring tied to the input embeddings). */
  embeddings(): tf.Tensor2D {
    return this.table.read() as tf.Tensor2D;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), items: this.items, units: this.units, initializer: this.initializer, stddev: this.stddev, seed: this.seed ?? null };
  }
}
tf.serialization.registerClass(ItemEmbedding);
