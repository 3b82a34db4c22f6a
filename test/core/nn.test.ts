import * as tf from '@tensorflow/tfjs';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { loadNetwork, saveNetwork } from '../../core/io/layers-io.js';
import { sha256 } from '../../core/io/sha256.js';
import { LayerNorm, LearnedPositional, Linear, affine } from '../../core/nn/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { maxAbsDiff } from '../helpers/tensors.js';

let dir: string;
beforeAll(async () => {
  await useBackend('wasm');
  dir = tempDir('headstart-nn-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


function applyLayer(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor {
  return layer.apply(x) as tf.Tensor;
}

describe('affine (custom gradient)', () => {
  it('value is x·W + b', () => {
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
    const y = affine(x, w, b);
    const ref = tf.add(tf.matMul(x, w), b);
    expect(y.shape).toEqual([5, 4]);
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-5);
    tf.dispose([x, w, b, y, ref]);
  });

  it("gradients for x, W and b equal tfjs's own matMul gradients", () => {
    const x = tf.randomNormal([7, 3], 0, 1, 'float32', 11) as tf.Tensor2D;
    const w = tf.randomNormal([3, 5], 0, 1, 'float32', 12) as tf.Tensor2D;
    const b = tf.randomNormal([5], 0, 1, 'float32', 13) as tf.Tensor1D;
    // A non-uniform upstream gradient so each gradient formula is exercised.
    const r = tf.randomNormal([7, 5], 0, 1, 'float32', 14);
    const ours = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(affine(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), r)));
    const theirs = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb), r)));
    const g1 = ours([x, w, b]);
    const g2 = theirs([x, w, b]);
    expect(g1.map((g) => g.shape)).toEqual([
      [7, 3],
      [3, 5],
      [5],
    ]);
    for (let i = 0; i < 3; i++) {
      expect(maxAbsDiff(g1[i]!, g2[i]!), `gradient ${i}`).toBeLessThan(1e-4);
      // Not trivially zero.
      expect(tf.tidy(() => tf.max(tf.abs(g1[i]!)).dataSync()[0]!)).toBeGreaterThan(1e-3);
    }
    tf.dispose([x, w, b, r, ...g1, ...g2]);
  });
});

describe('Linear', () => {
  it('maps the last axis of any-rank input; output equals x·W + b', () => {
    const layer = new Linear({ units: 5, seed: 3 });
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
    const y = applyLayer(layer, x);
    expect(y.shape).toEqual([2, 3, 5]);
    expect(layer.computeOutputShape([null, 3, 4])).toEqual([null, 3, 5]);
    const [k, b] = layer.getWeights();
    expect(k!.shape).toEqual([4, 5]);
    expect(b!.shape).toEqual([5]);
    const ref = tf.tidy(() => tf.reshape(tf.add(tf.matMul(tf.reshape(x, [6, 4]), k as tf.Tensor2D), b!), [2, 3, 5]));
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-5);
    const flat = applyLayer(layer, tf.reshape(x, [6, 4]));
    expect(flat.shape).toEqual([6, 5]);
    expect(maxAbsDiff(flat, tf.reshape(ref, [6, 5]))).toBeLessThan(1e-5);
    tf.dispose([x, y, ref, flat]);
  });

  it('seeded, zero-init and activations', () => {
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 2);
    const k = (l: Linear) => l.getWeights()[0]!.dataSync();
    const a = new Linear({ units: 6, seed: 7 });
    const b = new Linear({ units: 6, seed: 7 });
    const c = new Linear({ units: 6, seed: 8 });
    const z = new Linear({ units: 6, seed: 7, zeroInit: true });
    for (const l of [a, b, c, z]) applyLayer(l, x).dispose();
    expect(k(b)).toEqual(k(a));
    expect(k(c)).not.toEqual(k(a));
    expect(Array.from(k(z)).every((v) => v === 0)).toBe(true);
    expect(Array.from(k(a)).some((v) => v !== 0)).toBe(true);

    const lin = applyLayer(a, x);
    const relu = new Linear({ units: 6, seed: 7, activation: 'relu' });
    const gelu = new Linear({ units: 6, seed: 7, activation: 'gelu' });
    const tanh = new Linear({ units: 6, seed: 7, activation: 'tanh' });
    expect(maxAbsDiff(applyLayer(relu, x), tf.relu(lin))).toBeLessThan(1e-6);
    expect(maxAbsDiff(applyLayer(gelu, x), tf.mul(lin, tf.sigmoid(tf.mul(lin, 1.702))))).toBeLessThan(1e-5);
    expect(maxAbsDiff(applyLayer(tanh, x), tf.tanh(lin))).toBeLessThan(1e-6);
  });

  it('kernel and bias gradients inside a model equal the matMul reference', () => {
    const layer = new Linear({ units: 3, seed: 5 });
    const x = tf.randomNormal([4, 2, 6], 0, 1, 'float32', 9);
    const target = tf.randomNormal([4, 2, 3], 0, 1, 'float32', 10);
    applyLayer(layer, x).dispose();
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    expect(vars).toHaveLength(2);
    const loss = (y: tf.Tensor) => tf.mean(tf.square(tf.sub(y, target))) as tf.Scalar;
    const ours = tf.variableGrads(() => loss(applyLayer(layer, x)), vars);
    const [kernel, bias] = vars as [tf.Variable, tf.Variable];
    const theirs = tf.grads((k: tf.Tensor, b: tf.Tensor) => loss(tf.reshape(tf.add(tf.matMul(tf.reshape(x, [8, 6]), k as tf.Tensor2D), b), [4, 2, 3])));
    const [gk, gb] = theirs([kernel, bias]);
    expect(maxAbsDiff(ours.grads[kernel.name]!, gk!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(ours.grads[bias.name]!, gb!)).toBeLessThan(1e-5);
  });
});

