import * as tf from '@tensorflow/tfjs';
import { BATCH_MATMUL_WASM, BATCH_MATMUL_WASM_SHARED } from './wasm/batch-matmul.generated.js';

/**
 * BatchMatMul for the wasm backend on many small matrices, in WebAssembly SIMD (core/wasm/batch-matmul.wat).
 *
 * tfjs-backend-wasm hands a product with batch > 1 to a scalar C++ loop, not XNNPACK: sasrec-s's
 * attention products ([128, 32, 32] × [128, 32, 32], plain and transposed) took ~4–6 ms each
 * (0.7–2 GFLOP/s), ~75 ms of a training step. The .wat kernel computes 4×8 tiles of C in f32x4
 * registers (0.23 ms; 0.27 ms with B transposed), reading A and B where tfjs keeps them: it imports the
 * Emscripten module's own memory, so nothing is copied and a heap that grows needs no care (the kernel
 * holds no views). Each output is summed over the inner dimension in order, from zero, without fused
 * multiply-add; in what was compared that gave the original kernel's bits exactly (sasrec-s's weights
 * after 6 training steps included), and always agrees to float32 rounding.
 *
 * Taken only inside ENVELOPE (float32; a batch > 1 — one batch goes to XNNPACK, which is fast; batch
 * dims equal or one side unbatched; m ≥ 4 and n ≥ 8 for the tile), otherwise the original kernel runs.
 * HEADSTART_WASM_BMM=off leaves the original kernel in place (to compare, or if this one misbehaves).
 */

/** The parts of tfjs-backend-wasm's BackendWasm (4.x) this kernel uses. */
interface WasmBackendInternals {
  wasm: { asm?: { memory?: unknown }; wasmMemory?: unknown; _malloc(bytes: number): number; _free(ptr: number): void };
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The WebAssembly JS API as used here (tsconfig's lib has no WebAssembly types; Node has the API). */
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const WebAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

type Bmm = (a: number, b: number, c: number, batch: number, m: number, n: number, k: number, sab: number, sam: number, sak: number, sbb: number, sbk: number, sbn: number, scratch: number) => void;

export const WASM_BMM_ENV = 'HEADSTART_WASM_BMM';

/**
 * Smallest C the 4×8 register tile covers. No upper bound: measured 10–18× faster than the original
 * from [4, 5, 3]·[4, 3, 9] up to [2, 512, 512]·[2, 512, 512] in every transpose combination.
 */
export const ENVELOPE = { minM: 4, minN: 8 };

/** One compiled instance per Emscripten module (a backend re-created after tf.removeBackend gets its own). */
const instances = new WeakMap<object, Bmm | null>();

function kernelFor(backend: WasmBackendInternals): Bmm | null {
  const cached = instances.get(backend.wasm);
  if (cached !== undefined) return cached;
  let bmm: Bmm | null = null;
  // `asm.memory` is where this Emscripten build exports its memory; a threaded build may only have
  // `wasmMemory`. Without either, the original kernel stays.
  const memory = [backend.wasm.asm?.memory, backend.wasm.wasmMemory].find((m) => WebAssembly && m instanceof WebAssembly.Memory) as { buffer: ArrayBufferLike } | undefined;
  if (WebAssembly && memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(shared ? BATCH_MATMUL_WASM_SHARED : BATCH_MATMUL_WASM, 'base64');
    // Synchronous compile: the module is under 1 KB, and kernels are synchronous.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    bmm = instance.exports.bmm as Bmm;
  }
  instances.set(backend.wasm, bmm);
  return bmm;
}

interface Plan {
  outShape: number[];
  batch: number;
  m: number;
  n: number;
  k: number;
  /** Elements between consecutive batches of A and B: 0 for an operand without batch dims of its own. */
  strideA: number;
  strideB: number;
}

/** How to run a·b, or null when the shapes are outside ENVELOPE. */
export function planBatchMatMul(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): Plan | null {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2) return null;
  const m = transposeA ? aShape[ra - 1]! : aShape[ra - 2]!;
  const k = transposeA ? aShape[ra - 2]! : aShape[ra - 1]!;
  const kb = transposeB ? bShape[rb - 1]! : bShape[rb - 2]!;
  const n = transposeB ? bShape[rb - 2]! : bShape[rb - 1]!;
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const batchA = outerA.reduce((p, d) => p * d, 1);
  const batchB = outerB.reduce((p, d) => p * d, 1);
  // Equal batch dims, or one side with a single matrix used for every batch. Other broadcasts (and
  // mismatched inner dims, which the original reports) go to the original kernel.
  const sameOuter = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  if (!(sameOuter || batchA === 1 || batchB === 1) || k !== kb) return null;
  const batch = Math.max(batchA, batchB);
  const E = ENVELOPE;
  if (batch < 2 || m < E.minM || n < E.minN || k < 1) return null;
  return { outShape: [...tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB), m, n], batch, m, n, k, strideA: batchA === 1 ? 0 : m * k, strideB: batchB === 1 ? 0 : k * n };
}

function simdBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    const backend = args.backend as unknown as WasmBackendInternals;
    const plan = a.dtype === 'float32' && b.dtype === 'float32' ? planBatchMatMul(a.shape, b.shape, transposeA, transposeB) : null;
    const bmm = plan && kernelFor(backend);
    const aData = backend.dataIdMap.get(a.dataId);
    const bData = backend.dataIdMap.get(b.dataId);
    if (!plan || !bmm || !aData || !bData) return original(args);
    const { batch, m, n, k } = plan;
    const out = backend.makeOutput(plan.outShape, 'float32');
    const cOffset = backend.dataIdMap.get(out.dataId)!.memoryOffset;
    // A [m, k] is read by scalar broadcasts, so any layout works; B must have contiguous columns, so a
    // transposed B is copied per batch into scratch (k·n floats) first.
    const scratch = transposeB ? backend.wasm._malloc(k * n * 4) : 0;
    try {
      bmm(aData.memoryOffset, bData.memoryOffset, cOffset, batch, m, n, k,
        plan.strideA, transposeA ? 1 : k, transposeA ? m : 1,
        plan.strideB, transposeB ? 1 : n, transposeB ? k : 1,
        scratch);
    } finally {
      if (scratch) backend.wasm._free(scratch);
    }
    return out;
  };
}

let replaced: tf.KernelFunc | undefined;

/** tfjs-backend-wasm's own BatchMatMul once installBatchMatMul replaced it (tests and benchmarks compare against it). */
export function originalBatchMatMul(): tf.KernelFunc | undefined {
  return replaced;
}

/** Replaces the wasm backend's BatchMatMul (called by installWasmKernels); false when it is left as it was. */
export function installBatchMatMul(env: NodeJS.ProcessEnv = process.env): boolean {
  if (replaced) return true;
  if (env[WASM_BMM_ENV]?.trim().toLowerCase() === 'off') return false;
  // Needs WebAssembly SIMD (Node ≥ 16.4); without it the module does not validate.
  if (!WebAssembly?.validate(Buffer.from(BATCH_MATMUL_WASM, 'base64'))) return false;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original) return false;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: simdBatchMatMul(original.kernelFunc) });
  replaced = original.kernelFunc;
  return true;
}
