import * as tf from '@tensorflow/tfjs';
import { NextItemScorer } from '../../plugins/recommendation/layers/next-item-scorer.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { loadNetwork, saveNetwork } from '../../core/io/layers-io.js';
import { CANDIDATE_FEATURE_NAMES } from '../../plugins/recommendation/layers/next-item-scorer.js';
import { NextItemHead, type NextItemHeadModel } from '../../plugins/recommendation/heads/next-item-head.js';
import { fitCatalogueStats, fitNeighbours, fitTransitions, itemCounts } from '../../plugins/recommendation/data/stats.js';
import { CooccurrenceScorer } from '../../plugins/recommendation/baselines/cooccurrence.js';
import { leftMask, maxAbsDiff, values } from '../helpers/tensors.js';

let dir: string;
beforeAll(async () => {
  await useBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'headstart-rec-scorer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('NextItemScorer and the next-item head', () => {
  // Catalogue of 5; training sequences give counts [2, 4, 2, 1, 0] and transitions 0->1 ×2, 1->2 ×2, 1->3, 2->1.
  const seqs = [[0, 1, 2], [0, 1, 3], [1, 2, 1]];
  // Co-occurrence (1 / distance, both orders, no self pairs): 0: {1: 2, 2: .5, 3: .5}; 1: {0: 2, 2: 3, 3: 1}; top 2 kept.
  const stats = fitCatalogueStats(seqs, 5, 3, undefined, fitNeighbours(seqs, 5, 2));
  const headKind = new NextItemHead();
  // The single-softmax scorer: its logits are the hand-computed feature sums below (the mixture has its own test).
  const config = { head: 'next-item', embeddingSize: 4, outputs: 5, options: { itemDim: 3, successors: 3, neighbours: 2, mixture: false } };

  /** A head whose scores are one candidate feature alone: zero item embeddings, gate bias = one-hot(channel). */
  function featureHead(channel: number): NextItemHeadModel {
    const warm = headKind.create(config, { seed: 1 });
    const head = headKind.create(config, { seed: 1, warmStart: warm }) as NextItemHeadModel;
    warm.network.dispose();
    head.setStatistics(stats);
    const w = head.scorer.getWeights();
    w[0] = tf.zeros(w[0]!.shape);
    w[1] = tf.oneHot(tf.tensor1d([channel], 'int32'), 6).reshape([6]).toFloat();
    // Weights 9-10 (after the other trainable ones): the co-occurrence gate (channel 6 here).
    w[9] = tf.zeros(w[9]!.shape);
    w[10] = tf.fill([1], channel === 6 ? 1 : 0);
    if (channel === 6) w[1] = tf.zeros([6]);
    head.scorer.setWeights(w);
    return head;
  }

  const input = (items: number[][], lengths: number[], heldOut?: number[]) => {
    const T = items[0]!.length;
    return {
      items: tf.tensor2d(items, [items.length, T], 'int32'),
      mask: leftMask(lengths, T),
      events: tf.zeros([items.length, T, 9]) as tf.Tensor3D,
      heldOut: heldOut ? tf.tensor1d(heldOut, 'int32') : undefined,
    };
  };
  const enc = (B: number) => ({ hidden: tf.randomNormal([B, 4], 0, 1, 'float32', 5) as tf.Tensor2D });
  const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));

  it('declares six ID-agnostic candidate features', () => {
    expect(CANDIDATE_FEATURE_NAMES).toHaveLength(6);
  });

  it('popularity: log(1 + count) / log(1 + max count); a held-out target loses its own event', () => {
    const head = featureHead(0);
    const lm = Math.log1p(4);
    const pop = [2, 4, 2, 1, 0].map((c) => Math.log1p(c) / lm);
    close(values(head.predict(enc(1), input([[0, 1]], [2]), false)), pop);
    const held = values(head.predict(enc(1), input([[0, 1]], [2], [3]), false));
    close(held, [pop[0]!, pop[1]!, pop[2]!, 0, 0]);
  });

  it('transition probability from the last item, with the training target removed from the counts', () => {
    const head = featureHead(1);
    // Last item 1: successors 2 (2 of 3), 3 (1 of 3).
    close(values(head.predict(enc(1), input([[0, 1]], [2]), false)), [0, 0, 2 / 3, 1 / 3, 0]);
    // Held-out target 2: counts 2 -> 1, outgoing 3 -> 2.
    close(values(head.predict(enc(1), input([[0, 1]], [2], [2]), false)), [0, 0, 1 / 2, 1 / 2, 0]);
    // A padded last step (empty history) contributes nothing.
    close(values(head.predict(enc(1), input([[0, 1]], [0]), false)), [0, 0, 0, 0, 0]);
  });

  it('second-last item transitions and repeats with recency', () => {
    // Second-last item 0 was followed by 1 (2 of 2).
    close(values(featureHead(3).predict(enc(1), input([[0, 3]], [2]), false)), [0, 1, 0, 0, 0]);
    // History [2, 4, 2]: item 2 twice, item 4 once.
    close(values(featureHead(4).predict(enc(1), input([[2, 4, 2]], [3]), false)), [0, 0, 2, 0, 1]);
    close(values(featureHead(5).predict(enc(1), input([[2, 4, 2]], [3]), false)), [0, 0, 1 + 1 / 3, 0, 1 / 2]);
    // Ids outside the catalogue (e.g. another catalogue's items) are ignored like padding.
    close(values(featureHead(4).predict(enc(1), input([[2, 9]], [2]), false)), [0, 0, 1, 0, 0]);
  });

  it('co-occurrence votes of the recent history: Σ (1 / steps ago) · weight / total, the training target\'s own pairs removed', () => {
    const head = featureHead(6);
    // History [0, 1]: item 0 is 2 steps before the target, item 1 one step.
    // 0 gets 1·2/6 (from 1); 1 gets ½·2/3 (from 0); 2 gets ½·.5/3 + 1·3/6; 3 is in neither top-2 list.
    close(values(head.predict(enc(1), input([[0, 1]], [2]), false)), [1 / 3, 1 / 3, 7 / 12, 0, 0]);
    // Held-out target 2: its pairs with 1 (weight 1) and 0 (weight ½) leave the weights and totals.
    close(values(head.predict(enc(1), input([[0, 1]], [2], [2]), false)), [2 / 5, 2 / 2.5 / 2, 2 / 5, 0, 0]);
  });

  it('id dropout 1 scores training rows without item embeddings (bias and features still score); inference drops nothing', () => {
    const scored = (training: boolean) => {
      const head = headKind.create({ ...config, options: { ...config.options, idDropout: 1 } }, { seed: 3 }) as NextItemHeadModel;
      head.setStatistics(stats);
      const w = head.scorer.getWeights();
      w[7] = tf.randomNormal(w[7]!.shape, 0, 1, 'float32', 14); // output item embeddings
      w[8] = tf.randomNormal([5], 0, 1, 'float32', 15); // item bias
      head.scorer.setWeights(w);
      const out = values(head.predict(enc(1), input([[0, 1]], [2]), training));
      const featuresOnly = (() => {
        head.scorer.setWeights(w.map((x, i) => (i === 7 || i === 8 ? tf.zerosLike(x) : x)));
        return values(head.predict(enc(1), input([[0, 1]], [2]), false));
      })();
      head.network.dispose();
      return { out, featuresOnly, bias: Array.from(w[8]!.dataSync()) };
    };
    const dropped = scored(true);
    close(dropped.out, dropped.featuresOnly.map((v, j) => v + dropped.bias[j]!));
    const inference = scored(false);
    expect(maxAbsDiff(tf.tensor1d(inference.out), tf.tensor1d(inference.featuresOnly.map((v, j) => v + inference.bias[j]!)))).toBeGreaterThan(1e-3);
  });

  it('full-catalogue logits equal the sampled path scored on every item (same function)', () => {
    const head = headKind.create(config, { seed: 3 }) as NextItemHeadModel;
    head.setStatistics(stats);
    const w = head.scorer.getWeights();
    w[1] = tf.randomNormal([6], 0, 1, 'float32', 12);
    w[8] = tf.randomNormal([5], 0, 0.5, 'float32', 13);
    w[10] = tf.fill([1], 0.7);
    head.scorer.setWeights(w);
    const inp = input([[0, 1, 2], [4, 4, 3]], [3, 2], [3, -1]);
    const e = enc(2);
    const full = head.predict(e, inp, false);
    const all = tf.tensor2d([[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]], [2, 5], 'int32');
    const subset = head.scorer.scoreCandidates([e.hidden, inp.items, inp.mask, tf.reshape(inp.heldOut!, [2, 1])], all, false);
    expect(maxAbsDiff(full, subset)).toBeLessThan(1e-5);
    // Sampled softmax: positives in column 0, logQ subtracted, accidental hits masked.
    const sampled = head.predict(e, { ...inp, sampled: { positives: tf.tensor1d([2, 3], 'int32'), negatives: tf.tensor1d([0, 3], 'int32'), logQ: tf.zeros([2, 3]) } }, false);
    const s = sampled.arraySync() as number[][];
    const f = full.arraySync() as number[][];
    close(s[0]!, [f[0]![2]!, f[0]![0]!, f[0]![3]!]);
    expect(s[1]![2]!).toBeLessThan(-1e8);
    expect(head.loss(sampled, tf.zeros([2], 'int32')).dataSync()[0]).toBeGreaterThan(0);
  });

  it('cross-entropy: finite, lower for the best-scored target; predictions survive save/reload with statistics', async () => {
    const head = headKind.create(config, { seed: 4 }) as NextItemHeadModel;
    head.setStatistics(stats);
    const inp = input([[0, 1]], [2]);
    const e = enc(1);
    const logits = head.predict(e, inp, false);
    const best = tf.argMax(logits, 1);
    const worst = tf.argMin(logits, 1);
    const lBest = head.loss(logits, best).dataSync()[0]!;
    const lWorst = head.loss(logits, worst).dataSync()[0]!;
    expect(Number.isFinite(lBest)).toBe(true);
    expect(lBest).toBeLessThan(lWorst);
    const manual = tf.tidy(() => tf.neg(tf.gather(tf.logSoftmax(logits).reshape([5]), best.cast('int32'))).dataSync()[0]!);
    expect(lBest).toBeCloseTo(manual, 5);
    // The target is one column index per row, not a regression target of the logits' shape.
    expect(() => head.loss(logits, tf.randomNormal([1, 5]))).toThrow(/one column index per row.*target \[1, 5\]/);
    const hashes = await saveNetwork(head.network, dir, 'head');
    const reloaded = headKind.wrap(config, await loadNetwork(dir, 'head', hashes));
    expect(values(reloaded.predict(e, inp, false))).toEqual(values(logits));
    expect((reloaded as NextItemHeadModel).scorer.getConfig()).toMatchObject({ items: 5, itemDim: 3, successors: 3 });
  });

  it('warm start copies the ID-agnostic weights only; a new catalogue starts with zero output embeddings', () => {
    const source = headKind.create(config, { seed: 5 }) as NextItemHeadModel;
    const sourceWeights = source.scorer.getWeights();
    sourceWeights[10] = tf.fill([1], 1.5);
    sourceWeights[9] = tf.randomNormal(sourceWeights[9]!.shape, 0, 1, 'float32', 8);
    source.scorer.setWeights(sourceWeights);
    const bigger = headKind.create({ ...config, outputs: 7 }, { seed: 6, warmStart: source }) as NextItemHeadModel;
    const sw = source.scorer.getWeights();
    const bw = bigger.scorer.getWeights();
    for (let i = 0; i < 6; i++) expect(values(bw[i]!)).toEqual(values(sw[i]!));
    // The co-occurrence gate (9-10) reads only the encoding too: copied, whatever its position.
    for (const i of [9, 10]) expect(values(bw[i]!)).toEqual(values(sw[i]!));
    expect(values(sw[10]!)).toEqual([1.5]);
    expect(values(bw[7]!).every((v) => v === 0)).toBe(true);
    // Same catalogue size: still only the ID-agnostic weights (item rows are the new catalogue's own).
    const same = headKind.create(config, { seed: 7, warmStart: source }) as NextItemHeadModel;
    expect(values(same.scorer.getWeights()[7]!).every((v) => v === 0)).toBe(true);
    expect(() => bigger.setStatistics(stats)).toThrow(/statistics cover 5 items, the scorer 7/);
  });

  it('a scorer config with a removed experimental option (a head saved with twoHop) is refused with a clear message, not misread', () => {
    // tfjs rebuilds a saved layer from its config through this constructor.
    expect(() => new NextItemScorer({ items: 5, itemDim: 4, successors: 2, twoHop: true } as ConstructorParameters<typeof NextItemScorer>[0])).toThrow(/twoHop.*no longer has/);
    expect(() => new NextItemScorer({ items: 5, itemDim: 4, successors: 2, twoHop: false } as ConstructorParameters<typeof NextItemScorer>[0])).not.toThrow();
  });

  it('a counting share trains through log((1 − r)·p_model + r·p_counting), p_counting the counting baseline normalised', () => {
    const counting = new CooccurrenceScorer(fitTransitions(seqs, 5), fitNeighbours(seqs, 5, 2), itemCounts(seqs, 5));
    const pc = Array.from(counting.scoreBatch([[0, 1]]));
    const total = pc.reduce((a, b) => a + b, 0);
    for (const historyLast of [false, true]) {
      const head = headKind.create({ ...config, options: { ...config.options, countingShare: 0.3, historyLast } }, { seed: 3 }) as NextItemHeadModel;
      head.setStatistics(stats);
      const e = enc(1);
      const inp = input([[0, 1]], [2]);
      const logits = values(head.predict(e, inp, false));
      const m = Math.max(...logits);
      const z = logits.reduce((a, v) => a + Math.exp(v - m), 0);
      const seen = historyLast ? [0, 1] : [];
      const counted = pc.map((v, j) => (seen.includes(j) ? 0 : v));
      const sum = historyLast ? counted.reduce((a, b) => a + b, 0) : total;
      const expected = logits.map((v, j) => Math.log(0.7 * (Math.exp(v - m) / z) + 0.3 * (counted[j]! / sum)));
      close(values(head.predict(e, inp, true)), expected);
      // Inference scores the model alone: the counting part is combined at ranking time.
      expect(values(head.predict(e, inp, false))).toEqual(logits);
      head.network.dispose();
    }
  });

  it('a counting gate scores log((1 − ρ)·p_model + ρ·p_counting) in training and ranking, ρ per user, and ranks as counting when ρ → 1', () => {
    const counting = new CooccurrenceScorer(fitTransitions(seqs, 5), fitNeighbours(seqs, 5, 2), itemCounts(seqs, 5));
    const plain = headKind.create(config, { seed: 3 }) as NextItemHeadModel;
    const gated = headKind.create({ ...config, options: { ...config.options, countingGate: true } }, { seed: 3 }) as NextItemHeadModel;
    for (const h of [plain, gated]) h.setStatistics(stats);
    const e = enc(2);
    const inp = input([[0, 1], [1, 2]], [2, 2]);
    const model = values(plain.predict(e, inp, false));
    const rows = [[0, 1], [1, 2]].map((hist) => Array.from(counting.scoreBatch([hist])));
    const expectedAt = (rho: number[]) =>
      [0, 1].flatMap((b) => {
        const m = model.slice(b * 5, b * 5 + 5);
        const mx = Math.max(...m);
        const z = m.reduce((a, v) => a + Math.exp(v - mx), 0);
        const pc = rows[b]!;
        const sum = pc.reduce((a, v) => a + v, 0);
        return m.map((v, j) => Math.log((1 - rho[b]!) * (Math.exp(v - mx) / z) + rho[b]! * (pc[j]! / sum)));
      });
    // The gate's weights (encoding kernel, feature kernel, bias) start at zero: ρ = ½ for every user.
    close(values(gated.predict(e, inp, false)), expectedAt([0.5, 0.5]));
    close(values(gated.predict(e, inp, true)), expectedAt([0.5, 0.5]));
    // The gate reads the encoding: a kernel on its first unit gives each user its own ρ.
    const w = gated.scorer.getWeights();
    const at = (name: string) => gated.scorer.weights.findIndex((v) => v.originalName.endsWith(`/${name}`) || v.originalName.includes(`/${name}_`));
    const e0 = values(e.hidden).filter((_, i) => i % 4 === 0);
    w[at('counting_gate_kernel')] = tf.tensor2d([[1], [0], [0], [0]]);
    w[at('counting_gate_bias')] = tf.tensor1d([0.2]);
    gated.scorer.setWeights(w);
    close(values(gated.predict(e, inp, false)), expectedAt(e0.map((x) => 1 / (1 + Math.exp(-(x + 0.2))))));
    // ρ → 1: the ranking is counting's.
    w[at('counting_gate_bias')] = tf.tensor1d([40]);
    gated.scorer.setWeights(w);
    const scores = values(gated.predict(e, inp, false));
    for (const b of [0, 1]) {
      const order = (xs: number[]) => xs.map((v, j) => [v, j] as const).filter(([v]) => v > -20).sort((a, c) => c[0] - a[0]).map(([, j]) => j);
      expect(order(scores.slice(b * 5, b * 5 + 5))).toEqual(order(rows[b]!.map((v) => Math.log(v))));
    }
    expect(() => gated.predict(e, { ...inp, sampled: { positives: tf.tensor1d([1, 2], 'int32'), negatives: tf.tensor1d([3], 'int32'), logQ: tf.zeros([1]) } }, true)).toThrow(/full softmax/);
    expect(() => headKind.create({ ...config, options: { ...config.options, countingGate: true, loss: 'sampled' } }, { seed: 1 })).toThrow(/counting-gated next-item head needs the full softmax loss/);
    plain.network.dispose();
    gated.network.dispose();
  });

  it('its fresh weights are a new catalogue\'s item rows, none once same-catalogue transfer copied them', () => {
    const source = headKind.create(config, { seed: 4 }) as NextItemHeadModel;
    const head = headKind.create(config, { seed: 4, warmStart: source }) as NextItemHeadModel;
    const names = (vs: tf.Variable[]) => vs.map((v) => v.name.replace(/^.*\//, '').replace(/_\d+$/, '')).sort();
    expect(names(head.freshVariables())).toEqual(['item_bias', 'item_in', 'item_out']);
    expect(head.importItems(source, Int32Array.from([0, 1, 2, 3, 4]))).toBe(5);
    expect(head.freshVariables()).toEqual([]);
    source.network.dispose();
    head.network.dispose();
  });

  it('the counting gate reads how far the item embeddings separate candidates: nothing before a new catalogue is trained', () => {
    const gatedConfig = { ...config, options: { ...config.options, countingGate: true } };
    const source = headKind.create(gatedConfig, { seed: 4 }) as NextItemHeadModel;
    // A warm-started head on a new catalogue: output item embeddings at zero, as zero-shot ranks.
    const fresh = headKind.create(gatedConfig, { seed: 4, warmStart: source }) as NextItemHeadModel;
    const e = enc(2);
    const inp = input([[0, 1], [1, 2]], [2, 2]);
    const spreadWeight = (h: NextItemHeadModel, v: number) => {
      const i = h.scorer.weights.findIndex((w) => w.originalName.includes('counting_gate_feature_kernel'));
      const w = h.scorer.getWeights();
      w[i] = tf.tensor2d([0, 0, 0, 0, 0, v], [6, 1]);
      h.scorer.setWeights(w);
    };
    for (const [h, moves] of [[source, true], [fresh, false]] as const) {
      h.setStatistics(stats);
      spreadWeight(h, 0);
      const before = values(h.predict(e, inp, false));
      spreadWeight(h, 50);
      const after = values(h.predict(e, inp, false));
      expect(maxAbsDiff(tf.tensor1d(before), tf.tensor1d(after)) > 1e-3).toBe(moves);
      h.network.dispose();
    }
  });


  it('a gated user scores the same whatever the batch is padded to (a sharded run ranks as a local one)', () => {
    const gated = headKind.create({ ...config, options: { ...config.options, countingGate: true } }, { seed: 6 }) as NextItemHeadModel;
    gated.setStatistics(stats);
    const w = gated.scorer.getWeights();
    const i = gated.scorer.weights.findIndex((v) => v.originalName.includes('counting_gate_feature_kernel'));
    // Every descriptor moves ρ, so any one that read the batch's width would show.
    w[i] = tf.fill([6, 1], 2);
    gated.scorer.setWeights(w);
    const e = enc(1);
    // The same history [0, 1], padded on the left to width 2 (alone) and width 4 (beside a longer one).
    const alone = values(gated.predict(e, input([[0, 1]], [2]), false));
    const padded = values(gated.predict(e, input([[0, 0, 0, 1]], [2]), false));
    close(padded, alone);
    gated.network.dispose();
  });
  describe('mixture scoring', () => {
    const mixConfig = { ...config, options: { ...config.options, mixture: true } };
    /** A mixture head: zero item embeddings, item bias `bias`, gate on P(j | last) only, π = σ(0.3). */
    function mixtureHead(bias: number[]): NextItemHeadModel {
      const head = headKind.create(mixConfig, { seed: 8 }) as NextItemHeadModel;
      head.setStatistics(stats);
      const w = head.scorer.getWeights();
      w[0] = tf.zeros(w[0]!.shape);
      w[1] = tf.tensor1d([0, 2, 0, 0, 0, 0]);
      w[7] = tf.zeros(w[7]!.shape);
      w[8] = tf.tensor1d(bias);
      w[9] = tf.zeros(w[9]!.shape);
      w[10] = tf.zeros([1]);
      // The mixture gate comes last among the trainable weights.
      w[11] = tf.zeros(w[11]!.shape);
      w[12] = tf.fill([1], 0.3);
      head.scorer.setWeights(w);
      return head;
    }
    const softmax = (xs: number[]) => {
      const m = Math.max(...xs);
      const e = xs.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / z);
    };

    it('scores log(π·softmax over the evidence candidates + (1 − π)·softmax over the catalogue)', () => {
      const bias = [0.1, -0.2, 0.4, 0, 0.5];
      const head = mixtureHead(bias);
      // History [0, 1]: candidates are 1 (after 0), 2 and 3 (after 1; P 2/3, 1/3) and the co-occurring 0, 1, 2; item 4 is named by nothing.
      const out = values(head.predict(enc(1), input([[0, 1]], [2]), false));
      const evidence = [0, 0, 2 * (2 / 3), 2 * (1 / 3), 0];
      const named = [true, true, true, true, false];
      const candidates = softmax(bias.map((b, j) => (named[j] ? b + evidence[j]! : -1e9)));
      const catalogue = softmax(bias);
      const pi = 1 / (1 + Math.exp(-0.3));
      close(out, catalogue.map((c, j) => Math.log(pi * candidates[j]! + (1 - pi) * c)));
      // Log-probabilities: every row sums to one.
      expect(out.reduce((a, v) => a + Math.exp(v), 0)).toBeCloseTo(1, 5);
      head.network.dispose();
    });

    it('a history that names no candidate scores by the catalogue part alone; the sampled loss is refused', () => {
      const bias = [0.3, 0.1, -0.4, 0.2, 0];
      const head = mixtureHead(bias);
      // Item 4 has no successors and no co-occurring items.
      close(values(head.predict(enc(1), input([[4]], [1]), false)), softmax(bias).map(Math.log));
      head.network.dispose();
      expect(() => headKind.create({ ...mixConfig, options: { ...mixConfig.options, loss: 'sampled' } }, { seed: 1 })).toThrow(/mixture next-item head needs the full softmax loss/);
    });

    it('trains (finite gradients for π and the gates) and survives save/reload', async () => {
      const head = mixtureHead([0, 0, 0, 0, 0]);
      const inp = input([[0, 1], [4, 2]], [2, 2], [2, 3]);
      const e = enc(2);
      const vars = head.scorer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => head.loss(head.predict(e, inp, true), tf.tensor1d([2, 3], 'int32')), vars);
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      const g = Object.values(grads);
      expect(g.every((t) => values(t).every(Number.isFinite))).toBe(true);
      const before = values(head.predict(e, inp, false));
      const hashes = await saveNetwork(head.network, dir, 'mixture-head');
      const reloaded = headKind.wrap(mixConfig, await loadNetwork(dir, 'mixture-head', hashes)) as NextItemHeadModel;
      expect(reloaded.scorer.mixture).toBe(true);
      expect(values(reloaded.predict(e, inp, false))).toEqual(before);
    });
  });
});
