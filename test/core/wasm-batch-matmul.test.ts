import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { originalBatchMatMul, planBatchMatMul, transposedA } from '../../core/wasm-batch-matmul.js';
import { affine, matMulTA, sumRows } from '../../core/nn/index.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { assemble, generatedSource } from '../../scripts/build-wasm-kernels.mjs';
import { seededValues } from '../helpers/fixtures.js';

/** a·b in float64 from the tensors' values: [batch…, m, n] with tfjs's broadcasting of one-matrix sides. */
function reference(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): Float64Array {
  const [av, bv] = [a.dataSync(), b.dataSync()];
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = ta ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = ta ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const n = tb ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batchA = av.length / (m * k);
  const batchB = bv.length / (k * n);
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const oa = batchA === 1 ? 0 : p * m * k;
    const ob = batchB === 1 ? 0 : p * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += av[oa + (ta ? q * m + i : i * k + q)]! * bv[ob + (tb ? j * k + q : q * n + j)]!;
        out[(p * m + i) * n + j] = s;
      }
    }
  }
  return out;
}

/** tfjs-backend-wasm's own BatchMatMul on the same inputs. */
function original(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  const info = originalBatchMatMul()!({ inputs: { a, b }, backend: tf.backend(), attrs: { transposeA, transposeB } }) as tf.TensorInfo;
  return tf.engine().makeTensorFromTensorInfo(info);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let scale = 1e-30;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale);
  expect(worst).toBeLessThan(rel);
}

const COMBOS: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];

/** Checks tf.matMul against the original kernel and a float64 reference; [outer dims of a, of b, m, k, n]. */
function check(outerA: number[], outerB: number[], m: number, k: number, n: number, seed: number): void {
  for (const [ta, tb] of COMBOS) {
    tf.tidy(() => {
      const aShape = [...outerA, ...(ta ? [k, m] : [m, k])];
      const bShape = [...outerB, ...(tb ? [n, k] : [k, n])];
      const a = tf.tensor(seededValues(seed, aShape.reduce((p, d) => p * d, 1)), aShape);
      const b = tf.tensor(seededValues(seed + 1, bShape.reduce((p, d) => p * d, 1)), bShape);
      const got = tf.matMul(a, b, ta, tb);
      const want = original(a, b, ta, tb);
      expect(got.shape).toEqual(want.shape);
      expectClose(got.dataSync(), want.dataSync(), 1e-6);
      expectClose(got.dataSync(), reference(a, b, ta, tb));
    });
  }
}

