import * as tf from '@tensorflow/tfjs';
import { affine } from '../../../core/nn/index.js';
import { bmm } from './ops.js';

export interface CausalSelfAttentionArgs {
  /** Model width; must be a multiple of `heads`. */
  units: number;
  heads: number;
  /** Seed of the Glorot-uniform projections. */
  seed?: number;
  /** false: every step sees every real step (bidirectional); default true (step i sees steps ≤ i). */
  causal?: boolean;
  name?: string;
  trainable?: boolean;
}

/** Lower-triangular [T, T] of ones (or all ones when not causal). */
function allowedSteps(T: number, causal: boolean): tf.Tensor2D {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) m[i * T + j] = !causal || j <= i ? 1 : 0;
  return tf.tensor2d(m, [T, T]);
}

/**
 * Multi-head self-attention over [batch, T, units] with a [batch, T] mask of real steps (tfjs has no
 * public multi-head attention layer). Queries attend only to real, earlier-or-same steps; padded steps
 * output zeros. Query, key,
 * value and output projections use the wasm-fast affine gradient; the attention
 * products are batched matMuls with explicit-transpose gradients. Serialisable (registerClass).
 */
export class CausalSelfAttention extends tf.layers.Layer {
  static readonly className = 'HeadstartCausalSelfAttention';
  readonly units: number;
  readonly heads: number;
  readonly seed: number | undefined;
  readonly causal: boolean;
  private kernels!: tf.LayerVariable[];
  private biases!: tf.LayerVariable[];

  constructor(args: CausalSelfAttentionArgs) {
    super({ name: args.name, trainable: args.trainable });
    if (args.units % args.heads !== 0) throw new Error(`attention width ${args.units} is not a multiple of ${args.heads} heads`);
    this.units = args.units;
    this.heads = args.heads;
    this.seed = args.seed;
    this.causal = args.causal ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inDim = shape[shape.length - 1] as number;
    if (inDim !== this.units) throw new Error(`attention input width ${inDim} differs from units ${this.units}`);
    // Separate q, k, v and output projections: slicing one fused [d, 3d] output costs more on wasm than it saves.
    const s = this.seed;
    const glorot = (i: number) => tf.initializers.glorotUniform({ seed: s === undefined ? undefined : s + i });
    this.kernels = ['query', 'key', 'value', 'output'].map((n, i) => this.addWeight(`${n}_kernel`, [this.units, this.units], 'float32', glorot(i)));
    this.biases = ['query', 'key', 'value', 'output'].map((n) => this.addWeight(`${n}_bias`, [this.units], 'float32', tf.initializers.zeros()));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error('CausalSelfAttention expects [x, mask]');
      const [x, mask] = inputs as [tf.Tensor3D, tf.Tensor2D];
      const [B, T, d] = x.shape;
      const h = this.heads;
      const dh = d / h;
      const flat = tf.reshape(x, [B * T, d]) as tf.Tensor2D;
      const project = (i: number, input: tf.Tensor2D) => affine(input, this.kernels[i]!.read() as tf.Tensor2D, this.biases[i]!.read() as tf.Tensor1D);
      const [q, k, v] = [0, 1, 2].map((i) => project(i, flat)) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      // [B·T, d] -> [B·h, T, dh]; a single head needs no head transpose.
      const byHead = (t: tf.Tensor2D) => (h === 1 ? tf.reshape(t, [B, T, d]) : tf.reshape(tf.transpose(tf.reshape(t, [B, T, h, dh]), [0, 2, 1, 3]), [B * h, T, dh])) as tf.Tensor3D;
      const qh = tf.mul(byHead(q), 1 / Math.sqrt(dh)) as tf.Tensor3D;
      const kt = tf.transpose(byHead(k), [0, 2, 1]);
      const vh = byHead(v);
      // Additive mask: -1e9 where the key is padding or in the future of the query.
      const allowed = tf.mul(tf.reshape(allowedSteps(T, this.causal), [1, 1, T, T]), tf.reshape(mask, [B, 1, 1, T]));
      const bias = tf.mul(tf.sub(1, allowed), -1e9);
      const scores = tf.reshape(tf.add(tf.reshape(bmm(qh, kt), [B, h, T, T]), bias), [B * h, T, T]);
      const context = bmm(tf.softmax(scores) as tf.Tensor3D, vh);
      const merged = (h === 1 ? tf.reshape(context, [B * T, d]) : tf.reshape(tf.transpose(tf.reshape(context, [B, h, T, dh]), [0, 2, 1, 3]), [B * T, d])) as tf.Tensor2D;
      // Padded queries (which could only attend to padding) output zeros.
      return tf.mul(tf.reshape(project(3, merged), [B, T, d]), tf.expandDims(mask, -1));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, heads: this.heads, seed: this.seed ?? null, causal: this.causal };
  }
}
tf.serialization.registerClass(CausalSelfAttention);
