import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { FusedAdam } from '../../core/training/fused-adam.js';
import { ADAM_KERNEL, adamStep } from '../../core/wasm-adam.js';
import { seededValues } from '../helpers/fixtures.js';

type Grads = Parameters<tf.Optimizer['applyGradients']>[0];

describe('wasm Adam kernel (one pass per update)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is registered on wasm and runs in FusedAdam: one kernel per own-moment variable and one for the flat vectors', async () => {
    expect(tf.getKernel(ADAM_KERNEL, 'wasm')).toBeDefined();
    const vars = [tf.variable(tf.tensor(seededValues(1, 140_001), [140_001])), tf.variable(tf.tensor(seededValues(2, 7), [7]))];
    const opt = new FusedAdam(1e-3);
    const step = () => tf.tidy(() => opt.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(seededValues(10 + i, v.size), v.shape)])) as unknown as Grads));
    step();
    const profile = await tf.profile(() => step());
    expect(profile.kernels.filter((k) => k.name === ADAM_KERNEL).length).toBe(2);
    opt.dispose();
    tf.dispose(vars);
  });

  it('gives the bits of tf.train.adam on a large odd-sized variable (SIMD body and scalar tail), gradients over decades', async () => {
    const n = 131_075;
    const start = seededValues(3, n);
    const [a, b] = [tf.variable(tf.tensor1d(start)), tf.variable(tf.tensor1d(start))];
    const plain = tf.train.adam(3e-3);
    const fused = new FusedAdam(3e-3);
    for (let s = 0; s < 4; s++) {
      tf.tidy(() => {
        const g = tf.mul(tf.tensor1d(seededValues(20 + s, n)), tf.tensor1d(Float32Array.from({ length: n }, (_, i) => 10 ** ((i % 7) - 3))));
        plain.applyGradients([{ name: a.name, tensor: g }]);
        fused.applyGradients([{ name: b.name, tensor: g }]);
      });
    }
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);
    plain.dispose();
    fused.dispose();
  });

  it('is not taken on the cpu backend (tfjs expressions there)', async () => {
    await useBackend('cpu');
    try {
      tf.tidy(() => {
        const t = tf.ones([4]);
        expect(adamStep(t, t, t, t, tf.scalar(0.1), tf.scalar(0.001), { beta1: 0.9, beta2: 0.999, learningRate: 1e-3, epsilon: 1e-7 })).toBeNull();
      });
    } finally {
      await useBackend('wasm');
    }
  });
});
