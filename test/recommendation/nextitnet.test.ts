import * as tf from '@tensorflow/tfjs';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { ModelError } from '../../core/errors.js';
import { loadNetwork, saveNetwork } from '../../core/io/layers-io.js';
import { readWeightsManifest } from '../../core/io/weights-manifest.js';
import type { RecommendInput } from '../../plugins/recommendation/contracts.js';
import { Rng } from '../../core/random.js';
import { NEXTITNET_CONFIG, NEXTITNET_VERSION, NextitnetBackbone, NextitnetPretrainer } from '../../plugins/recommendation/backbones/nextitnet.js';
import { receptiveField } from '../../plugins/recommendation/backbones/nextitnet-network.js';
import { SasrecBackbone } from '../../plugins/recommendation/backbones/sasrec.js';
import { EVENT_FEATURES } from '../../plugins/recommendation/data/features.js';
import { CausalConv } from '../../plugins/recommendation/layers/causal-conv.js';
import { seededValues, tempDir } from '../helpers/fixtures.js';
import { maxAbsDiff } from '../helpers/tensors.js';

let dir: string;
beforeAll(async () => {
  await useBackend('wasm');
  dir = tempDir('headstart-nextitnet-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** A functional model around one causal conv: [x, mask] -> conv(x, mask). */
function convModel(units: number, kernelSize: number, dilation: number, seed: number): tf.LayersModel {
  const x = tf.input({ shape: [null, 4], name: 'x' });
  const mask = tf.input({ shape: [null], name: 'mask' });
  const y = new CausalConv({ units, kernelSize, dilation, activation: 'relu', seed, name: 'conv' }).apply([x, mask]) as tf.SymbolicTensor;
  return tf.model({ inputs: [x, mask], outputs: y });
}

/** Full-length histories of random events, for the whole-network checks. */
function fullInput(batch: number, T: number, seed: number): RecommendInput {
  return {
    items: tf.zeros([batch, T], 'int32') as tf.Tensor2D,
    mask: tf.ones([batch, T]) as tf.Tensor2D,
    events: tf.randomUniform([batch, T, EVENT_FEATURES], 0, 1, 'float32', seed) as tf.Tensor3D,
  };
}

/** `input` with the events of step `t` (every user) replaced by other random values. */
function changedAt(input: RecommendInput, steps: number[], seed: number): RecommendInput {
  const [B, T, F] = input.events.shape;
  const hit = tf.tensor3d(Array.from({ length: B * T * F }, (_, i) => (steps.includes(Math.floor(i / F) % T) ? 1 : 0)), [B, T, F]);
  const other = tf.randomUniform([B, T, F], 0, 1, 'float32', seed);
  return { ...input, events: tf.add(tf.mul(input.events, tf.sub(1, hit)), tf.mul(other, hit)) as tf.Tensor3D };
}

describe('CausalConv', () => {
  it('equals a left-padded dilated tf.conv1d (kernel rows oldest tap first) and zeroes padded input steps', () => {
    const model = convModel(3, 3, 2, 7);
    const x = tf.randomNormal([2, 9, 4], 0, 1, 'float32', 1) as tf.Tensor3D;
    const mask = tf.tensor2d([[1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 1, 1, 1, 1, 1]]);
    const [kernel, bias] = model.getLayer('conv').getWeights() as [tf.Tensor2D, tf.Tensor1D];
    const masked = tf.mul(x, tf.expandDims(mask, -1)) as tf.Tensor3D;
    const padded = tf.pad(masked, [[0, 0], [4, 0], [0, 0]]) as tf.Tensor3D;
    const reference = tf.relu(tf.add(tf.conv1d(padded, tf.reshape(kernel, [3, 4, 3]) as tf.Tensor3D, 1, 'valid', 'NWC', 2), bias));
    expect(maxAbsDiff(model.predict([x, mask]) as tf.Tensor, reference)).toBeLessThan(1e-5);
  });

  it('as one product and a shifted sum, agrees with im2col on the cpu backend (outputs and every gradient, dilation 2 and 8)', async () => {
    const run = (dilation: number) => {
      const model = convModel(6, 3, dilation, 11);
      const x = tf.tensor(Array.from(seededValues(12, 3 * 10 * 4)), [3, 10, 4]);
      const mask = tf.tensor2d([Array(10).fill(1), [0, 0, 1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]]);
      const w = tf.tensor(Array.from(seededValues(13, 3 * 10 * 6)), [3, 10, 6]);
      const f = () => tf.sum(tf.mul(model.apply([x, mask], { training: true }) as tf.Tensor, w)) as tf.Scalar;
      const y = (model.apply([x, mask]) as tf.Tensor).dataSync().slice();
      const { grads } = tf.variableGrads(f);
      const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(model.apply([xx, mask]) as tf.Tensor, w)))(x).dataSync().slice();
      const out = [y, dx, ...Object.values(grads).map((g) => g.dataSync().slice())];
      tf.dispose([x, mask, w, ...Object.values(grads)]);
      model.dispose();
      return out;
    };
    for (const dilation of [2, 8]) {
      const shifted = run(dilation);
      await useBackend('cpu');
      process.env.HEADSTART_CAUSAL_CONV = 'im2col';
      let im2col: Float32Array[] | undefined;
      try {
        im2col = run(dilation) as Float32Array[];
      } finally {
        delete process.env.HEADSTART_CAUSAL_CONV;
        await useBackend('wasm');
      }
      expect(shifted.length).toBe(4);
      shifted.forEach((a, i) => a.forEach((v, q) => expect(Math.abs(v - im2col![i]![q]!)).toBeLessThan(1e-5)));
    }
  });

  it('trains on wasm (finite gradients for input and kernel) and saves and reloads with the same outputs', async () => {
    const model = convModel(5, 3, 1, 3);
    const x = tf.variable(tf.randomNormal([2, 6, 4], 0, 1, 'float32', 2));
    const mask = tf.ones([2, 6]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply([x, mask], { training: true }) as tf.Tensor)) as tf.Scalar);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    expect(Object.keys(grads).length).toBe(3);
    const hashes = await saveNetwork(model, dir, 'conv');
    const again = await loadNetwork(dir, 'conv', hashes);
    const layer = again.getLayer('conv') as CausalConv;
    expect(layer).toBeInstanceOf(CausalConv);
    expect([layer.units, layer.kernelSize, layer.dilation, layer.activation]).toEqual([5, 3, 1, 'relu']);
    expect(maxAbsDiff(again.predict([x, mask]) as tf.Tensor, model.predict([x, mask]) as tf.Tensor)).toBe(0);
  });
});

