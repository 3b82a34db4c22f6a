import * as tf from '@tensorflow/tfjs';
import { activate, Linear, product, type LinearArgs } from '../../../core/nn/index.js';
import { shiftSum } from '../../../core/nn/shift-sum.js';
import { switchedTo } from '../../../core/wasm-module.js';

/** `im2col` computes CausalConv as delayed copies side by side and one product (the form before shiftSum). */
export const CAUSAL_CONV_ENV = 'HEADSTART_CAUSAL_CONV';

export interface CausalConvArgs extends LinearArgs {
  /** Taps per output step: steps t, t−d, …, t−(k−1)·d. */
  kernelSize: number;
  /** Spacing d between taps (NextItNet doubles it from layer to layer). */
  dilation: number;
}

/** x [B, T, d] moved `steps` later in time: zeros enter at the start, the last steps drop off. */
function delay(x: tf.Tensor3D, steps: number): tf.Tensor3D {
  const [B, T, d] = x.shape;
  if (steps === 0) return x;
  if (steps >= T) return tf.zerosLike(x);
  return tf.pad(tf.slice(x, [0, 0, 0], [B, T - steps, d]), [[0, 0], [steps, 0], [0, 0]]);
}

/**
 * Causal dilated 1-D convolution over [x [B, T, d], mask [B, T]] -> [B, T, units]: output step t
 * reads input steps t, t−d, … only. The wasm backend has no Conv1D gradient (Conv2DBackpropFilter).
 * The weights are those of im2col (the k delayed copies side by side, oldest tap first, then the
 * Linear layer's affine map over them: kernel [k·d, units]); it is computed as one product of x with
 * the kernel's taps side by side ([d, k·units]) and a shifted sum of the k results (shiftSum), which
 * moves no copies of x. The two agree to float32 rounding (the taps' partial sums are added instead of
 * one running sum); HEADSTART_CAUSAL_CONV=im2col computes im2col. Padded input steps are zeroed first,
 * so a left-padded history reads the same zeros as the convolution's own padding whatever the batch's
 * padded length. Serialisable (registerClass).
 */
// Linear's static className is typed as its own literal, which a subclass may not redeclare; this
// view of Linear drops the static side so CausalConv can register under its own name.
const LinearLayer: new (args: LinearArgs) => Linear = Linear;

export class CausalConv extends LinearLayer {
  static readonly className = 'HeadstartCausalConv';
  readonly kernelSize: number;
  readonly dilation: number;

  constructor(args: CausalConvArgs) {
    super(args);
    if (!(args.kernelSize >= 1 && args.dilation >= 1)) throw new Error(`causal conv needs kernelSize ≥ 1 and dilation ≥ 1 (got ${args.kernelSize}, ${args.dilation})`);
    this.kernelSize = args.kernelSize;
    this.dilation = args.dilation;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    super.build([...shape.slice(0, -1), this.kernelSize * (shape[shape.length - 1] as number)]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error('CausalConv expects [x, mask]');
      const [raw, mask] = inputs as [tf.Tensor3D, tf.Tensor2D];
      const x = tf.mul(raw, tf.expandDims(mask, -1)) as tf.Tensor3D;
      const k = this.kernelSize;
      // Delay of tap i (oldest first): (k − 1 − i)·dilation.
      const shifts = Array.from({ length: k }, (_, i) => (k - 1 - i) * this.dilation);
      if (k > 1 && !switchedTo(process.env, CAUSAL_CONV_ENV, 'im2col')) {
        const [B, T, d] = x.shape;
        const units = this.units;
        // kernel [k·d, units] (tap i's rows i·d …) -> [d, k·units] (tap i's columns i·units …).
        const taps = tf.reshape(tf.transpose(tf.reshape(this.kernel.read(), [k, d, units]), [1, 0, 2]), [d, k * units]) as tf.Tensor2D;
        const z = tf.reshape(product(tf.reshape(x, [B * T, d]) as tf.Tensor2D, taps), [B, T, k * units]) as tf.Tensor3D;
        return activate(shiftSum(z, this.bias.read() as tf.Tensor1D, shifts), this.activation);
      }
      const taps = shifts.map((s) => delay(x, s));
      return super.call(taps.length === 1 ? taps[0]! : tf.concat(taps, 2));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernelSize: this.kernelSize, dilation: this.dilation };
  }
}
tf.serialization.registerClass(CausalConv as unknown as tf.serialization.SerializableConstructor<CausalConv>);
