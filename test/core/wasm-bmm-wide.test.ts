import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { matMulBias, originalBatchMatMul, planBatchMatMul, simdTransposed, WIDE } from '../../core/wasm-batch-matmul.js';
import { affine } from '../../core/nn/index.js';
import { scoreAll } from '../../plugins/recommendation/layers/ops.js';
import { seededValues } from '../helpers/fixtures.js';

/** tfjs-backend-wasm's own product (XNNPACK for one matrix) on the same inputs. */
function original(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  const info = originalBatchMatMul()!({ inputs: { a, b }, backend: tf.backend(), attrs: { transposeA, transposeB } }) as tf.TensorInfo;
  return tf.engine().makeTensorFromTensorInfo(info);
}

describe('wasm BatchMatMul in column panels for a wide B (WIDE), and with its bias in one kernel', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('plans column panels for a wide B with a small A only', () => {
    expect(planBatchMatMul([256, 64], [64, 12101], false, false)).toMatchObject({ panels: true, m: 256, n: 12101, k: 64 });
    expect(planBatchMatMul([256, 64], [12101, 64], false, true)).toMatchObject({ panels: true, n: 12101 });
    expect(planBatchMatMul([64, 64], [64, 64], false, false)).toMatchObject({ panels: false }); // B in cache: the tile kernel
    expect(planBatchMatMul([2048, 64], [64, 12101], false, false)).toBeNull(); // A past WIDE.maxA
    expect(planBatchMatMul([8, 600], [600, 500], false, false)).toBeNull(); // k past WIDE.maxK
    expect(WIDE.maxA).toBeGreaterThanOrEqual(256 * 64);
  });

  it('gives XNNPACK\'s bits on the next-item head and odd sizes, B plain or transposed', () => {
    // m not a multiple of 4, n not a multiple of 8 nor of a panel group, k odd.
    for (const [m, k, n] of [[256, 64, 12101], [5, 37, 9001], [7, 64, 4100], [4, 130, 2017]] as const) {
      tf.tidy(() => {
        const a = tf.tensor2d(seededValues(m + n, m * k), [m, k]);
        const b = tf.tensor2d(seededValues(k + 1, k * n), [k, n]);
        const bt = tf.transpose(b);
        expect(planBatchMatMul(a.shape, b.shape, false, false)?.panels).toBe(true);
        expect(simdTransposed(a, bt, false, true)).toBe(true);
        const want = Array.from(original(a, b, false, false).dataSync());
        expect(Array.from(tf.matMul(a, b).dataSync())).toEqual(want);
        expect(Array.from(tf.matMul(a, bt, false, true).dataSync())).toEqual(want);
      });
    }
  });

  it('scoreAll (u·eᵀ + bias, e read in place) has the cpu backend\'s values and gradients', async () => {
    const [B, E, N] = [6, 64, 4200]; // k·n past SINGLE: the panel path
    const u = seededValues(3, B * E);
    const e = seededValues(4, N * E, 0.2);
    const bias = seededValues(5, N, 0.1);
    const dy = seededValues(6, B * N);
    const run = () =>
      tf.tidy(() => {
        const [tu, te, tb, tdy] = [tf.tensor2d(u, [B, E]), tf.tensor2d(e, [N, E]), tf.tensor1d(bias), tf.tensor2d(dy, [B, N])];
        const value = scoreAll(tu, te, tb);
        const grads = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(scoreAll(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor1D), tdy)))([tu, te, tb]);
        return [value, ...grads].map((t) => Array.from(t.dataSync()));
      });
    const onWasm = run();
    await useBackend('cpu');
    const onCpu = run();
    await useBackend('wasm');
    for (let i = 0; i < onWasm.length; i++) {
      const [w, c] = [onWasm[i]!, onCpu[i]!];
      expect(w.length).toBe(c.length);
      const worst = w.reduce((mx, v, j) => Math.max(mx, Math.abs(v - c[j]!) / (1 + Math.abs(c[j]!))), 0);
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('matMulBias: the bits of matMul then Add, tiles and panels, B plain or transposed; null outside the envelope', () => {
    for (const [m, k, n] of [[4352, 96, 192], [9, 17, 33], [256, 64, 12101], [5, 37, 9001]] as const) {
      tf.tidy(() => {
        const a = tf.tensor2d(seededValues(m, m * k), [m, k]);
        const b = tf.tensor2d(seededValues(k, k * n), [k, n]);
        const bias = tf.tensor1d(seededValues(n, n));
        const want = Array.from(tf.add(original(a, b, false, false), bias).dataSync());
        expect(Array.from(matMulBias(a, b, bias)!.dataSync())).toEqual(want);
        expect(Array.from(matMulBias(a, tf.transpose(b) as tf.Tensor2D, bias, true)!.dataSync())).toEqual(want);
      });
    }
    tf.tidy(() => {
      expect(matMulBias(tf.ones([3, 8]) as tf.Tensor2D, tf.ones([8, 8]) as tf.Tensor2D, tf.ones([8]) as tf.Tensor1D)).toBeNull(); // m < 4
      expect(matMulBias(tf.ones([4, 8]) as tf.Tensor2D, tf.ones([8, 8]) as tf.Tensor2D, tf.ones([7]) as tf.Tensor1D)).toBeNull(); // bias not [n]
    });
  });

  it('affine (x·W + b in one kernel) has the cpu backend\'s values and gradients', async () => {
    const [R, K, N] = [37, 24, 40];
    const [x, w, b, dy] = [seededValues(21, R * K), seededValues(22, K * N), seededValues(23, N), seededValues(24, R * N)];
    const run = () =>
      tf.tidy(() => {
        const [tx, tw, tb, tdy] = [tf.tensor2d(x, [R, K]), tf.tensor2d(w, [K, N]), tf.tensor1d(b), tf.tensor2d(dy, [R, N])];
        const value = affine(tx, tw, tb);
        const grads = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(affine(p as tf.Tensor2D, q as tf.Tensor2D, r as tf.Tensor1D), tdy)))([tx, tw, tb]);
        return [value, ...grads].map((t) => Array.from(t.dataSync()));
      });
    const onWasm = run();
    await useBackend('cpu');
    const onCpu = run();
    await useBackend('wasm');
    for (let i = 0; i < onWasm.length; i++) {
      const worst = onWasm[i]!.reduce((mx, v, j) => Math.max(mx, Math.abs(v - onCpu[i]![j]!) / (1 + Math.abs(onCpu[i]![j]!))), 0);
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('HEADSTART_WASM_BMM_WIDE=off is a documented switch', async () => {
    const mod = await import('../../core/wasm-batch-matmul.js');
    expect(mod.WASM_BMM_WIDE_ENV).toBe('HEADSTART_WASM_BMM_WIDE');
  });
});
