import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import type { Backbone } from '../../core/interfaces/index.js';
import type { RankingCase, RecommendBaseline, RecommendInput } from '../../plugins/recommendation/contracts.js';
import { loadNetwork, saveNetwork } from '../../core/io/layers-io.js';
import { TaskModel } from '../../core/task/task-model.js';
import { STRATEGIES } from '../../core/training/strategies.js';
import { Trainer } from '../../core/training/trainer.js';
import { rankCases, summariseRanking } from '../../plugins/recommendation/evaluation/ranking-metrics.js';
import { builtinPlugins } from '../../plugins/index.js';
import { recommendationPlugin } from '../../plugins/recommendation/module.js';
import { SASREC_CONFIG, SasrecBackbone } from '../../plugins/recommendation/backbones/sasrec.js';
import { NextitnetBackbone } from '../../plugins/recommendation/backbones/nextitnet.js';
import { NextItemHead, type NextItemHeadModel } from '../../plugins/recommendation/heads/next-item-head.js';
import { NextItemExamples, samplingProbabilities } from '../../plugins/recommendation/data/examples.js';
import { EVENT_FEATURES, EventFeaturizer } from '../../plugins/recommendation/data/features.js';
import { fitCatalogueStats, fitNeighbours, fitTransitions } from '../../plugins/recommendation/data/stats.js';
import { modelScorer } from '../../plugins/recommendation/scoring.js';
import { Rng } from '../../core/random.js';

let dir: string;
beforeAll(async () => {
  await useBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'headstart-rec-model-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 20;
/** Synthetic log: the next item is usually (last + 1) mod 20, sometimes a random one. */
function synthetic(users: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: users }, () => {
    const n = 5 + rng.int(6);
    const s = [rng.int(N)];
    while (s.length < n) s.push(rng.next() < 0.8 ? (s[s.length - 1]! + 1) % N : rng.int(N));
    return s;
  });
}

const encodeValues = (m: { encode(i: RecommendInput, t: boolean): { hidden: tf.Tensor2D } }, input: RecommendInput) => {
  const h = tf.tidy(() => m.encode(input, false).hidden);
  const out = { shape: h.shape, data: h.dataSync() as Float32Array };
  h.dispose();
  return out;
};

describe('plugin registration', () => {
  it('is a built-in plugin registering backbone, head, evaluator, baselines and adapter', () => {
    const registry = registryOf(createContainer(builtinPlugins));
    expect(registry.ids('backbone')).toContain('sasrec-s');
    expect(registry.ids('head')).toContain('next-item');
    expect(registry.ids('evaluator')).toContain('ranking-metrics');
    expect(registry.ids('baseline')).toEqual(expect.arrayContaining(['cooccurrence', 'markov', 'most-popular']));
    expect(registry.ids('adapter')).toContain('events');
    const mine = [...registry.all('backbone'), ...registry.all('head'), ...registry.all('evaluator'), ...registry.all('baseline'), ...registry.all('adapter')].filter((r) => r.owner === 'recommendation');
    expect(mine.map((r) => `${r.kind}:${r.id}`).sort()).toEqual(['adapter:events', 'backbone:nextitnet-s', 'backbone:sasrec-s', 'baseline:cooccurrence', 'baseline:markov', 'baseline:most-popular', 'evaluator:ranking-metrics', 'head:next-item', 'head:user-class']);
    for (const r of mine) expect((r.component as { id: string }).id).toBe(r.id);
    expect(registry.get<Backbone<RecommendInput>>('backbone', 'sasrec-s').describe().task).toBe('recommend');
    expect(registry.get<RecommendBaseline>('baseline', 'markov').task).toBe('recommend');
  });

  it('loaded twice, fails with the duplicate-id error naming the plugin', () => {
    expect(() => registryOf(createContainer([...builtinPlugins, recommendationPlugin]))).toThrow(/duplicate .* registered by plugin "recommendation" and by plugin "recommendation"/);
  });
});

