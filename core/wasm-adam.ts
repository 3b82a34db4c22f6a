import * as tf from '@tensorflow/tfjs';
import { ADAM_WASM, ADAM_WASM_SHARED } from './wasm/adam.generated.js';
import { moduleOn, switchedTo, validates, type WasmBackendInternals } from './wasm-module.js';

/**
 * Adam's update of one variable (or of FusedAdam's flat vectors) as one wasm kernel (core/wasm/adam.wat).
 *
 * The update is ten elementwise kernels on tfjs (mul, add, square, div, sqrt, …), each a pass over
 * the variable: for the next-item head's two 12,101 × 64 item tables ~15 ms of a training step on
 * wasm. The kernel makes one pass with the same float32 operations in the same order (no fused
 * multiply-add; division and square root are exact), so moments and weights are the same bits.
 * Registered for the wasm backend only as HeadstartAdam (inputs m, v, gradient, value and the two
 * bias-correction scalars 1 − β^t; outputs m′, v′, value′). HEADSTART_WASM_ADAM=off keeps tfjs's kernels.
 */
export const WASM_ADAM_ENV = 'HEADSTART_WASM_ADAM';
export const ADAM_KERNEL = 'HeadstartAdam';

type Adam = (m: number, v: number, g: number, x: number, mo: number, vo: number, xo: number, n: number, b1: number, c1: number, b2: number, c2: number, s1: number, s2: number, eps: number, nlr: number) => void;

/** Adam's hyper-parameters, as the optimizer holds them (JavaScript numbers; tfjs rounds each scalar to float32). */
export interface AdamAttrs {
  beta1: number;
  beta2: number;
  learningRate: number;
  epsilon: number;
}

const adamKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { m, v, gradient, value, s1, s2 } = inputs as Record<'m' | 'v' | 'gradient' | 'value' | 's1' | 's2', tf.TensorInfo>;
  const { beta1, beta2, learningRate, epsilon } = attrs as unknown as AdamAttrs;
  const be = backend as unknown as WasmBackendInternals;
  const mod = moduleOn<{ adam: Adam }>(be.wasm, ADAM_WASM, ADAM_WASM_SHARED)!;
  const outs = [be.makeOutput(m.shape, 'float32'), be.makeOutput(v.shape, 'float32'), be.makeOutput(value.shape, 'float32')];
  // Offsets and scalars read after the outputs exist (a heap that grows keeps offsets, not views).
  const at = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId)!.memoryOffset;
  const scalar = (t: tf.TensorInfo) => be.typedArrayFromHeap(t)[0]!;
  const n = m.shape.reduce((p, d) => p * d, 1);
  // The float32 scalars tfjs's expressions make: beta1, 1 − beta1 (in float64, then rounded), …, −lr.
  mod.adam(at(m), at(v), at(gradient), at(value), at(outs[0]!), at(outs[1]!), at(outs[2]!), n,
    beta1, 1 - beta1, beta2, 1 - beta2, scalar(s1), scalar(s2), epsilon, -learningRate);
  return outs;
};

let registered = false;

/** Registers HeadstartAdam for wasm (called by installWasmKernels); false when switched off or WebAssembly SIMD is missing. */
export function installAdam(env: NodeJS.ProcessEnv = process.env): boolean {
  if (registered) return true;
  if (switchedTo(env, WASM_ADAM_ENV) || !validates(ADAM_WASM)) return false;
  if (!tf.getKernel(ADAM_KERNEL, 'wasm')) tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'wasm', kernelFunc: adamKernel });
  registered = true;
  return true;
}

/**
 * One Adam update by the kernel where it runs (wasm backend, installed, float32 operands of one
 * size, a module on this backend's memory), else null and the caller uses tfjs's expressions.
 * s1, s2: the scalars 1 − β1^t and 1 − β2^t.
 */
export function adamStep(m: tf.Tensor, v: tf.Tensor, gradient: tf.Tensor, value: tf.Tensor, s1: tf.Tensor, s2: tf.Tensor, attrs: AdamAttrs): { m: tf.Tensor; v: tf.Tensor; value: tf.Tensor } | null {
  if (!registered || tf.getBackend() !== 'wasm') return null;
  const all = [m, v, gradient, value];
  if (all.some((t) => t.dtype !== 'float32' || t.size !== m.size) || s1.size !== 1 || s2.size !== 1) return null;
  if (!moduleOn((tf.backend() as unknown as WasmBackendInternals).wasm, ADAM_WASM, ADAM_WASM_SHARED)) return null;
  // The kernel needs materialised inputs (a value tensor may come straight from a variable).
  const [mo, vo, xo] = tf.engine().runKernel(ADAM_KERNEL, { m, v, gradient, value, s1, s2 }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { m: mo!, v: vo!, value: tf.reshape(xo!, value.shape) };
}
