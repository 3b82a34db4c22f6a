import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { loadNetwork, saveNetwork } from '../../core/io/layers-io.js';
import { CausalSelfAttention } from '../../plugins/recommendation/layers/causal-attention.js';
import { ItemEmbedding } from '../../plugins/recommendation/layers/item-embedding.js';
import { bmm, gatherRows, scatterAdd, scoreAll } from '../../plugins/recommendation/layers/ops.js';
import { MaskSteps, RecentPositional, SeededDropout } from '../../plugins/recommendation/layers/sequence.js';
import { leftMask, maxAbsDiff, values } from '../helpers/tensors.js';

let dir: string;
beforeAll(async () => {
  await useBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'headstart-rec-layers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** A functional model around one attention layer: [x, mask] -> attention(x, mask). */
function attentionModel(units: number, heads: number, seed: number): tf.LayersModel {
  const x = tf.input({ shape: [null, units], name: 'x' });
  const mask = tf.input({ shape: [null], name: 'mask' });
  const y = new CausalSelfAttention({ units, heads, seed, name: 'att' }).apply([x, mask]) as tf.SymbolicTensor;
  return tf.model({ inputs: [x, mask], outputs: y });
}

/** The same attention written with plain tf ops and tfjs's own gradients, for comparison. */
function referenceAttention(layer: CausalSelfAttention, x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor {
  const [B, T, d] = x.shape;
  const h = layer.heads;
  const dh = d / h;
  const [wq, wk, wv, wo, bq, bk, bv, bo] = layer.getWeights() as tf.Tensor2D[];
  const proj = (w: tf.Tensor2D, b: tf.Tensor) => tf.transpose(tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * T, d]), w), b), [B, T, h, dh]), [0, 2, 1, 3]);
  const scores = tf.div(tf.matMul(proj(wq!, bq!), proj(wk!, bk!), false, true), Math.sqrt(dh));
  const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
  const allowed = tf.mul(tf.reshape(causal, [1, 1, T, T]), tf.reshape(mask, [B, 1, 1, T]));
  const p = tf.softmax(tf.add(scores, tf.mul(tf.sub(1, allowed), -1e9)));
  const ctx = tf.reshape(tf.transpose(tf.matMul(p, proj(wv!, bv!)), [0, 2, 1, 3]), [B * T, d]);
  return tf.mul(tf.reshape(tf.add(tf.matMul(ctx, wo!), bo!), [B, T, d]), tf.expandDims(mask, -1));
}

