import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { seededValues } from '../helpers/fixtures.js';
import '@tensorflow/tfjs-backend-wasm';
import { initWasmBackend, wasmThreadsWanted } from '../../core/wasm-threads.js';

// tfjs-backend-wasm registers 'wasm' on import; keep its factory to start the backend afresh.
const factory = tf.findBackendFactory('wasm')!;

function restartWasm(): void {
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, 2);
}

/**
 * Three Adam steps of a small net on the shapes XNNPACK parallelises: a dense layer, batched
 * attention-like matmuls with softmax, a projection. Returns the losses and the final weights.
 */
async function trainSteps(): Promise<{ losses: number[]; weights: Float32Array[] }> {
  const w1 = tf.variable(tf.tensor2d(seededValues(1, 96 * 256, 0.2), [96, 256]));
  const b1 = tf.variable(tf.zeros([256]));
  const w2 = tf.variable(tf.tensor2d(seededValues(2, 64 * 8, 0.2), [64, 8]));
  const x = tf.tensor2d(seededValues(3, 128 * 96), [128, 96]);
  const y = tf.tensor2d(seededValues(4, 128 * 4 * 8), [128 * 4, 8]);
  const opt = tf.train.adam(1e-2);
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    const loss = opt.minimize(() => {
      const h = tf.relu(tf.add(tf.matMul(x, w1), b1)).reshape([128, 4, 64]);
      const att = tf.softmax(tf.matMul(h, h, false, true).div(8));
      const mixed = tf.matMul(att, h).reshape([128 * 4, 64]);
      return tf.losses.meanSquaredError(y, tf.matMul(mixed, w2));
    }, true)!;
    losses.push((await loss.data())[0]!);
    loss.dispose();
  }
  const weights = await Promise.all([w1, b1, w2].map(async (v) => (await v.data()) as Float32Array));
  tf.dispose([w1, b1, w2, x, y]);
  opt.dispose();
  return { losses, weights };
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (Math.abs(a[i]!) + 1e-3));
  return worst;
}

describe('multi-threaded wasm backend', () => {
  afterAll(() => {
    // Stops the pool's workers so this test process ends promptly.
    restartWasm();
  });

  it('reads HEADSTART_WASM_THREADS', () => {
    expect(wasmThreadsWanted({ HEADSTART_WASM_THREADS: '1' })).toBe(1);
    expect(wasmThreadsWanted({ HEADSTART_WASM_THREADS: '3' })).toBe(3);
    expect(wasmThreadsWanted({ HEADSTART_WASM_THREADS: '64' })).toBe(8);
    expect(wasmThreadsWanted({})).toBe(1);
    expect(wasmThreadsWanted({ HEADSTART_WASM_THREADS: 'auto' })).toBeGreaterThanOrEqual(1);
    expect(() => wasmThreadsWanted({ HEADSTART_WASM_THREADS: 'two' })).toThrow(/HEADSTART_WASM_THREADS/);
  });

  it('trains to the same numbers on 2 threads as on 1', async () => {
    const single = await initWasmBackend(1);
    expect(single).toMatchObject({ threads: 1 });
    const one = await trainSteps();

    restartWasm();
    const multi = await initWasmBackend(2);
    // Threads are wanted even on a 1-CPU machine here: the mechanism, not the speed, is under test.
    expect(multi && multi.threads, multi ? multi.notes.join('; ') : 'no backend').toBe(2);
    const pthread = (tf.backend() as unknown as { wasm: { PThread: { runningWorkers: unknown[] } } }).wasm.PThread;
    expect(pthread.runningWorkers.length).toBeGreaterThanOrEqual(1);
    // The interceptions are undone once the backend is up.
    expect(String(URL.createObjectURL(new Blob(['x'], { type: 'application/javascript' })))).toMatch(/^blob:/);
    const two = await trainSteps();

    for (let i = 0; i < one.losses.length; i++) expect(two.losses[i]).toBeCloseTo(one.losses[i]!, 5);
    for (let i = 0; i < one.weights.length; i++) expect(maxRelDiff(one.weights[i]!, two.weights[i]!)).toBeLessThan(1e-4);
  });
});
