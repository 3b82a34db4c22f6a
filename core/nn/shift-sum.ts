import * as tf from '@tensorflow/tfjs';
import { sumRows } from './fast-matmul.js';
import { shiftSumModule } from '../wasm-shift-sum.js';

/**
 * The time-shift half of a causal dilated convolution written as one product and a shifted sum.
 *
 * A causal convolution with k taps at delays s_0 … s_{k−1} is y[t] = Σ_i x[t − s_i]·W_i + b. As im2col
 * (the k delayed copies side by side, then one product with the [k·d, units] kernel) it costs, per
 * convolution on wasm, two Slice + Pad pairs and a Concat forward and a SplitV plus their gradients
 * backward — scalar copies that took 35 ms of a nextitnet-s training step and 36 ms of a 256-user
 * inference batch. Delay commutes with the product over channels, so this computes z = x·[W_0 … W_{k−1}]
 * ([B, T, k·units], one product of the same size) and then y[b, t] = Σ_i z[b, t − s_i, tap i] + b
 * (taps summed in order, then the bias), in one pass: the kernel below. Its gradient is the reverse
 * shift, dz[b, t, tap i] = dy[b, t + s_i] (zero past the end), and the row sum of dy for the bias.
 *
 * Both are tfjs kernels (SHIFT_SUM, SHIFT_SUM_GRAD) registered for the wasm and cpu backends: on wasm
 * the SIMD module of core/wasm/shift-sum.wat (core/wasm-shift-sum.ts), else a JavaScript loop over the
 * tensors' memory with the same float32 adds in the same order (every sum is stored to a Float32Array
 * after each add, so the values are the same bits on both backends). On another backend shiftSum
 * composes the same sum from slice, pad and add.
 */
export const SHIFT_SUM = 'HeadstartShiftSum';
export const SHIFT_SUM_GRAD = 'HeadstartShiftSumGrad';

/** Attributes of both kernels: the delay of each tap, oldest-first tap order as in z's last axis. */
export interface ShiftSumAttrs {
  shifts: number[];
}

/** What the kernels use of a backend: wasm's view of its heap, or cpu's stored values. */
interface KernelBackend {
  wasm?: object;
  dataIdMap?: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  typedArrayFromHeap?(info: tf.TensorInfo): Float32Array;
  makeOutput?(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  readSync(dataId: tf.DataId): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

/** Float32 values of an input (a view on wasm, never written). */
function read(backend: KernelBackend, info: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap ? backend.typedArrayFromHeap(info) : (backend.readSync(info.dataId) as Float32Array);
}

/** A float32 output of `shape` and the array to fill; `fill` runs after the output exists (a wasm heap may grow when it is made). */
function output(backend: KernelBackend, shape: number[], fill: (out: Float32Array) => void): tf.TensorInfo {
  if (backend.makeOutput && backend.typedArrayFromHeap) {
    const info = backend.makeOutput(shape, 'float32');
    fill(backend.typedArrayFromHeap(info));
    return info;
  }
  const values = new Float32Array(shape.reduce((p, d) => p * d, 1));
  fill(values);
  return backend.makeTensorInfo(shape, 'float32', values);
}

/** Byte offset of a wasm tensor's data. */
const offset = (be: KernelBackend, info: tf.TensorInfo) => be.dataIdMap!.get(info.dataId)!.memoryOffset;

/** y [B, T, units] = Σ_i z[:, t − s_i, i·units …] + bias; inputs z [B, T, k·units], bias [units]. */
const shiftSumKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { z, bias } = inputs as { z: tf.TensorInfo; bias: tf.TensorInfo };
  const { shifts } = attrs as unknown as ShiftSumAttrs;
  const [B, T, width] = z.shape as [number, number, number];
  const k = shifts.length;
  const units = width / k;
  const be = backend as unknown as KernelBackend;
  const simd = be.wasm && be.makeOutput && be.dataIdMap ? shiftSumModule(be.wasm) : null;
  if (simd) {
    const out = be.makeOutput!([B, T, units], 'float32');
    const y = offset(be, out);
    const zp = offset(be, z);
    shifts.forEach((s, i) => simd.shift_add(zp, y, B, T, width, units, i * units, s, i === 0 ? 1 : 0));
    simd.add_bias(y, offset(be, bias), B * T, units);
    return out;
  }
  return output(be, [B, T, units], (out) => {
    const zv = read(be, z);
    const bv = read(be, bias);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * units;
        for (let i = 0; i < k; i++) {
          const from = t - shifts[i]!;
          if (from < 0) {
            if (i === 0) out.fill(0, o, o + units);
            continue;
          }
          const p = (b * T + from) * width + i * units;
          if (i === 0) out.set(zv.subarray(p, p + units), o);
          else for (let u = 0; u < units; u++) out[o + u] = out[o + u]! + zv[p + u]!;
        }
        for (let u = 0; u < units; u++) out[o + u] = out[o + u]! + bv[u]!;
      }
    }
  });
};

