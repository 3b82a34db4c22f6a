import * as tf from '@tensorflow/tfjs';
import { BATCH_MATMUL_WASM, BATCH_MATMUL_WASM_SHARED } from './wasm/batch-matmul.generated.js';
import { moduleOn, replaceWasmKernel, switchedTo, validates, type WasmBackendInternals } from './wasm-module.js';

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
 * Taken only inside ENVELOPE (float32; a batch > 1, or a single product with A transposed, which
 * tfjs-backend-wasm also leaves to its slow loop, or a single plain product whose B stays in cache
 * (SINGLE), or one with a wide B and a small A, in column panels (WIDE; others go to XNNPACK); batch
 * dims equal or one side unbatched; m ≥ 4 and n ≥ 8 for the
 * tile), otherwise the original kernel runs.
 * HEADSTART_WASM_BMM=off leaves the original kernel in place (to compare, or if this one misbehaves).
 *
 * Aᵀ·B in one product (transposedA): the weight gradients xᵀ·dy of core/nn/fast-matmul.ts's affine
 * and of the next-item head were an explicit Transpose (scalar, ~1 ms for [2048, 64]) plus XNNPACK.
 * This kernel reads a transposed A by strides at no cost, so the pair becomes one call, 1.5–4× faster
 * (measured on 2-D [64…12101] × [1088…6144] shapes), and bit-identical: XNNPACK also sums each output
 * over the inner dimension in order from zero with separate multiply and add. HEADSTART_WASM_TA=off
 * keeps the explicit transposes (transposedA answers false).
 */

type Bmm = (a: number, b: number, c: number, batch: number, m: number, n: number, k: number, sab: number, sam: number, sak: number, sbb: number, sbk: number, sbn: number, scratch: number, bias: number) => void;
type BmmPanels = (a: number, b: number, c: number, m: number, n: number, k: number, sam: number, sak: number, sbk: number, sbn: number, scratch: number, group: number, bias: number) => void;

export const WASM_BMM_ENV = 'HEADSTART_WASM_BMM';
/** `off`: transposedA answers false, so Aᵀ·B products keep their explicit transpose (see matMulTA in core/nn/fast-matmul.ts). */
export const WASM_TA_ENV = 'HEADSTART_WASM_TA';
/** `off`: single plain products A·B stay on XNNPACK (see SINGLE). */
export const WASM_BMM_2D_ENV = 'HEADSTART_WASM_BMM_2D';
/** `off`: single plain products with a wide B (see WIDE) stay on XNNPACK. */
export const WASM_BMM_WIDE_ENV = 'HEADSTART_WASM_BMM_WIDE';

/**
 * Smallest C the 4×8 register tile covers. No upper bound: measured 10–18× faster than the original
 * from [4, 5, 3]·[4, 3, 9] up to [2, 512, 512]·[2, 512, 512] in every transpose combination.
 */
export const ENVELOPE = { minM: 4, minN: 8 };

/**
 * Single (batch 1) products A·B this kernel takes from XNNPACK: inner dimension ≤ maxK and B of at
 * most maxB elements (1 MiB). Measured in training and inference steps (2-D [1088…8192] × [17…192]
 * products of patch-mixer-s, sasrec-s, nextitnet-s): 1.2–1.4× faster than XNNPACK, which also packs
 * a fresh B (every weight after an Adam step) into its own layout first; slower on [64, 12101] ×
 * [12101, 64] (k 12,101) and [256, 64] × [64, 12101] (B 774k), which stay with XNNPACK. Same bits
 * (XNNPACK also sums each output in order from zero). HEADSTART_WASM_BMM_2D=off keeps them all on XNNPACK.
 */
export const SINGLE = { maxK: 512, maxB: 262_144 };

/**
 * Single products A·B (A not transposed) with a B too wide for SINGLE but A small enough to stay in
 * cache (k ≤ maxK, m·k ≤ maxA elements, 256 KiB): run in column panels (`bmm_panels` of
 * core/wasm/batch-matmul.wat), each 8 columns of B copied once into a [k, 8] scratch and multiplied
 * by every row of A. The next-item head's [256, 64] × [64, 12101] (inference) and [64, 64] × [64,
 * 12101] (training forward), where XNNPACK reaches ~20 GFLOP/s against ~35 on cache-sized shapes.
 * Same bits as XNNPACK and `bmm`. HEADSTART_WASM_BMM_WIDE=off keeps them on XNNPACK.
 */