describe('CausalSelfAttention', () => {
  it('matches a plain-tf reference in value and input gradient (1 and 2 heads)', () => {
    for (const heads of [1, 2]) {
      const model = attentionModel(8, heads, 3);
      const layer = model.getLayer('att') as CausalSelfAttention;
      const x = tf.randomNormal([3, 5, 8], 0, 1, 'float32', 1) as tf.Tensor3D;
      const mask = leftMask([5, 3, 1], 5);
      const r = tf.randomNormal([3, 5, 8], 0, 1, 'float32', 2);
      const ours = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(model.apply([xx, mask]) as tf.Tensor, r)));
      const theirs = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(referenceAttention(layer, xx as tf.Tensor3D, mask), r)));
      expect(maxAbsDiff(model.apply([x, mask]) as tf.Tensor, referenceAttention(layer, x, mask)), `${heads} heads value`).toBeLessThan(1e-4);
      expect(maxAbsDiff(ours(x), theirs(x)), `${heads} heads gradient`).toBeLessThan(1e-3);
      model.dispose();
    }
  });

  it('is causal: a step never sees later steps, nor padded ones', () => {
    const model = attentionModel(8, 2, 5);
    const T = 6;
    const x = tf.randomNormal([1, T, 8], 0, 1, 'float32', 3);
    const mask = leftMask([4], T);
    const y = model.apply([x, mask]) as tf.Tensor;
    // Change the last step: outputs of earlier steps stay.
    const changedLast = tf.concat([tf.slice(x, [0, 0, 0], [1, T - 1, 8]), tf.randomNormal([1, 1, 8], 0, 1, 'float32', 9)], 1);
    const y2 = model.apply([changedLast, mask]) as tf.Tensor;
    expect(maxAbsDiff(tf.slice(y, [0, 0, 0], [1, T - 1, 8]), tf.slice(y2, [0, 0, 0], [1, T - 1, 8]))).toBeLessThan(1e-6);
    expect(maxAbsDiff(tf.slice(y, [0, T - 1, 0], [1, 1, 8]), tf.slice(y2, [0, T - 1, 0], [1, 1, 8]))).toBeGreaterThan(1e-3);
    // Change a padded step (the first two are padding): real steps do not move.
    const changedPad = tf.concat([tf.randomNormal([1, 2, 8], 0, 5, 'float32', 11), tf.slice(x, [0, 2, 0], [1, T - 2, 8])], 1);
    const y3 = model.apply([changedPad, mask]) as tf.Tensor;
    expect(maxAbsDiff(y, y3)).toBeLessThan(1e-6);
    // Padded steps output zeros.
    expect(values(tf.slice(y, [0, 0, 0], [1, 2, 8])).every((v) => v === 0)).toBe(true);
    model.dispose();
  });

  it('saves and reloads (saveNetwork/loadNetwork): same config, same weights, same output', async () => {
    const model = attentionModel(16, 4, 7);
    const x = tf.randomNormal([2, 7, 16], 0, 1, 'float32', 4);
    const mask = leftMask([7, 2], 7);
    const before = model.apply([x, mask]) as tf.Tensor;
    const hashes = await saveNetwork(model, dir, 'attention');
    const reloaded = await loadNetwork(dir, 'attention', hashes);
    const layer = reloaded.getLayer('att') as CausalSelfAttention;
    expect(layer).toBeInstanceOf(CausalSelfAttention);
    expect(layer.getConfig()).toEqual((model.getLayer('att') as CausalSelfAttention).getConfig());
    expect(layer.heads).toBe(4);
    expect(values(reloaded.apply([x, mask]) as tf.Tensor)).toEqual(values(before));
    // Any sequence length runs through the reloaded network.
    expect((reloaded.apply([tf.slice(x, [0, 0, 0], [2, 3, 16]), leftMask([3, 1], 3)]) as tf.Tensor).shape).toEqual([2, 3, 16]);
    model.dispose();
    reloaded.dispose();
  });

  it('rejects a width that heads do not divide', () => {
    expect(() => new CausalSelfAttention({ units: 10, heads: 3 })).toThrow(/multiple of 3 heads/);
  });
});

describe('sequence layers', () => {
  it('RecentPositional gives the latest step the last row whatever the padded length; MaskSteps zeroes padding', () => {
    const layer = new RecentPositional({ maxLength: 4, seed: 1 });
    const zeros3 = tf.zeros([1, 3, 2]);
    const out3 = layer.apply(zeros3) as tf.Tensor;
    const table = layer.getWeights()[0]!;
    expect(values(out3)).toEqual(values(tf.slice(table, [1, 0], [3, 2])));
    expect(values(layer.apply(tf.zeros([1, 4, 2])) as tf.Tensor)).toEqual(values(table));
    expect(() => layer.apply(tf.zeros([1, 5, 2]))).toThrow(/longer than the positional table/);
    const masked = new MaskSteps().apply([tf.ones([1, 3, 2]), tf.tensor2d([[0, 1, 1]])]) as tf.Tensor;
    expect(values(masked)).toEqual([0, 0, 1, 1, 1, 1]);
  });

  it('SeededDropout: identity at inference; a new but reproducible mask at every training call', () => {
    const x = tf.ones([4, 50]);
    const a = new SeededDropout({ rate: 0.5, seed: 3 });
    const b = new SeededDropout({ rate: 0.5, seed: 3 });
    expect(values(a.apply(x) as tf.Tensor)).toEqual(values(x));
    const a1 = values(a.apply(x, { training: true }) as tf.Tensor);
    const a2 = values(a.apply(x, { training: true }) as tf.Tensor);
    const b1 = values(b.apply(x, { training: true }) as tf.Tensor);
    expect(a1).toEqual(b1);
    expect(a2).not.toEqual(a1);
    expect(new Set(a1)).toEqual(new Set([0, 2]));
  });
});