/** dz [B, T, k·units] from dy [B, T, units]: dz[:, t, tap i] = dy[:, t + s_i] where t + s_i < T, else 0. */
const shiftSumGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy } = inputs as { dy: tf.TensorInfo };
  const { shifts } = attrs as unknown as ShiftSumAttrs;
  const [B, T, units] = dy.shape as [number, number, number];
  const k = shifts.length;
  const width = k * units;
  const be = backend as unknown as KernelBackend;
  const simd = be.wasm && be.makeOutput && be.dataIdMap ? shiftSumModule(be.wasm) : null;
  if (simd) {
    const out = be.makeOutput!([B, T, width], 'float32');
    const dz = offset(be, out);
    const g = offset(be, dy);
    shifts.forEach((s, i) => simd.shift_copy(g, dz, B, T, width, units, i * units, s));
    return out;
  }
  return output(be, [B, T, width], (out) => {
    const g = read(be, dy);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * width;
        for (let i = 0; i < k; i++) {
          const to = t + shifts[i]!;
          const q = o + i * units;
          if (to >= T) out.fill(0, q, q + units);
          else out.set(g.subarray((b * T + to) * units, (b * T + to + 1) * units), q);
        }
      }
    }
  });
};

const BACKENDS = ['wasm', 'cpu'];
for (const backendName of BACKENDS) {
  if (!tf.getKernel(SHIFT_SUM, backendName)) tf.registerKernel({ kernelName: SHIFT_SUM, backendName, kernelFunc: shiftSumKernel });
  if (!tf.getKernel(SHIFT_SUM_GRAD, backendName)) tf.registerKernel({ kernelName: SHIFT_SUM_GRAD, backendName, kernelFunc: shiftSumGradKernel });
}

/** Whether the active backend has the kernels (wasm and cpu); elsewhere shiftSum composes slices. */
export function hasShiftSumKernels(): boolean {
  return tf.getKernel(SHIFT_SUM, tf.getBackend()) !== undefined;
}

/** z moved `steps` later along axis 1 (zeros enter first), for the composed fallback. */
function delay(z: tf.Tensor3D, steps: number): tf.Tensor3D {
  const [B, T, w] = z.shape;
  if (steps === 0) return z;
  if (steps >= T) return tf.zerosLike(z);
  return tf.pad(tf.slice(z, [0, 0, 0], [B, T - steps, w]), [[0, 0], [steps, 0], [0, 0]]);
}

/** The same sum from standard ops (backends without the kernels), differentiable by tfjs; exported for tests. */
export function composedShiftSum(z: tf.Tensor3D, bias: tf.Tensor1D, shifts: number[]): tf.Tensor3D {
  const [B, T, width] = z.shape;
  const units = width / shifts.length;
  let y: tf.Tensor3D | undefined;
  shifts.forEach((s, i) => {
    const tap = delay(tf.slice(z, [0, 0, i * units], [B, T, units]) as tf.Tensor3D, s);
    y = y ? (tf.add(y, tap) as tf.Tensor3D) : tap;
  });
  return tf.add(y!, bias) as tf.Tensor3D;
}

/**
 * y[b, t] = Σ_i z[b, t − shifts[i], tap i] + bias for z [B, T, k·units] (taps side by side in order),
 * bias [units] -> [B, T, units]; differentiable in z and bias.
 */
export function shiftSum(z: tf.Tensor3D, bias: tf.Tensor1D, shifts: number[]): tf.Tensor3D {
  const [B, T, width] = z.shape;
  if (width % shifts.length !== 0) throw new Error(`shiftSum: width ${width} is not a multiple of ${shifts.length} taps`);
  if (!hasShiftSumKernels()) return composedShiftSum(z, bias, shifts);
  const attrs = { shifts } as unknown as tf.NamedAttrMap;
  const f = tf.customGrad(((zz: tf.Tensor3D, bb: tf.Tensor1D) => ({
    value: tf.engine().runKernel(SHIFT_SUM, { z: zz, bias: bb }, attrs) as tf.Tensor3D,
    gradFunc: (dy: tf.Tensor) => {
      const dz = tf.engine().runKernel(SHIFT_SUM_GRAD, { dy }, attrs) as tf.Tensor;
      return [dz, sumRows(tf.reshape(dy, [B * T, width / shifts.length]) as tf.Tensor2D)];
    },
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(z, bias) as tf.Tensor3D;
}