// Every event encoder keeps the same contract, so the same checks run on each family.
describe.each([
  ['sasrec-s', SasrecBackbone],
  ['nextitnet-s', NextitnetBackbone],
] as const)('%s backbone', (id, Encoder) => {
  const backbone = new Encoder();

  it('describes itself; the random network matches; encodings are [B, width], seeded and input-dependent', async () => {
    const info = backbone.describe();
    expect(info).toMatchObject({ id, task: 'recommend', contextLength: SASREC_CONFIG.contextLength, embeddingSize: SASREC_CONFIG.width });
    expect(info.hasWeights).toBe(existsSync(join(backbone.weightsDir, 'manifest.json')));
    const a = await backbone.build({ init: 'random', seed: 1 });
    const b = await backbone.build({ init: 'random', seed: 1 });
    const c = await backbone.build({ init: 'random', seed: 2 });
    expect(a.network.countParams()).toBe(info.parameters);
    expect(a.pretrainedHead).toBeUndefined();
    const input = backbone.exampleInput(4, 3);
    expect(input.events.shape).toEqual([4, SASREC_CONFIG.contextLength, EVENT_FEATURES]);
    const [ea, eb, ec] = [a, b, c].map((m) => encodeValues(m, input));
    expect(ea!.shape).toEqual([4, info.embeddingSize]);
    expect(Array.from(ea!.data).every(Number.isFinite)).toBe(true);
    expect(eb!.data).toEqual(ea!.data);
    expect(ec!.data).not.toEqual(ea!.data);
    expect(ea!.data.subarray(0, 64)).not.toEqual(ea!.data.subarray(64, 128));
    // exampleInput is deterministic per seed.
    const again = backbone.exampleInput(4, 3);
    expect(encodeValues(a, again).data).toEqual(ea!.data);
    // Shorter padding gives the same encoding: cutting leading padding steps changes nothing.
    const T = SASREC_CONFIG.contextLength;
    const lengths = (input.mask.sum(1).dataSync() as Float32Array).map((v) => v);
    const keep = Math.max(...lengths);
    const cut: RecommendInput = {
      items: tf.slice(input.items, [0, T - keep], [4, keep]),
      mask: tf.slice(input.mask, [0, T - keep], [4, keep]),
      events: tf.slice(input.events, [0, T - keep, 0], [4, keep, EVENT_FEATURES]),
    };
    const ecut = encodeValues(a, cut);
    Array.from(ecut.data).forEach((v, i) => expect(v).toBeCloseTo(ea!.data[i]!, 4));
    tf.dispose([input, again, cut] as unknown as tf.TensorContainer);
    for (const m of [a, b, c]) m.network.dispose();
  });

  it('wrap() of a saved and reloaded network reproduces the encoding; pretrained without weights is a clear error', async () => {
    const m = await backbone.build({ init: 'random', seed: 5 });
    const hashes = await saveNetwork(m.network, dir, 'backbone');
    const wrapped = backbone.wrap(await loadNetwork(dir, 'backbone', hashes));
    expect(wrapped.info).toEqual(backbone.describe());
    const input = backbone.exampleInput(3, 1);
    expect(encodeValues(wrapped, input).data).toEqual(encodeValues(m, input).data);
    await expect(Encoder.at(join(dir, 'no-weights')).build({ init: 'pretrained', seed: 1 })).rejects.toThrow(/no weights manifest/);
    m.network.dispose();
    wrapped.network.dispose();
  });
});

