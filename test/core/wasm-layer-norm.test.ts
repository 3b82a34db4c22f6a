import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { LayerNorm } from '../../core/nn/index.js';
import { fusedLayerNorm, LAYER_NORM } from '../../core/wasm-layer-norm.js';
import { seededValues } from '../helpers/fixtures.js';

/** LayerNorm's tf ops, as core/nn/layer-norm.ts runs them without the kernel. */
function composed(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

describe('HeadstartLayerNorm (wasm, one pass)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is registered for wasm', () => {
    expect(tf.getKernel(LAYER_NORM, 'wasm')).toBeDefined();
  });

  it('gives the tf ops\' bits: rank 2 and 3, rows and d not multiples of 4, shifted and scaled rows', () => {
    for (const shape of [[256, 32, 64], [4, 1], [5, 7], [9, 3, 13], [1030, 33], [6, 96]]) {
      tf.tidy(() => {
        const d = shape.at(-1)!;
        const size = shape.reduce((p, v) => p * v, 1);
        const x = tf.add(tf.mul(tf.tensor(seededValues(size, size), shape), 3), 0.7);
        const gamma = tf.tensor1d(seededValues(d + 1, d));
        const beta = tf.tensor1d(seededValues(d + 2, d));
        const got = fusedLayerNorm(x, gamma, beta, 1e-5);
        expect(got).not.toBeNull();
        expect(got!.shape).toEqual(shape);
        expect(Array.from(got!.dataSync())).toEqual(Array.from(composed(x, gamma, beta, 1e-5).dataSync()));
      });
    }
  });

  it('leaves the tf ops in place under a gradient, on other backends, and below 4 rows', async () => {
    tf.tidy(() => {
      const g = tf.ones([8]);
      const b = tf.zeros([8]);
      expect(fusedLayerNorm(tf.ones([3, 8]), g, b, 1e-5)).toBeNull();
      let inside: tf.Tensor | null = tf.scalar(0);
      tf.grad((x: tf.Tensor) => {
        inside = fusedLayerNorm(x, g, b, 1e-5);
        return tf.sum(x);
      })(tf.ones([16, 8]));
      expect(inside).toBeNull();
    });
    await useBackend('cpu');
    expect(tf.tidy(() => fusedLayerNorm(tf.ones([16, 8]), tf.ones([8]), tf.zeros([8]), 1e-5))).toBeNull();
    await useBackend('wasm');
  });

  it('LayerNorm: same output in inference and under a gradient, and gradients equal to the cpu backend', async () => {
    const shape = [6, 5, 12];
    const size = 6 * 5 * 12;
    const xs = seededValues(11, size, 2);
    const dys = seededValues(12, size);
    const run = () => {
      const ln = new LayerNorm({ name: 'ln_test' });
      ln.build(shape);
      ln.getWeights()[0]!.assign(tf.tensor1d(seededValues(13, 12)));
      ln.getWeights()[1]!.assign(tf.tensor1d(seededValues(14, 12)));
      const out = tf.tidy(() => {
        const x = tf.tensor(xs, shape);
        const dy = tf.tensor(dys, shape);
        const plain = ln.apply(x) as tf.Tensor;
        let taped: tf.Tensor | undefined;
        const grads = tf.variableGrads(() => {
          const y = ln.apply(x) as tf.Tensor;
          taped = tf.keep(y.clone());
          return tf.sum(tf.mul(y, dy)) as tf.Scalar;
        }, ln.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
        const dx = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(ln.apply(z) as tf.Tensor, dy)))(x);
        return [plain, taped!, dx, ...Object.values(grads.grads)].map((t) => Array.from(t.dataSync()));
      });
      for (const w of ln.weights) w.dispose();
      return out;
    };
    const wasm = run();
    expect(wasm[0]).toEqual(wasm[1]); // the kernel's output is the tf ops' bits
    await useBackend('cpu');
    const cpu = run();
    await useBackend('wasm');
    for (let i = 0; i < wasm.length; i++) {
      const worst = wasm[i]!.reduce((mx, v, j) => Math.max(mx, Math.abs(v - cpu[i]![j]!)), 0);
      expect(worst).toBeLessThan(1e-4);
    }
  });
});