export const WIDE = { maxK: 512, maxA: 65_536, panelBytes: 16_384 };

/** Panels of 8 columns packed and run together: as many as fit WIDE.panelBytes, at least 1. */
function panelGroup(k: number, n: number): number {
  return Math.max(1, Math.min(Math.ceil(n / 8), Math.floor(WIDE.panelBytes / (k * 32))));
}

function moduleFor(backend: WasmBackendInternals): { bmm: Bmm; bmm_panels: BmmPanels } | null {
  // Without the module's memory (or SIMD), the original kernel stays.
  return moduleOn<{ bmm: Bmm; bmm_panels: BmmPanels }>(backend.wasm, BATCH_MATMUL_WASM, BATCH_MATMUL_WASM_SHARED);
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
  /** A single product with a wide B, computed in column panels (WIDE). */
  panels: boolean;
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
  if (m < E.minM || n < E.minN || k < 1) return null;
  // One product: A transposed (the original's slow loop), or a B small enough to stay in cache
  // (SINGLE; XNNPACK is faster on a long inner dimension or a wide B, which this kernel streams
  // once per 4 rows of A).
  // A wide B with a small A goes in column panels (WIDE).
  const panels = batch < 2 && !transposeA && !(k <= SINGLE.maxK && k * n <= SINGLE.maxB);
  if (panels && !(k <= WIDE.maxK && m * k <= WIDE.maxA)) return null;
  return { outShape: [...tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB), m, n], batch, m, n, k, strideA: batchA === 1 ? 0 : m * k, strideB: batchB === 1 ? 0 : k * n, panels };
}

function simdBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => simdProduct(args, null) ?? original(args);
}

/** a·b (+ bias [n] when given) by this module, or null where the plan is outside ENVELOPE or switched off. */
function simdProduct(args: Parameters<tf.KernelFunc>[0], bias: tf.TensorInfo | null): tf.TensorInfo | null {
  {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    const backend = args.backend as unknown as WasmBackendInternals;
    const plan = a.dtype === 'float32' && b.dtype === 'float32' ? planBatchMatMul(a.shape, b.shape, transposeA, transposeB) : null;
    const mod = plan && moduleFor(backend);
    const aData = backend.dataIdMap.get(a.dataId);
    const bData = backend.dataIdMap.get(b.dataId);
    if (!plan || !mod || !aData || !bData) return null;
    if (!planOn(plan, transposeA)) return null;
    const { batch, m, n, k } = plan;
    const out = backend.makeOutput(plan.outShape, 'float32');
    const cOffset = backend.dataIdMap.get(out.dataId)!.memoryOffset;
    // Offsets read after makeOutput (a heap that grew keeps them); 0: no bias.
    const biasOffset = bias ? backend.dataIdMap.get(bias.dataId)!.memoryOffset : 0;
    if (plan.panels) {
      const group = panelGroup(k, n);
      const panel = backend.wasm._malloc(group * k * 8 * 4);
      try {
        mod.bmm_panels(aData.memoryOffset, bData.memoryOffset, cOffset, m, n, k, k, 1, transposeB ? 1 : n, transposeB ? k : 1, panel, group, biasOffset);
      } finally {
        backend.wasm._free(panel);
      }
      return out;
    }
    const bmm = mod.bmm;
    // A [m, k] is read by scalar broadcasts, so any layout works; B must have contiguous columns, so a
    // transposed B is copied per batch into scratch (k·n floats) first.
    const scratch = transposeB ? backend.wasm._malloc(k * n * 4) : 0;
    try {
      bmm(aData.memoryOffset, bData.memoryOffset, cOffset, batch, m, n, k,
        plan.strideA, transposeA ? 1 : k, transposeA ? m : 1,
        plan.strideB, transposeB ? 1 : n, transposeB ? k : 1,
        scratch, biasOffset);
    } finally {
      if (scratch) backend.wasm._free(scratch);
    }
    return out;
  }
}

/** Kernel name of a·b + bias in one pass (matMulBias). */
export const MATMUL_BIAS = 'HeadstartMatMulBias';
/** `off`: matMulBias answers null, so products and their bias stay two kernels. */
export const WASM_BMM_BIAS_ENV = 'HEADSTART_WASM_BMM_BIAS';
let biasOn = false;

function matMulBiasKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const out = simdProduct(args, (args.inputs as { bias: tf.TensorInfo }).bias);
  if (!out) throw new Error(`${MATMUL_BIAS}: shapes outside the SIMD product's envelope`);
  return out;
}

/**
 * a·b + bias (a [m, k], b [k, n] or [n, k] with transposeB, bias [n]) as one kernel: the bias is added
 * to each 4×8 tile of the SIMD product before it is stored, the same float32 sums as matMul then Add,
 * so the same bits, without a second pass over [m, n] (the Adds of affine's and the next-item head's
 * bias, 1–2.5 ms each on [4352…8192, 32…192] and [256, 12101]). Null where the product would not run
 * this module (another backend, shapes outside ENVELOPE, a switch off, HEADSTART_WASM_BMM_BIAS=off):
 * the caller then runs matMul and Add. No gradient of its own: callers are inside tf.customGrad.
 */
export function matMulBias(a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor1D, transposeB = false): tf.Tensor2D | null {
  if (!biasOn || a.rank !== 2 || b.rank !== 2 || bias.rank !== 1 || bias.dtype !== 'float32') return null;
  if (!simdTransposed(a, b, false, transposeB)) return null;
  if (bias.size !== (transposeB ? b.shape[0] : b.shape[1])) return null;
  return tf.engine().runKernel(MATMUL_BIAS, { a, b, bias }, { transposeA: false, transposeB }) as tf.Tensor2D;
}

let replaced: tf.KernelFunc | undefined;
let transposedAOn = false;
let singleOn = false;
let wideOn = false;

/** Whether a plan's path is switched on (single products have their own switches). */
function planOn(plan: Plan, transposeA: boolean): boolean {
  if (plan.batch > 1) return true;
  if (transposeA) return transposedAOn;
  return plan.panels ? wideOn : singleOn;
}

/**
 * Whether tf.matMul(a, b, true, false) on these shapes runs this kernel (the wasm backend is active,
 * the kernel installed, HEADSTART_WASM_TA not `off`, float32 shapes inside ENVELOPE): then it beats an
 * explicit transpose followed by a plain product. Otherwise tfjs-backend-wasm's transposed product is
 * ~5× slower than that pair, and callers should transpose (core/nn/fast-matmul.ts matMulTA).
 */
export function transposedA(a: tf.Tensor, b: tf.Tensor): boolean {
  return simdTransposed(a, b, true, false);
}

/** transposedA for any transpose flags: tf.matMul(a, b, transposeA, transposeB) runs this kernel, which reads transposed operands in place. */
export function simdTransposed(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): boolean {
  if (!transposedAOn || a.dtype !== 'float32' || b.dtype !== 'float32' || tf.getBackend() !== 'wasm') return false;
  const plan = planBatchMatMul(a.shape, b.shape, transposeA, transposeB);
  return plan !== null && planOn(plan, transposeA);
}

/** tfjs-backend-wasm's own BatchMatMul once installBatchMatMul replaced it (tests and benchmarks compare against it). */
export function originalBatchMatMul(): tf.KernelFunc | undefined {
  return replaced;
}

/** Replaces the wasm backend's BatchMatMul (called by installWasmKernels); false when it is left as it was. */
export function installBatchMatMul(env: NodeJS.ProcessEnv = process.env): boolean {
  if (replaced) return true;
  if (switchedTo(env, WASM_BMM_ENV)) return false;
  // Needs WebAssembly SIMD (Node ≥ 16.4); without it the module does not validate.
  if (!validates(BATCH_MATMUL_WASM)) return false;
  replaced = replaceWasmKernel('BatchMatMul', simdBatchMatMul);
  if (!replaced) return false;
  transposedAOn = !switchedTo(env, WASM_TA_ENV);
  singleOn = !switchedTo(env, WASM_BMM_2D_ENV);
  wideOn = !switchedTo(env, WASM_BMM_WIDE_ENV);
  biasOn = !switchedTo(env, WASM_BMM_BIAS_ENV);
  if (!tf.getKernel(MATMUL_BIAS, 'wasm')) tf.registerKernel({ kernelName: MATMUL_BIAS, backendName: 'wasm', kernelFunc: matMulBiasKernel as tf.KernelFunc });
  return true;
}