describe('training and evaluation on a tiny synthetic log', () => {
  const sequences = synthetic(80, 1);
  const train = sequences.map((s) => s.slice(0, -2));
  const validation: RankingCase[] = sequences.map((s, u) => ({ user: u, history: s.slice(0, -2), target: s[s.length - 2]! }));
  const test: RankingCase[] = sequences.map((s, u) => ({ user: u, history: s.slice(0, -1), target: s[s.length - 1]! }));
  const transitions = fitTransitions(train, N);
  const stats = fitCatalogueStats(train, N, 8, transitions, fitNeighbours(train, N, 64));
  const featurizer = new EventFeaturizer(stats, transitions);
  const L = SASREC_CONFIG.contextLength;
  const config = { head: 'next-item', embeddingSize: SASREC_CONFIG.width, outputs: N, covariates: [], options: { itemDim: 16, successors: 8 } };

  async function model(seed: number) {
    const backbone = await new SasrecBackbone().build({ init: 'random', seed });
    const head = new NextItemHead().create(config, { seed: seed + 1 }) as NextItemHeadModel;
    head.setStatistics(stats);
    return new TaskModel(backbone, head);
  }

  it('examples: one per position after the first; batches padded to the longest history, targets held out', () => {
    const set = NextItemExamples.fromSequences(train.map((items) => ({ items })), featurizer, { contextLength: L, holdOutTargets: true });
    expect(set.size).toBe(train.reduce((n, s) => n + Math.max(0, s.length - 1), 0));
    const b = set.batch([0, 1]);
    // Example 0 has one history event, example 1 two: T = 2, example 0 left-padded.
    expect(b.input.items.shape).toEqual([2, 2]);
    expect(Array.from(b.input.mask.dataSync())).toEqual([0, 1, 1, 1]);
    expect(Array.from(b.input.items.dataSync())).toEqual([0, train[0]![0]!, train[0]![0]!, train[0]![1]!]);
    expect(Array.from(b.target.dataSync())).toEqual([train[0]![1]!, train[0]![2]!]);
    expect(Array.from(b.input.heldOut!.dataSync())).toEqual([train[0]![1]!, train[0]![2]!]);
    const cases = NextItemExamples.fromCases(test.slice(0, 3), featurizer, { contextLength: 4, holdOutTargets: false });
    const cb = cases.batch([0, 1, 2]);
    expect(cb.input.items.shape[1]).toBeLessThanOrEqual(4);
    expect(Array.from(cb.input.heldOut!.dataSync())).toEqual([-1, -1, -1]);
    expect(Array.from(cb.target.dataSync())).toEqual(test.slice(0, 3).map((c) => c.target));
    const sampled = NextItemExamples.fromSequences(train.map((items) => ({ items })), featurizer, { contextLength: L, holdOutTargets: true, sampled: { negatives: 5, probabilities: samplingProbabilities(stats.counts), seed: 1 } });
    const sb = sampled.batch([0, 1, 2]);
    expect(sb.input.sampled!.logQ.shape).toEqual([3, 6]);
    expect(Array.from(sb.target.dataSync())).toEqual([0, 0, 0]);
  });

  it('scratch training lowers the loss and beats popularity on held-out next items', async () => {
    const m = await model(3);
    const trainSet = NextItemExamples.fromSequences(train.map((items) => ({ items })), featurizer, { contextLength: L, holdOutTargets: true });
    const valSet = NextItemExamples.fromCases(validation, featurizer, { contextLength: L, holdOutTargets: false });
    const result = await new Trainer().fit(m, STRATEGIES.scratch, trainSet, valSet, { seed: 1, epochs: 4, batchSize: 32, learningRate: 3e-3, patience: 4 });
    const h = result.history;
    // h[0] is the start; the epochs follow.
    expect(h.length).toBeGreaterThanOrEqual(3);
    expect(h[h.length - 1]!.trainLoss!).toBeLessThan(h[1]!.trainLoss!);
    expect(result.bestEpoch).toBeGreaterThan(0);
    expect(result.bestValLoss).toBeLessThan(Math.log(N));
    const ranked = rankCases(modelScorer(m, featurizer, L), test, N, (c) => `u${c.user}`, { batchSize: 32 });
    const ours = summariseRanking(ranked).aggregate;
    const pop = new (await import('../../plugins/recommendation/baselines/most-popular.js')).MostPopularBaseline().fit({ catalogueSize: N, sequences: train });
    const popular = summariseRanking(rankCases((b) => pop.scoreBatch(b.map((c) => c.history)), test, N, (c) => `u${c.user}`)).aggregate;
    expect(ours['NDCG@5']!).toBeGreaterThan(popular['NDCG@5']!);
    m.dispose();
  });

  it('probe (frozen backbone, cached encodings) trains only the head', async () => {
    const m = await model(4);
    m.backbone.network.trainable = false;
    const before = m.backbone.network.getWeights().map((w) => w.dataSync().slice());
    const trainSet = NextItemExamples.fromSequences(train.map((items) => ({ items })), featurizer, { contextLength: L, holdOutTargets: true });
    const valSet = NextItemExamples.fromCases(validation, featurizer, { contextLength: L, holdOutTargets: false });
    const result = await new Trainer().fit(m, STRATEGIES.probe, trainSet, valSet, { seed: 1, epochs: 2, batchSize: 64, learningRate: 3e-3, patience: 2 });
    expect(result.history[result.history.length - 1]!.trainLoss!).toBeLessThan(result.history[1]!.trainLoss! + 1e-3);
    expect(result.trainableParameters).toBe(m.trainableParameters(false));
    m.backbone.network.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(before[i]));
    m.dispose();
  });
});
