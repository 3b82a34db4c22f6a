import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { seededValues } from '../helpers/fixtures.js';

interface RefCounts {
  refCount(dataId: tf.DataId): number;
}
const refCount = (t: tf.Tensor) => (tf.backend() as unknown as RefCounts).refCount(t.dataId);

/** A few Adam steps of a tiny two-layer net (mul, tanh, matMul save their inputs or outputs for the gradient), on the active backend. */
function trainTiny(): Float32Array[] {
  return tf.tidy(() => {
    const w1 = tf.variable(tf.tensor2d(seededValues(1, 12), [4, 3]));
    const w2 = tf.variable(tf.tensor2d(seededValues(2, 3), [3, 1]));
    const x = tf.tensor2d(seededValues(3, 20, 4), [5, 4]);
    const y = tf.tensor2d(seededValues(4, 5), [5, 1]);
    const opt = tf.train.adam(0.05);
    for (let s = 0; s < 5; s++) opt.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(tf.tanh(tf.mul(tf.matMul(x, w1), 1.5)), w2), y))) as tf.Scalar);
    const out = [w1.dataSync() as Float32Array, w2.dataSync() as Float32Array].map((a) => a.slice());
    opt.dispose();
    w1.dispose();
    w2.dispose();
    return out;
  });
}

describe('wasm kernels', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('Identity shares its input\'s memory: a clone counts one more reference, outlives its source, and frees it last', () => {
    const before = tf.memory().numBytes;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(refCount(x)).toBe(2);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });

  it('a variable assigned after a clone leaves the clone as it was', () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const kept = tf.clone(v);
    v.assign(tf.tensor1d([5, 6]));
    expect(Array.from(kept.dataSync())).toEqual([1, 2]);
    expect(Array.from(v.dataSync())).toEqual([5, 6]);
    kept.dispose();
    v.dispose();
  });

  it('gradients through tensors saved for the backward pass are right, and training matches the cpu backend', async () => {
    // d/dx Σ exp(x)·x = exp(x)·(1 + x): mul saves both inputs, exp its output.
    const x = tf.tensor1d([-1, 0, 0.5, 2]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.exp(t), t)))(x);
    Array.from(g.dataSync()).forEach((v, i) => {
      const xi = [-1, 0, 0.5, 2][i]!;
      expect(v).toBeCloseTo(Math.exp(xi) * (1 + xi), 5);
    });
    tf.dispose([x, g]);
    const numTensors = tf.memory().numTensors;
    const onWasm = trainTiny();
    expect(tf.memory().numTensors).toBe(numTensors);
    await useBackend('cpu');
    const onCpu = trainTiny();
    await useBackend('wasm');
    onWasm.forEach((a, i) => Array.from(a).forEach((v, j) => expect(v).toBeCloseTo(onCpu[i]![j]!, 5)));
  });
});
