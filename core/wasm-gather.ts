import * as tf from '@tensorflow/tfjs';
import { GATHER_WASM, GATHER_WASM_SHARED } from './wasm/gather.generated.js';
import { moduleOn, replaceWasmKernel, switchedTo, validates, type WasmBackendInternals } from './wasm-module.js';

/**
 * GatherV2 for the wasm backend as row copies (core/wasm/gather.wat: one memory.copy per index).
 *
 * tfjs-backend-wasm's Gather walks the output element by element with stride arithmetic: the next-item
 * head's item-embedding lookup ([12101, 64] at 8,192 ids) took 15 ms of a 256-user inference batch
 * and its statistics lookups ([12101, 64] at 256 × 8 ids) 3.6 ms each. The copies give the same
 * values (no arithmetic). Taken for batchDims 0, 4-byte dtypes (float32, int32) and int32 indices,
 * after the same bounds check as the original (any index outside the axis goes to the original,
 * which reports it); everything else runs the original. HEADSTART_WASM_GATHER=off keeps the original.
 */
export const WASM_GATHER_ENV = 'HEADSTART_WASM_GATHER';

type Gather = (x: number, idx: number, out: number, outer: number, dim: number, n: number, sliceBytes: number) => void;

function rowGather(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number | number[]; batchDims?: number };
    const backend = args.backend as unknown as WasmBackendInternals;
    if (batchDims || indices.dtype !== 'int32' || (x.dtype !== 'float32' && x.dtype !== 'int32')) return original(args);
    const mod = moduleOn<{ gather: Gather }>(backend.wasm, GATHER_WASM, GATHER_WASM_SHARED);
    const xData = backend.dataIdMap.get(x.dataId);
    const iData = backend.dataIdMap.get(indices.dataId);
    if (!mod || !xData || !iData) return original(args);
    const a = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const dim = x.shape[a]!;
    const ids = backend.typedArrayFromHeap(indices) as Int32Array;
    const n = ids.length; // the view detaches if makeOutput grows the heap
    for (let i = 0; i < n; i++) if (!(ids[i]! >= 0 && ids[i]! < dim)) return original(args);
    const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
    const slice = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
    const out = backend.makeOutput([...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)], x.dtype);
    if (outer * n * slice === 0) return out;
    // Offsets read after makeOutput: a heap that grew keeps them (offsets, not views).
    mod.gather(xData.memoryOffset, iData.memoryOffset, backend.dataIdMap.get(out.dataId)!.memoryOffset, outer, dim, n, slice * 4);
    return out;
  };
}

let replaced: tf.KernelFunc | undefined;

/** tfjs-backend-wasm's own GatherV2 once installGather replaced it (tests compare against it). */
export function originalGather(): tf.KernelFunc | undefined {
  return replaced;
}

/** Replaces the wasm backend's GatherV2 (called by installWasmKernels); false when it is left as it was. */
export function installGather(env: NodeJS.ProcessEnv = process.env): boolean {
  if (replaced) return true;
  if (switchedTo(env, WASM_GATHER_ENV) || !validates(GATHER_WASM)) return false;
  replaced = replaceWasmKernel('GatherV2', rowGather);
  return replaced !== undefined;
}