describe('LayerNorm', () => {
  it('normalises the last axis (mean 0, variance 1) and applies gamma and beta', () => {
    const ln = new LayerNorm();
    const x = tf.add(tf.mul(tf.randomNormal([3, 4, 8], 0, 1, 'float32', 4), 5), 7);
    const y = applyLayer(ln, x);
    expect(y.shape).toEqual([3, 4, 8]);
    const { mean, variance } = tf.moments(y, -1);
    expect(tf.max(tf.abs(mean)).dataSync()[0]!).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(variance, 1))).dataSync()[0]!).toBeLessThan(1e-3);
    const gamma = tf.linspace(0.5, 2, 8);
    const beta = tf.linspace(-1, 1, 8);
    ln.setWeights([gamma, beta]);
    const y2 = applyLayer(ln, x);
    const m = tf.moments(x, -1, true);
    const ref = tf.add(tf.mul(tf.div(tf.sub(x, m.mean), tf.sqrt(tf.add(m.variance, 1e-5))), gamma), beta);
    expect(maxAbsDiff(y2, ref)).toBeLessThan(1e-4);
    expect(ln.getWeights().map((w) => w.shape)).toEqual([[8], [8]]);
  });

  it('a constant row maps to beta (epsilon keeps it finite)', () => {
    const ln = new LayerNorm({ epsilon: 1e-3 });
    const y = applyLayer(ln, tf.fill([2, 5], 3));
    expect(Array.from(y.dataSync())).toEqual(new Array(10).fill(0));
    expect(ln.getConfig().epsilon).toBe(1e-3);
  });
});

describe('LearnedPositional', () => {
  it('adds one [positions, width] table to every batch item', () => {
    const pos = new LearnedPositional({ seed: 2 });
    const x = tf.randomNormal([3, 4, 6], 0, 1, 'float32', 5);
    const y = applyLayer(pos, x);
    expect(y.shape).toEqual([3, 4, 6]);
    const [table] = pos.getWeights();
    expect(table!.shape).toEqual([4, 6]);
    const diff = tf.sub(y, x);
    for (let b = 0; b < 3; b++) {
      expect(maxAbsDiff(tf.squeeze(tf.slice(diff, [b, 0, 0], [1, 4, 6]), [0]), table!)).toBeLessThan(1e-6);
    }
    // Small random init, seeded.
    const t = Array.from(table!.dataSync());
    expect(t.some((v) => v !== 0)).toBe(true);
    expect(Math.max(...t.map(Math.abs))).toBeLessThan(0.2);
    const again = new LearnedPositional({ seed: 2 });
    applyLayer(again, x);
    expect(again.getWeights()[0]!.dataSync()).toEqual(table!.dataSync());
  });
});

describe('save and reload', () => {
  function buildModel(seed: number): tf.LayersModel {
    const input = tf.input({ shape: [6, 4] });
    let h = new Linear({ units: 8, activation: 'gelu', seed, name: 'embed' }).apply(input) as tf.SymbolicTensor;
    h = new LearnedPositional({ seed: seed + 1, name: 'pos' }).apply(h) as tf.SymbolicTensor;
    h = new LayerNorm({ epsilon: 1e-4, name: 'norm' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
    const out = new Linear({ units: 3, activation: 'tanh', seed: seed + 2, name: 'out' }).apply(h) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  }

  it('a model of Linear, LearnedPositional and LayerNorm reloads with identical outputs and config', async () => {
    const model = buildModel(10);
    // Move the weights away from their initialisers so the reload must read the saved values.
    model.setWeights(model.getWeights().map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.1, 'float32', 100 + i))));
    const hashes = await saveNetwork(model, dir, 'mixed');
    expect(hashes['mixed.json']).toBe(sha256(readFileSync(join(dir, 'mixed.json'))));
    expect(hashes['mixed.weights.bin']).toBe(sha256(readFileSync(join(dir, 'mixed.weights.bin'))));
    const loaded = await loadNetwork(dir, 'mixed', hashes);
    const x = tf.randomNormal([5, 6, 4], 0, 1, 'float32', 3);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(b.shape).toEqual([5, 3]);
    expect(b.dataSync()).toEqual(a.dataSync());
    expect(loaded.countParams()).toBe(model.countParams());
    const embed = loaded.getLayer('embed');
    expect(embed).toBeInstanceOf(Linear);
    expect((embed as Linear).activation).toBe('gelu');
    expect((embed as Linear).units).toBe(8);
    expect(loaded.getLayer('norm')).toBeInstanceOf(LayerNorm);
    expect((loaded.getLayer('norm') as LayerNorm).epsilon).toBe(1e-4);
    expect(loaded.getLayer('pos')).toBeInstanceOf(LearnedPositional);
    // A differently initialised model differs, so the equality above is not vacuous.
    const other = buildModel(20).predict(x) as tf.Tensor;
    expect(other.dataSync()).not.toEqual(a.dataSync());
  });

  it('the reloaded model trains: gradients flow through every custom layer', async () => {
    const model = buildModel(30);
    await saveNetwork(model, dir, 'trainable');
    const loaded = await loadNetwork(dir, 'trainable');
    const vars = loaded.trainableWeights.map((w) => w.read() as tf.Variable);
    expect(vars).toHaveLength(model.trainableWeights.length);
    const x = tf.randomNormal([4, 6, 4], 0, 1, 'float32', 8);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(loaded.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
    for (const v of vars) {
      const g = grads[v.name]!;
      expect(g.shape, v.name).toEqual(v.shape);
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      expect(tf.max(tf.abs(g)).dataSync()[0]!, v.name).toBeGreaterThan(0);
    }
  });
});