describe('wasm-fast gradients', () => {
  it("the embedding gradient (scatterND) equals tfjs's gather gradient on the cpu backend, duplicates summed", async () => {
    await tf.setBackend('cpu');
    try {
      const table = tf.randomNormal([6, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
      const ids = tf.tensor2d([[1, 4, 1], [0, 1, 5]], [2, 3], 'int32');
      const r = tf.randomNormal([2, 3, 3], 0, 1, 'float32', 2);
      const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, ids), r)))(table);
      const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), r)))(table);
      expect(maxAbsDiff(ours, theirs)).toBeLessThan(1e-6);
      // Row 1 appears three times: its gradient is the sum of three upstream rows.
      expect(tf.tidy(() => tf.max(tf.abs(tf.slice(ours, [1, 0], [1, 3]))).dataSync()[0]!)).toBeGreaterThan(0);
      expect(values(tf.slice(ours, [2, 0], [2, 3]))).toEqual([0, 0, 0, 0, 0, 0]);
      // The layer is that lookup.
      const layer = new ItemEmbedding({ items: 6, units: 3, seed: 4 });
      const looked = layer.apply(ids) as tf.Tensor;
      expect(values(looked)).toEqual(values(gatherRows(layer.embeddings(), ids)));
    } finally {
      await tf.setBackend('wasm');
    }
    expect(tf.getBackend()).toBe('wasm');
  });

  it('ItemEmbedding looks rows up, clips out-of-range ids, serialises its config', () => {
    const layer = new ItemEmbedding({ items: 5, units: 2, initializer: 'normal', seed: 9 });
    const out = layer.apply(tf.tensor2d([[0, 4, 7]], [1, 3], 'int32')) as tf.Tensor;
    const table = layer.embeddings();
    expect(out.shape).toEqual([1, 3, 2]);
    expect(values(out).slice(2, 4)).toEqual(values(tf.slice(table, [4, 0], [1, 2])));
    expect(values(out).slice(4, 6)).toEqual(values(tf.slice(table, [4, 0], [1, 2])));
    expect(layer.getConfig()).toMatchObject({ items: 5, units: 2, initializer: 'normal', seed: 9 });
    const zero = new ItemEmbedding({ items: 3, units: 2, initializer: 'zeros' });
    expect(values(zero.apply(tf.tensor1d([1], 'int32')) as tf.Tensor)).toEqual([0, 0]);
  });

  it('scatterAdd, bmm and scoreAll gradients equal dense tfjs equivalents', () => {
    const r = tf.randomNormal([2, 4], 0, 1, 'float32', 3);
    const idx = tf.tensor2d([[0, 1], [1, 3], [0, 1]], [3, 2], 'int32');
    const u = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(scatterAdd(idx, x as tf.Tensor1D, [2, 4]), r)))(u);
    const rv = r.arraySync() as number[][];
    expect(values(g)).toEqual([rv[0]![1]!, rv[1]![3]!, rv[0]![1]!].map((v) => Math.fround(v)));
    expect(values(scatterAdd(idx, u, [2, 4]))).toEqual([0, 4, 0, 0, 0, 0, 0, 2]);

    const a = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 4) as tf.Tensor3D;
    const b = tf.randomNormal([3, 5, 2], 0, 1, 'float32', 5) as tf.Tensor3D;
    const rb = tf.randomNormal([3, 4, 2], 0, 1, 'float32', 6);
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(bmm(x as tf.Tensor3D, y as tf.Tensor3D), rb)))([a, b]);
    const theirs = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D), rb)))([a, b]);
    ours.forEach((o, i) => expect(maxAbsDiff(o, theirs[i]!)).toBeLessThan(1e-4));

    const uu = tf.randomNormal([3, 4], 0, 1, 'float32', 7) as tf.Tensor2D;
    const e = tf.randomNormal([6, 4], 0, 1, 'float32', 8) as tf.Tensor2D;
    const bias = tf.randomNormal([6], 0, 1, 'float32', 9) as tf.Tensor1D;
    const rs = tf.randomNormal([3, 6], 0, 1, 'float32', 10);
    const o2 = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(scoreAll(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor1D), rs)))([uu, e, bias]);
    const t2 = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(x, y, false, true), z), rs)))([uu, e, bias]);
    o2.forEach((o, i) => expect(maxAbsDiff(o, t2[i]!)).toBeLessThan(1e-4));
  });
});
