import * as tf from '@tensorflow/tfjs';
import { installBatchMatMul } from './wasm-batch-matmul.js';
import { installGather } from './wasm-gather.js';
import { installAdam } from './wasm-adam.js';
import { installLayerNorm } from './wasm-layer-norm.js';
import { replaceWasmKernel } from './wasm-module.js';

/** What a wasm kernel sees of its backend: the data reference counts tfjs-backend-wasm keeps. */
interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

/**
 * Identity that shares its input's memory instead of copying it, as the cpu backend's does.
 *
 * tfjs-core saves every tensor a gradient needs by cloning it (Engine.saveTensorsForBackwardMode →
 * Identity), ~480 clones per sasrec-s training step; tfjs-backend-wasm's Identity copies each
 * one into fresh wasm memory. tfjs tensors are immutable (no wasm kernel writes into its inputs;
 * `Variable.assign` swaps the data reference), so the clone can hold a reference to the same
 * memory, counted like Reshape's, and be freed when the last holder is disposed.
 */
function sharedIdentity(copy: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return copy(args);
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

let installed = false;

/**
 * Replaces tfjs-backend-wasm kernels that do work tfjs does not need (see sharedIdentity) or run
 * slowly (BatchMatMul with batch > 1 or A transposed: core/wasm-batch-matmul.ts; GatherV2:
 * core/wasm-gather.ts), and adds two (Adam's update in one pass: core/wasm-adam.ts; layer normalisation in one pass:
 * core/wasm-layer-norm.ts). Idempotent;
 * called once the wasm backend is up, so every command, test and worker thread gets the same kernels.
 */
export function installWasmKernels(): void {
  if (installed) return;
  if (!replaceWasmKernel('Identity', sharedIdentity)) return;
  installBatchMatMul();
  installGather();
  installAdam();
  installLayerNorm();
  installed = true;
}