describe('nextitnet-s network', () => {
  const backbone = new NextitnetBackbone();
  const T = NEXTITNET_CONFIG.contextLength;

  it('describes itself as a recommend backbone of the sasrec-s contract (context, width, inputs)', () => {
    const info = backbone.describe();
    const sasrec = new SasrecBackbone().describe();
    expect(info).toMatchObject({ id: 'nextitnet-s', version: NEXTITNET_VERSION, task: 'recommend', contextLength: sasrec.contextLength, embeddingSize: sasrec.embeddingSize });
    expect(receptiveField(NEXTITNET_CONFIG)).toBe(31);
  });

  it('is causal: states up to step t do not change when later events change; the encoding is [B, width]', async () => {
    const model = await backbone.build({ init: 'random', seed: 4 });
    const steps = (model as unknown as { encodeSteps(i: RecommendInput, t: boolean): tf.Tensor3D }).encodeSteps.bind(model);
    const input = fullInput(3, T, 1);
    const t = 20;
    const later = changedAt(input, [21, 25, T - 1], 9);
    const [a, b] = [input, later].map((i) => steps(i, false));
    expect(a!.shape).toEqual([3, T, NEXTITNET_CONFIG.width]);
    expect(maxAbsDiff(tf.slice(a!, [0, 0, 0], [3, t + 1, -1]), tf.slice(b!, [0, 0, 0], [3, t + 1, -1]))).toBe(0);
    expect(maxAbsDiff(tf.slice(a!, [0, 21, 0], [3, 1, -1]), tf.slice(b!, [0, 21, 0], [3, 1, -1]))).toBeGreaterThan(1e-4);
    const encoded = model.encode(input, false).hidden;
    expect(encoded.shape).toEqual([3, NEXTITNET_CONFIG.width]);
    expect(maxAbsDiff(encoded, tf.reshape(tf.slice(a!, [0, T - 1, 0], [3, 1, -1]), [3, -1]))).toBe(0);
    model.network.dispose();
  });

  it('the last state reads exactly the last 31 events (the receptive field of dilations 1, 2, 4, 8)', async () => {
    const model = await backbone.build({ init: 'random', seed: 6 });
    const input = fullInput(2, T, 3);
    const last = (i: RecommendInput) => model.encode(i, false).hidden;
    expect(maxAbsDiff(last(input), last(changedAt(input, [0], 5)))).toBe(0);
    expect(maxAbsDiff(last(input), last(changedAt(input, [1], 5)))).toBeGreaterThan(1e-5);
    model.network.dispose();
  });
});

describe('nextitnet-s pretrainer', () => {
  it('writes weights the nextitnet-s backbone loads and sasrec-s refuses by name', async () => {
    const rng = new Rng(3);
    const lines = ['user_id,item_id'];
    for (let u = 0; u < 20; u++) for (let t = 0, item = rng.int(10); t < 5; t++, item = (item + 1) % 10) lines.push(`u${u},i${item}`);
    const events = join(dir, 'events.csv');
    writeFileSync(events, lines.join('\n') + '\n');
    const out = join(dir, 'weights');
    const summary = await new NextitnetPretrainer().run({ events, steps: 2, batchSize: 8, learningRate: 1e-3, seed: 1, checkpointEvery: 2, head: { itemDim: 8, successors: 4 }, out, command: 'test' });
    expect(summary.parameters).toBe(new NextitnetBackbone().describe().parameters);
    expect(readWeightsManifest(out)).toMatchObject({ backbone: 'nextitnet-s', version: NEXTITNET_VERSION, config: { ...NEXTITNET_CONFIG } });
    const model = await NextitnetBackbone.at(out).build({ init: 'pretrained', seed: 1 });
    expect(model.pretrainedHead).toBeDefined();
    model.network.dispose();
    model.pretrainedHead!.network.dispose();
    const err = await SasrecBackbone.at(out).build({ init: 'pretrained', seed: 1 }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/weights are for nextitnet-s v1\.0\.0 .*but this code is sasrec-s v1\.0\.0/);
  }, 60_000);
});