describe('wasm SIMD BatchMatMul', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('replaces the wasm kernel, with the original kept', () => {
    expect(originalBatchMatMul()).toBeTypeOf('function');
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).not.toBe(originalBatchMatMul());
  });

  it('takes batched float32 shapes with m ≥ 4 and n ≥ 8, and leaves the rest to the original', () => {
    expect(planBatchMatMul([128, 32, 32], [128, 32, 32], false, true)).toMatchObject({ batch: 128, m: 32, n: 32, k: 32, outShape: [128, 32, 32] });
    expect(planBatchMatMul([2, 3, 5, 7], [7, 9], false, false)).toMatchObject({ batch: 6, strideB: 0, outShape: [2, 3, 5, 9] });
    expect(planBatchMatMul([1, 5, 7], [4, 7, 9], false, false)).toMatchObject({ batch: 4, strideA: 0, outShape: [4, 5, 9] });
    expect(planBatchMatMul([32, 32], [32, 32], false, false)).toMatchObject({ batch: 1 }); // one matrix, B in cache: this kernel
    expect(planBatchMatMul([64, 12101], [12101, 64], false, false)).toBeNull(); // long inner dimension: XNNPACK
    expect(planBatchMatMul([256, 64], [64, 12101], false, false)).toMatchObject({ batch: 1, panels: true }); // wide B, small A: column panels (WIDE)
    expect(planBatchMatMul([4096, 64], [64, 12101], false, false)).toBeNull(); // wide B, A past WIDE.maxA: XNNPACK
    expect(planBatchMatMul([2048, 64], [2048, 96], true, false)).toMatchObject({ batch: 1, m: 64, n: 96, k: 2048 }); // one matrix, A transposed: the SIMD kernel
    expect(planBatchMatMul([2048, 3], [2048, 96], true, false)).toBeNull(); // m < 4
    expect(planBatchMatMul([4, 3, 7], [4, 7, 9], false, false)).toBeNull(); // m < 4
    expect(planBatchMatMul([4, 5, 7], [4, 7, 7], false, false)).toBeNull(); // n < 8
    expect(planBatchMatMul([2, 1, 5, 7], [1, 3, 7, 9], false, false)).toBeNull(); // broadcast of both sides
    expect(planBatchMatMul([4, 5, 7], [4, 6, 9], false, false)).toBeNull(); // inner dims differ: the original says so
  });

  it('matches the original kernel and a float64 reference, every transpose combination', () => {
    check([128], [128], 32, 32, 32, 1); // sasrec-s attention
    check([3], [3], 5, 3, 9, 2); // odd sizes, tiles overlapping at both edges
    check([7], [7], 13, 17, 11, 3);
    check([2], [2], 4, 1, 8, 4); // one tile, k = 1
    check([2, 3], [2, 3], 6, 5, 10, 5); // rank 4
    check([5], [], 6, 4, 9, 6); // b shared by every batch
    check([1], [4], 6, 4, 9, 7); // a shared by every batch
    check([1], [1], 6, 4, 9, 8); // batch 1: this kernel (B in cache)
    check([1], [1], 6, 600, 9, 10); // batch 1, k > 512: the original kernel (XNNPACK) without A transposed
    check([3], [3], 3, 4, 5, 9); // outside the tile: the original kernel
  });

  it('frees what it allocates, and reads the heap right after it grows', () => {
    const a = tf.tensor(seededValues(10, 4 * 9 * 6), [4, 9, 6]);
    const b = tf.tensor(seededValues(11, 4 * 10 * 6), [4, 10, 6]);
    const bytes = tf.memory().numBytes;
    tf.matMul(a, b, false, true).dispose(); // transposed b: scratch malloc'd and freed
    expect(tf.memory().numBytes).toBe(bytes);
    const big = tf.fill([48_000_000], 1); // 192 MB: grows the wasm memory
    const c = tf.tensor(seededValues(12, 4 * 10 * 6), [4, 10, 6]);
    const got = tf.matMul(a, c, false, true);
    expectClose(got.dataSync(), reference(a, c, false, true));
    tf.dispose([a, b, c, big, got]);
  });

  it('gradients of an attention-like product match the cpu backend', async () => {
    const shapes = { q: [6, 8, 9], k: [6, 8, 9], v: [6, 8, 12] }; // every forward and backward product inside the envelope
    const run = () => {
      const [q, k, v] = (['q', 'k', 'v'] as const).map((n, i) => tf.tensor(seededValues(20 + i, shapes[n].reduce((p, d) => p * d, 1)), shapes[n]));
      const w = tf.tensor(seededValues(30, 6 * 8 * 12), [6, 8, 12]);
      const f = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.softmax(tf.matMul(q, k, false, true)), v), w));
      const grads = tf.grads(f)([q!, k!, v!]);
      const out = grads.map((g) => g.dataSync().slice());
      tf.dispose([q!, k!, v!, w, ...grads]);
      return out;
    };
    const onWasm = run();
    await useBackend('cpu');
    const onCpu = run();
    await useBackend('wasm');
    onWasm.forEach((g, i) => expectClose(g, onCpu[i]!));
  });

  it('one Aᵀ·B product (matMulTA) and row sums (sumRows) run the kernel with the bits of an explicit transpose and XNNPACK', () => {
    tf.tidy(() => {
      const x = tf.tensor(seededValues(40, 300 * 20), [300, 20]) as tf.Tensor2D;
      const dy = tf.tensor(seededValues(41, 300 * 13), [300, 13]) as tf.Tensor2D;
      expect(transposedA(x, dy)).toBe(true);
      expect(transposedA(tf.ones([300, 1]), dy)).toBe(false); // m = 1: outside the tile
      expect(Array.from(matMulTA(x, dy).dataSync())).toEqual(Array.from(tf.matMul(tf.transpose(x), dy).dataSync()));
      expect(Array.from(sumRows(dy).dataSync())).toEqual(Array.from(tf.matMul(tf.ones([1, 300]), dy).dataSync()));
      expect(sumRows(dy).shape).toEqual([13]);
    });
  });

  it("affine's gradients with the kernel's Aᵀ·B match the cpu backend", async () => {
    const run = () => {
      const [x, w, b] = [[40, 12], [12, 9], [9]].map((shape, i) => tf.tensor(seededValues(50 + i, shape.reduce((p, d) => p * d, 1)), shape));
      const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(affine(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D))))([x!, w!, b!]);
      const out = grads.map((g) => g.dataSync().slice());
      tf.dispose([x!, w!, b!, ...grads]);
      return out;
    };
    const onWasm = run();
    await useBackend('cpu');
    const onCpu = run();
    await useBackend('wasm');
    onWasm.forEach((g, i) => expectClose(g, onCpu[i]!));
  });

  it('core/wasm/batch-matmul.generated.ts is what the .wat assembles to (else: npm run build:wasm-kernels)', async () => {
    const bytes = await assemble(readFileSync('core/wasm/batch-matmul.wat', 'utf8'));
    expect(readFileSync('core/wasm/batch-matmul.generated.ts', 'utf8')).toBe(generatedSource(bytes));
  });
});
