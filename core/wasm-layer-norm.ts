import * as tf from '@tensorflow/tfjs';
import { LAYER_NORM_WASM, LAYER_NORM_WASM_SHARED } from './wasm/layer-norm.generated.js';
import { moduleOn, switchedTo, validates, type WasmBackendInternals } from './wasm-module.js';

/**
 * Layer normalisation over the last axis in one pass of WebAssembly SIMD (core/wasm/layer-norm.wat),
 * as the tfjs kernel HeadstartLayerNorm for the wasm backend; core/nn/layer-norm.ts calls it when no
 * gradient is being recorded (inference, evaluation), and keeps its tf ops (and their gradients)
 * while training.
 *
 * LayerNorm's tf ops are ~11 kernels per call (Mean, Cast, Sub, Square, Mean, Sub, Add, Rsqrt, Mul,
 * Mul, Add), each a pass over [B, T, d] in wasm memory: ~2.8 ms for sasrec-s's [256, 32, 64] in an
 * inference batch. The kernel does the same float32 operations in the same order (sequential sums
 * per row from 0, divided by d; 1 / sqrt(var + eps); ((x − mean) · r) · gamma + beta), so the same bits.
 * HEADSTART_WASM_LAYER_NORM=off keeps the tf ops everywhere.
 */
export const WASM_LAYER_NORM_ENV = 'HEADSTART_WASM_LAYER_NORM';
export const LAYER_NORM = 'HeadstartLayerNorm';

type LayerNormFn = (x: number, y: number, rows: number, d: number, gamma: number, beta: number, eps: number) => void;

function layerNormKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, gamma, beta } = args.inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  const { epsilon } = args.attrs as unknown as { epsilon: number };
  const backend = args.backend as unknown as WasmBackendInternals;
  const mod = moduleOn<{ layer_norm: LayerNormFn }>(backend.wasm, LAYER_NORM_WASM, LAYER_NORM_WASM_SHARED);
  if (!mod) throw new Error('HeadstartLayerNorm: the wasm module is unavailable');
  const d = x.shape[x.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x.shape) / d;
  const out = backend.makeOutput(x.shape, 'float32');
  // Offsets read after makeOutput: a heap that grew keeps them.
  const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  mod.layer_norm(at(x), at(out), rows, d, at(gamma), at(beta), epsilon);
  return out;
}

let installed = false;
let on = false;

/** Registers HeadstartLayerNorm for wasm (called by installWasmKernels); false when switched off or without SIMD. */
export function installLayerNorm(env: NodeJS.ProcessEnv = process.env): boolean {
  if (installed) return on;
  installed = true;
  if (switchedTo(env, WASM_LAYER_NORM_ENV) || !validates(LAYER_NORM_WASM)) return false;
  if (!tf.getKernel(LAYER_NORM, 'wasm')) tf.registerKernel({ kernelName: LAYER_NORM, backendName: 'wasm', kernelFunc: layerNormKernel as tf.KernelFunc });
  on = true;
  return true;
}

/** Whether tfjs is recording operations for a gradient right now (tf.grad, optimizer.minimize, model.fit). */
function recording(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

/**
 * LayerNorm's output by the wasm kernel, or null where its tf ops must run: kernel not installed
 * (or switched off), another backend, a gradient being recorded, not float32, fewer than 4 rows, or
 * gamma / beta not [d].
 */
export function fusedLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor | null {
  if (!on || tf.getBackend() !== 'wasm' || recording()) return null;
  const d = x.shape[x.shape.length - 1];
  if (x.dtype !== 'float32' || gamma.dtype !== 'float32' || beta.dtype !== 'float32' || x.rank < 1 || !d) return null;
  if (gamma.size !== d || beta.size !== d || gamma.rank !== 1 || beta.rank !== 1 || x.size / d < 4) return null;
  return tf.engine().runKernel(LAYER_NORM, { x, gamma, beta }, { epsilon }) as tf.Tensor;
}
