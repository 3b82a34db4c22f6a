import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { composedShiftSum, hasShiftSumKernels, shiftSum } from '../../core/nn/shift-sum.js';
import { shiftSumModule } from '../../core/wasm-shift-sum.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { assemble, generatedSource, KERNELS } from '../../scripts/build-wasm-kernels.mjs';
import { seededValues } from '../helpers/fixtures.js';

/** Σ_i z[b, t − s_i, tap i] + bias in float64. */
function reference(z: Float32Array, bias: Float32Array, [B, T, width]: number[], shifts: number[]): Float64Array {
  const units = width / shifts.length;
  const out = new Float64Array(B! * T! * units);
  for (let b = 0; b < B!; b++) for (let t = 0; t < T!; t++) for (let u = 0; u < units; u++) {
    let s = bias[u]!;
    shifts.forEach((sh, i) => { if (t - sh >= 0) s += z[(b * T! + t - sh) * width! + i * units + u]!; });
    out[(b * T! + t) * units + u] = s;
  }
  return out;
}

/** [values, dz, dbias] of sum(shiftSum(z, bias) · w) on the active backend. */
function run(shape: [number, number, number], shifts: number[], seed: number, op = shiftSum): Float32Array[] {
  return tf.tidy(() => {
    const units = shape[2] / shifts.length;
    const z = tf.tensor(seededValues(seed, shape[0] * shape[1] * shape[2]), shape) as tf.Tensor3D;
    const bias = tf.tensor(seededValues(seed + 1, units), [units]) as tf.Tensor1D;
    const w = tf.tensor(seededValues(seed + 2, shape[0] * shape[1] * units), [shape[0], shape[1], units]);
    const y = op(z, bias, shifts);
    const [dz, db] = tf.grads((zz: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(op(zz as tf.Tensor3D, bb as tf.Tensor1D, shifts), w)))([z, bias]);
    return [y.dataSync() as Float32Array, dz!.dataSync() as Float32Array, db!.dataSync() as Float32Array].map((a) => a.slice());
  });
}

const CASES: { shape: [number, number, number]; shifts: number[] }[] = [
  { shape: [3, 9, 12], shifts: [4, 2, 0] }, // nextitnet's tap order: oldest first
  { shape: [2, 5, 15], shifts: [8, 4, 0] }, // units 5 (scalar tails); a shift beyond T
  { shape: [2, 6, 8], shifts: [0] }, // one tap
  { shape: [1, 4, 8], shifts: [1, 3] },
];

describe('shiftSum (the causal convolution’s shifted sum)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('has kernels on wasm (the SIMD module) and on cpu', async () => {
    expect(hasShiftSumKernels()).toBe(true);
    expect(shiftSumModule((tf.backend() as unknown as { wasm: object }).wasm)).not.toBeNull();
    await useBackend('cpu');
    expect(hasShiftSumKernels()).toBe(true);
    await useBackend('wasm');
  });

  it('sums taps in order then the bias: float64 reference, and the same bits on wasm and cpu (values and dz)', async () => {
    const onWasm = CASES.map((c, i) => run(c.shape, c.shifts, 10 * i + 1));
    CASES.forEach((c, i) => {
      const z = Float32Array.from(seededValues(10 * i + 1, c.shape.reduce((p, d) => p * d, 1)));
      const want = reference(z, seededValues(10 * i + 2, c.shape[2] / c.shifts.length), c.shape, c.shifts);
      onWasm[i]![0]!.forEach((v, j) => expect(Math.abs(v - want[j]!)).toBeLessThan(1e-6));
    });
    await useBackend('cpu');
    const onCpu = CASES.map((c, i) => run(c.shape, c.shifts, 10 * i + 1));
    await useBackend('wasm');
    // Values and dz: the same adds in the same order (and copies). dbias is a row sum by matMul, which cpu blocks differently.
    onWasm.forEach((r, i) => {
      expect(Array.from(r[0]!)).toEqual(Array.from(onCpu[i]![0]!));
      expect(Array.from(r[1]!)).toEqual(Array.from(onCpu[i]![1]!));
      r[2]!.forEach((v, q) => expect(Math.abs(v - onCpu[i]![2]![q]!)).toBeLessThan(1e-5));
    });
  });

  it('values and gradients match slices, pads and adds on the cpu backend', async () => {
    const onWasm = CASES.map((c, i) => run(c.shape, c.shifts, 10 * i + 3));
    await useBackend('cpu');
    const composed = CASES.map((c, i) => run(c.shape, c.shifts, 10 * i + 3, composedShiftSum));
    await useBackend('wasm');
    onWasm.forEach((r, i) => r.forEach((a, j) => a.forEach((v, q) => expect(Math.abs(v - composed[i]![j]![q]!)).toBeLessThan(1e-5))));
  });

  it('gives the same bits with the SIMD module off (the JavaScript loop over the heap)', () => {
    const on = run([3, 9, 12], [4, 2, 0], 7);
    process.env.HEADSTART_WASM_SHIFT_SUM = 'off'; // read on every kernel call
    try {
      expect(shiftSumModule((tf.backend() as unknown as { wasm: object }).wasm)).toBeNull();
      expect(run([3, 9, 12], [4, 2, 0], 7)).toEqual(on);
    } finally {
      delete process.env.HEADSTART_WASM_SHIFT_SUM;
    }
  });

  it('core/wasm/shift-sum.generated.ts and gather.generated.ts are what their .wat assemble to (else: npm run build:wasm-kernels)', async () => {
    for (const kernel of KERNELS.slice(1)) {
      const bytes = await assemble(readFileSync(kernel.source, 'utf8'), kernel.source);
      expect(readFileSync(kernel.target, 'utf8')).toBe(generatedSource(bytes, kernel));
    }
  });
});
