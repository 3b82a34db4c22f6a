import * as tf from '@tensorflow/tfjs';
import { affine } from '../../../core/nn/index.js';
import type { CatalogueStats } from '../contracts.js';
import { gatherRows, logAddExp, logSigmoidPair, scoreAll, stopGradient } from './ops.js';
import type { SparseHelpers } from './counting-mixture.js';
import { countingLogProbs, countingMixture, gatedCountingMixture, sparseHelpers } from './counting-mixture.js';
import { CANDIDATE_FEATURE_NAMES, GATE_LENGTH_SCALE, NEIGHBOUR_STEPS, type NextItemScorerArgs } from './next-item-scorer-args.js';

export { CANDIDATE_FEATURE_NAMES, NEIGHBOUR_STEPS, type NextItemScorerArgs } from './next-item-scorer-args.js';

const C = CANDIDATE_FEATURE_NAMES.length;

/**
 * ids == other (both float32 item ids, other broadcast over trailing axes of size 1) as bool.
 * Compared as other − ids == 0: exact for ids below 2^24, and on wasm a broadcasting Equal runs a
 * scalar loop with index arithmetic per element (11 ms for [256, 8, 64] against [256, 1, 1]) where the
 * broadcasting float Sub (XNNPACK) and an Equal with a scalar take ~0.3 ms.
 */
function sameIds(ids: tf.Tensor, other: tf.Tensor): tf.Tensor {
  return tf.equal(tf.sub(ids, other), 0);
}
/** Per-user inputs of the counting gate besides the encoding (countingGateFeatures). */
export const COUNTING_GATE_FEATURES = ['history_length', 'last_repeated', 'last_transitions', 'cooccurring_candidates', 'counting_confidence', 'id_score_spread'] as const;

/**
 * Scores every catalogue item for a batch: [encoding [B, d], items [B, T], mask [B, T], heldOut [B, 1]]
 * -> logits [B, items].
 *
 * logit(j) = uᵀ·out_j + bias_j + Σ_c gate_c(h) · feature_c(j), with u = W·h + attention readout of the
 * history's input item embeddings (queried by h). The item embeddings and biases are the new
 * per-catalogue parameters; the gates, user and query maps read only the transferable encoding h.
 * Statistics are non-trainable weights (saved with the model), filled by setStatistics. Sparse
 * features are summed into the logits with one scatterND, never a [B, T, items] tensor.
 *
 * With `mixture`, the output is log p(j) = log(π·p_evidence(j) + (1 − π)·p_catalogue(j)): p_evidence
 * is a softmax over the candidates that transition or co-occurrence evidence names (everything above),
 * p_catalogue a softmax over all items without that evidence, π = σ(gate(h)). Why: most targets have no
 * evidence at all, and a single softmax then learns to keep the evidence weights small so unnamed items
 * keep their mass, which costs the top of the ranking; the mixture's π carries that hedge instead, so
 * the evidence weights are free to order the candidates (as in pointer-generator networks).
 *
 * With `countingGate`, the output is log[(1 − ρ)·p_model + ρ·p_counting]: the counting baseline's own
 * distribution (countingLogProbs, the same statistics) is a component of the model, weighted per user
 * by ρ = σ(gate(h, f)), with f descriptors of the user's history and evidence (COUNTING_GATE_FEATURES).
 * Why: counting is the strongest training-free ranker on most logs; as a component the model can
 * fall back to it exactly (ρ → 1) where it is right, and the encoder learns, across source logs, which
 * users it can rank better.
 */
export class NextItemScorer extends tf.layers.Layer {
  static readonly className = 'HeadstartNextItemScorer';
  readonly items: number;
  readonly itemDim: number;
  readonly successors: number;
  readonly neighbours: number;
  readonly zeroItems: boolean;
  readonly idDropout: number;
  readonly mixture: boolean;
  readonly countingShare: number;
  readonly historyLast: boolean;
  readonly countingGate: boolean;
  readonly seed: number | undefined;
  /** Training calls so far: varies the id-dropout mask from step to step. */
  private calls = 0;
  private w!: Record<'gateKernel' | 'gateBias' | 'userKernel' | 'userBias' | 'queryKernel' | 'queryBias' | 'itemIn' | 'itemOut' | 'itemBias', tf.LayerVariable>;
  private s!: Record<'counts' | 'successorIds' | 'successorCounts' | 'outgoing', tf.LayerVariable>;
  /** Co-occurrence gate and statistics, after every other weight (older saved heads have none). */
  private n?: Record<'gateKernel' | 'gateBias' | 'ids' | 'weights' | 'totals', tf.LayerVariable>;
  /** Mixture gate π = σ(h·kernel + bias), after the co-occurrence gate (only mixture heads have it). */
  private m?: Record<'gateKernel' | 'gateBias', tf.LayerVariable>;
  /** Counting gate ρ = σ(h·kernel + f·featureKernel + bias), last of all (only countingGate heads have it). */
  private c?: Record<'gateKernel' | 'featureKernel' | 'gateBias', tf.LayerVariable>;

  constructor(args: NextItemScorerArgs) {
    super({ name: args.name, trainable: args.trainable });
    // Experimental options that no shipped model used were removed (measurements in docs/benchmarks.md); a head saved with one cannot be rebuilt.
    const removed = (['twoHop', 'dropItemBias'] as const).filter((k) => (args as unknown as Record<string, unknown>)[k] === true);
    if (removed.length) throw new Error(`this next-item head was saved with ${removed.join(' and ')}, experimental options this version no longer has; pretrain or transfer it again`);
    this.items = args.items;
    this.itemDim = args.itemDim;
    this.successors = args.successors;
    this.neighbours = args.neighbours ?? 0;
    this.zeroItems = args.zeroItems ?? false;
    this.idDropout = args.idDropout ?? 0;
    this.mixture = args.mixture ?? false;
    this.countingShare = args.countingShare ?? 0;
    this.historyLast = args.historyLast ?? false;
    this.countingGate = args.countingGate ?? false;
    if (!(this.countingShare >= 0 && this.countingShare < 1)) throw new Error(`countingShare must be in [0, 1), got ${this.countingShare}`);
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = (inputShape as tf.Shape[])[0]![1] as number;
    const N = this.items;
    const E = this.itemDim;
    const K = this.successors;
    const seed = (i: number) => (this.seed === undefined ? undefined : this.seed + i);
    const glorot = (i: number) => tf.initializers.glorotUniform({ seed: seed(i) });
    const zeros = tf.initializers.zeros();
    const normal = (i: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: seed(i) });
    this.w = {
      gateKernel: this.addWeight('gate_kernel', [d, C], 'float32', glorot(1)),
      gateBias: this.addWeight('gate_bias', [C], 'float32', zeros),
      userKernel: this.addWeight('user_kernel', [d, E], 'float32', glorot(2)),
      userBias: this.addWeight('user_bias', [E], 'float32', zeros),
      queryKernel: this.addWeight('query_kernel', [d, E], 'float32', glorot(3)),
      queryBias: this.addWeight('query_bias', [E], 'float32', zeros),
      itemIn: this.addWeight('item_in', [N, E], 'float32', normal(4)),
      itemOut: this.addWeight('item_out', [N, E], 'float32', this.zeroItems ? zeros : normal(5)),
      itemBias: this.addWeight('item_bias', [N], 'float32', zeros),
    };
    this.s = {
      counts: this.addWeight('stat_counts', [N], 'float32', zeros, undefined, false),
      successorIds: this.addWeight('stat_successor_ids', [N, K], 'float32', zeros, undefined, false),
      successorCounts: this.addWeight('stat_successor_counts', [N, K], 'float32', zeros, undefined, false),
      outgoing: this.addWeight('stat_outgoing', [N], 'float32', zeros, undefined, false),
    };
    const M = this.neighbours;
    if (M > 0) {
      this.n = {
        // Starts as a plain co-occurrence vote (gate 1); the encoding learns to scale it per user.
        gateKernel: this.addWeight('neighbour_gate_kernel', [d, 1], 'float32', zeros),
        gateBias: this.addWeight('neighbour_gate_bias', [1], 'float32', tf.initializers.ones()),
        ids: this.addWeight('stat_neighbour_ids', [N, M], 'float32', zeros, undefined, false),
        weights: this.addWeight('stat_neighbour_weights', [N, M], 'float32', zeros, undefined, false),
        totals: this.addWeight('stat_neighbour_totals', [N], 'float32', zeros, undefined, false),
      };
    }
    if (this.mixture) {
      this.m = {
        gateKernel: this.addWeight('mixture_gate_kernel', [d, 1], 'float32', zeros),
        // σ(−1) ≈ 0.27: roughly the share of targets some evidence names in a small log.
        gateBias: this.addWeight('mixture_gate_bias', [1], 'float32', tf.initializers.constant({ value: -1 })),
      };
    }
    if (this.countingGate) {
      // ρ starts at ½: the pretrained model and counting in equal parts, until training moves it.
      this.c = {
        gateKernel: this.addWeight('counting_gate_kernel', [d, 1], 'float32', zeros),
        featureKernel: this.addWeight('counting_gate_feature_kernel', [COUNTING_GATE_FEATURES.length, 1], 'float32', zeros),
        gateBias: this.addWeight('counting_gate_bias', [1], 'float32', zeros),
      };
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [(inputShape as tf.Shape[])[0]![0]!, this.items];
  }

  /** Writes the target's training statistics into the non-trainable weights. */
  setStatistics(stats: CatalogueStats): void {
    if (stats.catalogueSize !== this.items) throw new Error(`statistics cover ${stats.catalogueSize} items, the scorer ${this.items}`);
    if (stats.successorsPerItem !== this.successors) throw new Error(`statistics keep ${stats.successorsPerItem} successors per item, the scorer ${this.successors}`);
    const N = this.items;
    const K = this.successors;
    tf.tidy(() => {
      this.s.counts.write(tf.tensor1d(stats.counts));
      this.s.successorIds.write(tf.tensor2d(Float32Array.from(stats.successors), [N, K]));
      this.s.successorCounts.write(tf.tensor2d(stats.successorCounts, [N, K]));
      this.s.outgoing.write(tf.tensor1d(stats.outgoing));
      if (this.n) {
        if (stats.neighboursPerItem !== this.neighbours || !stats.neighbours || !stats.neighbourWeights || !stats.neighbourTotals) {
          throw new Error(`statistics keep ${stats.neighboursPerItem ?? 0} co-occurring items per item, the scorer ${this.neighbours}`);
        }
        this.n.ids.write(tf.tensor2d(Float32Array.from(stats.neighbours), [N, this.neighbours]));
        this.n.weights.write(tf.tensor2d(stats.neighbourWeights, [N, this.neighbours]));
        this.n.totals.write(tf.tensor1d(stats.neighbourTotals));
      }
    });
  }

  /** Shared part of both scoring paths: valid ids, user vector, gates and per-step sparse features. */
  private prepare(inputs: tf.Tensor[], training: boolean) {
    const [enc, rawItems, rawMask, rawHeld] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor];
    const N = this.items;
    const [B, T] = rawItems.shape;
    const items = tf.cast(rawItems, 'int32');
    const inCatalogue = tf.logicalAnd(tf.greaterEqual(items, 0), tf.less(items, N));
    const valid = tf.mul(tf.cast(rawMask, 'float32'), tf.cast(inCatalogue, 'float32')) as tf.Tensor2D;
    const ids = tf.where(inCatalogue, items, tf.zerosLike(items)) as tf.Tensor2D;
    const held = tf.reshape(tf.cast(rawHeld, 'int32'), [B]) as tf.Tensor1D;
    const heldF = tf.cast(held, 'float32') as tf.Tensor1D;
    const isHeld = tf.cast(tf.greaterEqual(held, 0), 'float32');

    // User vector: a map of the encoding plus an attention readout of the history's item embeddings.
    const e = gatherRows(this.w.itemIn.read() as tf.Tensor2D, ids) as tf.Tensor3D;
    const q = affine(enc, this.w.queryKernel.read() as tf.Tensor2D, this.w.queryBias.read() as tf.Tensor1D);
    const att = tf.add(tf.mul(tf.sum(tf.mul(e, tf.expandDims(q, 1)), -1), 1 / Math.sqrt(this.itemDim)), tf.mul(tf.sub(valid, 1), 1e9));
    const anyValid = tf.cast(tf.greater(tf.sum(valid, 1, true), 0), 'float32');
    const readout = tf.mul(tf.sum(tf.mul(tf.expandDims(tf.softmax(att), -1), e), 1), anyValid);
    let u = tf.add(affine(enc, this.w.userKernel.read() as tf.Tensor2D, this.w.userBias.read() as tf.Tensor1D), readout) as tf.Tensor2D;
    if (training && this.idDropout > 0) {
      // Dropped rows score by bias and features only. Seeded per call: reproducible, yet a new mask each step.
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform([B, 1], 0, 1, 'float32', (this.seed ?? 0) * 7919 + this.calls++), this.idDropout), 'float32') as tf.Tensor2D;
      u = tf.mul(u, keep) as tf.Tensor2D;
    }
    const g = affine(enc, this.w.gateKernel.read() as tf.Tensor2D, this.w.gateBias.read() as tf.Tensor1D);
    const gate = (c: number) => tf.slice(g, [0, c], [B, 1]);

    const counts = this.s.counts.read();
    const logMax = tf.log1p(tf.maximum(tf.max(counts), 1));
    const popularity = tf.div(tf.log1p(counts), logMax) as tf.Tensor1D;

    // Successors of the last and second-last history items, with the training target's own
    // transition removed (see RecommendInput.heldOut).
    const successorsOf = (at: number, correct: boolean) => {
      const item = tf.reshape(tf.slice(ids, [0, at], [B, 1]), [B]);
      const ok = tf.slice(valid, [0, at], [B, 1]);
      const succIds = tf.gather(this.s.successorIds.read(), item) as tf.Tensor2D;
      const succ = tf.cast(succIds, 'int32') as tf.Tensor2D;
      let cnt = tf.gather(this.s.successorCounts.read(), item) as tf.Tensor2D;
      let out = tf.reshape(tf.gather(this.s.outgoing.read(), item), [B, 1]);
      if (correct) {
        const hit = tf.cast(tf.logicalAnd(sameIds(succIds, tf.expandDims(heldF, 1)), tf.greater(cnt, 0)), 'float32');
        cnt = tf.sub(cnt, hit) as tf.Tensor2D;
        out = tf.relu(tf.sub(out, tf.expandDims(isHeld, 1)));
      }
      return { succ, cnt, prob: tf.div(cnt, tf.maximum(out, 1)), ok, present: tf.mul(tf.cast(tf.greater(cnt, 0), 'float32'), ok) };
    };
    const last = successorsOf(T - 1, true);
    const lastValues = tf.mul(tf.add(tf.mul(gate(1), last.prob), tf.mul(gate(2), tf.log1p(last.cnt))), last.ok);
    const second = T >= 2 ? successorsOf(T - 2, false) : undefined;
    const secondValues = second ? tf.mul(tf.mul(gate(3), second.prob), second.ok) : undefined;
    // Repeats: every real history step adds to its own item; recency 1 for the latest step.
    const recency = tf.tensor2d(Float32Array.from({ length: T }, (_, l) => 1 / (T - l)), [1, T]);
    const repeatValues = tf.mul(tf.add(gate(4), tf.mul(gate(5), recency)), valid);
    // Popularity of the held-out target without its own event.
    const heldIds = tf.where(tf.greaterEqual(held, 0), held, tf.zerosLike(held)) as tf.Tensor1D;
    const heldCount = tf.gather(counts, heldIds);
    const popDelta = tf.mul(tf.div(tf.sub(tf.log1p(tf.relu(tf.sub(heldCount, 1))), tf.log1p(heldCount)), logMax), isHeld);
    const popValues = tf.mul(tf.reshape(gate(0), [B]), popDelta);
    const near = this.neighbourValues(enc, ids, valid, heldF, isHeld);
    return { B, T, enc, ids, valid, u, gate, popularity, last, lastValues, second, secondValues, repeatValues, heldIds, popValues, near };
  }

  /**
   * Co-occurrence votes of the last NEIGHBOUR_STEPS history items: item j gets
   * gate(h) · Σ_steps w(step item, j) / total(step item) / steps ago, as ids and values [B, steps × M].
   * A training target's own pairs with the history are removed from the weights and totals.
   */
  private neighbourValues(enc: tf.Tensor2D, ids: tf.Tensor2D, valid: tf.Tensor2D, heldF: tf.Tensor1D, isHeld: tf.Tensor) {
    if (!this.n) return undefined;
    const [B, T] = ids.shape;
    const D = Math.min(NEIGHBOUR_STEPS, T);
    const M = this.neighbours;
    const stepIds = tf.slice(ids, [0, T - D], [B, D]);
    const stepValid = tf.slice(valid, [0, T - D], [B, D]);
    const nearIds = tf.gather(this.n.ids.read(), stepIds) as tf.Tensor3D;
    const near = tf.cast(nearIds, 'int32') as tf.Tensor3D;
    let w = tf.gather(this.n.weights.read(), stepIds) as tf.Tensor3D;
    let total = tf.gather(this.n.totals.read(), stepIds) as tf.Tensor2D;
    // Column l is (D - l) steps before the target.
    const own = tf.tensor2d(Float32Array.from({ length: D }, (_, l) => 1 / (D - l)), [1, D]);
    const hit = tf.cast(tf.logicalAnd(sameIds(nearIds, tf.reshape(heldF, [B, 1, 1])), tf.greater(w, 0)), 'float32');
    w = tf.relu(tf.sub(w, tf.mul(hit, tf.expandDims(own, 2)))) as tf.Tensor3D;
    total = tf.relu(tf.sub(total, tf.mul(own, tf.reshape(isHeld, [B, 1])))) as tf.Tensor2D;
    const gate = affine(enc, this.n.gateKernel.read() as tf.Tensor2D, this.n.gateBias.read() as tf.Tensor1D);
    const scale = tf.mul(tf.div(own, tf.maximum(total, 1)), stepValid);
    const raw = tf.mul(w, tf.expandDims(scale, 2));
    const values = tf.mul(raw, tf.reshape(gate, [B, 1, 1]));
    const present = tf.mul(tf.cast(tf.greater(w, 0), 'float32'), tf.expandDims(stepValid, 2));
    return { ids: tf.reshape(near, [B, D * M]), values: tf.reshape(values, [B, D * M]), raw: tf.reshape(raw, [B, D * M]), present: tf.reshape(present, [B, D * M]) };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const N = this.items;
      const p = this.prepare(inputs as tf.Tensor[], Boolean(kwargs.training));
      const { B } = p;
      const bias = this.w.itemBias.read() as tf.Tensor1D;
      let logits = scoreAll(p.u, this.w.itemOut.read() as tf.Tensor2D, bias);
      // How far the item embeddings tell this user's candidates apart: 0 on a new catalogue before any training, and where pretraining dropped them.
      const idSpread = this.c ? tf.tanh(tf.sqrt(tf.add(tf.moments(stopGradient(tf.sub(logits, bias)), 1, true).variance, 1e-12))) : undefined;
      logits = tf.add(logits, tf.mul(p.gate(0), tf.expandDims(p.popularity, 0)));
      const f = sparseHelpers(B, N);
      const { at, scatter } = f;
      // Per-user adjustments of items the history names (repeats, the held-out target's popularity).
      const own = { indices: [at(p.ids), at(tf.reshape(p.heldIds, [B, 1]))], updates: [tf.reshape(p.repeatValues, [-1]), p.popValues] };
      // Transition and co-occurrence evidence, with 1 where it names a candidate.
      const evidence: { indices: tf.Tensor[]; updates: tf.Tensor[]; present: tf.Tensor[] } = {
        indices: [at(p.last.succ)],
        updates: [tf.reshape(p.lastValues, [-1])],
        present: [tf.reshape(p.last.present, [-1])],
      };
      if (p.second) {
        evidence.indices.push(at(p.second.succ));
        evidence.updates.push(tf.reshape(p.secondValues!, [-1]));
        evidence.present.push(tf.reshape(p.second.present, [-1]));
      }
      if (p.near) {
        evidence.indices.push(at(p.near.ids));
        evidence.updates.push(tf.reshape(p.near.values, [-1]));
        evidence.present.push(tf.reshape(p.near.present, [-1]));
      }
      if (!this.m) {
        // Summation order of the single-softmax heads shipped before the mixture: last, own, the rest.
        const [lastAt, ...restAt] = evidence.indices;
        const [lastUp, ...restUp] = evidence.updates;
        const out = tf.add(logits, scatter([lastAt!, ...own.indices, ...restAt], [lastUp!, ...own.updates, ...restUp]));
        return this.withCounting(out, p, f, Boolean(kwargs.training), idSpread);
      }
      const catalogue = tf.add(logits, scatter(own.indices, own.updates));
      const named = tf.cast(tf.greater(f.place(evidence.indices, evidence.present), 0), 'float32');
      const anyNamed = tf.cast(tf.greater(tf.sum(named, 1, true), 0), 'float32');
      const logCandidates = tf.logSoftmax(tf.add(tf.add(catalogue, scatter(evidence.indices, evidence.updates)), tf.mul(tf.sub(named, 1), 1e9)));
      const z = affine(p.enc, this.m.gateKernel.read() as tf.Tensor2D, this.m.gateBias.read() as tf.Tensor1D);
      const [logPiRaw, logRestRaw] = logSigmoidPair(z);
      // Rows without any candidate score by the catalogue part alone (π = 0).
      const logPi = tf.add(logPiRaw, tf.mul(tf.sub(anyNamed, 1), 1e9));
      const logRest = tf.mul(logRestRaw, anyNamed);
      const mixed = logAddExp(tf.add(logPi, logCandidates), tf.add(logRest, tf.logSoftmax(catalogue)));
      return this.withCounting(mixed, p, f, Boolean(kwargs.training), idSpread);
    });
  }

  /**
   * The counting component: the gated mixture (countingGate, always), or under countingShare the
   * fixed mixture the training loss is taken through; otherwise the model's logits as they are.
   */
  private withCounting(logits: tf.Tensor, p: ReturnType<NextItemScorer['prepare']>, f: SparseHelpers, training: boolean, idSpread?: tf.Tensor): tf.Tensor {
    if (!this.c && !(training && this.countingShare > 0)) return logits;
    const evidence = { ...p, counts: this.s.counts.read() };
    if (!this.c) return countingMixture(logits, evidence, { share: this.countingShare, historyLast: this.historyLast }, f);
    const logCounting = countingLogProbs(evidence, this.historyLast, f);
    const features = tf.concat([this.countingGateFeatures(p, logCounting), idSpread!], 1);
    const z = tf.add(affine(p.enc, this.c.gateKernel.read() as tf.Tensor2D, this.c.gateBias.read() as tf.Tensor1D), tf.matMul(features, this.c.featureKernel.read() as tf.Tensor2D));
    return gatedCountingMixture(logits, logCounting, z);
  }

  /** COUNTING_GATE_FEATURES but the last per row [B, F − 1], each in [0, 1]: read from statistics and the history only. */
  private countingGateFeatures(p: ReturnType<NextItemScorer['prepare']>, logCounting: tf.Tensor): tf.Tensor2D {
    const { B, T, ids, valid } = p;
    // Scaled by constants, never by the batch's width (see GATE_LENGTH_SCALE).
    const length = tf.minimum(tf.div(tf.log1p(tf.sum(valid, 1, true)), Math.log1p(GATE_LENGTH_SCALE)), 1);
    const lastId = tf.slice(ids, [0, T - 1], [B, 1]);
    const earlier = T >= 2 ? tf.mul(tf.cast(tf.equal(tf.slice(ids, [0, 0], [B, T - 1]), lastId), 'float32'), tf.slice(valid, [0, 0], [B, T - 1])) : tf.zeros([B, 1]);
    const repeated = tf.mul(tf.cast(tf.greater(tf.sum(earlier, 1, true), 0), 'float32'), p.last.ok);
    const transitions = tf.minimum(tf.div(tf.log1p(tf.sum(p.last.cnt, 1, true)), 10), 1);
    const nearCount = p.near ? tf.div(tf.log1p(tf.sum(p.near.present, 1, true)), Math.log1p(NEIGHBOUR_STEPS * this.neighbours)) : tf.zeros([B, 1]);
    const confidence = tf.exp(tf.max(logCounting, 1, true));
    return tf.concat([length, repeated, transitions, nearCount, confidence], 1) as tf.Tensor2D;
  }

  /**
   * Logits of given candidates only: candidates [B, M] int32 -> [B, M], the same function as call()
   * restricted to those columns (for sampled softmax; cost B × M, not B × catalogue).
   */
  scoreCandidates(inputs: tf.Tensor[], candidates: tf.Tensor2D, training: boolean): tf.Tensor2D {
    if (this.mixture || this.countingGate) throw new Error('a mixture or counting-gated scorer needs its whole-catalogue normalisers: train it with the full softmax');
    return tf.tidy(() => {
      const p = this.prepare(inputs, training);
      const { B } = p;
      const M = candidates.shape[1];
      const cand = tf.cast(candidates, 'int32') as tf.Tensor2D;
      const out = gatherRows(this.w.itemOut.read() as tf.Tensor2D, cand) as tf.Tensor3D;
      let bias = tf.reshape(gatherRows(tf.reshape(this.w.itemBias.read(), [this.items, 1]) as tf.Tensor2D, cand), [B, M]);
      let logits = tf.add(tf.sum(tf.mul(out, tf.expandDims(p.u, 1)), -1), bias);
      logits = tf.add(logits, tf.mul(p.gate(0), tf.gather(p.popularity, cand)));
      // [B, X, 1] == [B, 1, M] picks each candidate's sparse contributions.
      const matched = (ids: tf.Tensor, values: tf.Tensor) => tf.sum(tf.mul(tf.cast(tf.equal(tf.expandDims(ids, 2), tf.expandDims(cand, 1)), 'float32'), tf.expandDims(values, 2)), 1);
      logits = tf.add(logits, matched(p.last.succ, p.lastValues));
      logits = tf.add(logits, matched(p.ids, p.repeatValues));
      logits = tf.add(logits, matched(tf.reshape(p.heldIds, [B, 1]), tf.reshape(p.popValues, [B, 1])));
      if (p.second) logits = tf.add(logits, matched(p.second.succ, p.secondValues!));
      if (p.near) logits = tf.add(logits, matched(p.near.ids, p.near.values));
      return logits as tf.Tensor2D;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      items: this.items,
      itemDim: this.itemDim,
      successors: this.successors,
      neighbours: this.neighbours,
      zeroItems: this.zeroItems,
      idDropout: this.idDropout,
      mixture: this.mixture,
      countingShare: this.countingShare,
      historyLast: this.historyLast,
      countingGate: this.countingGate,
      seed: this.seed ?? null,
    };
  }
}
tf.serialization.registerClass(NextItemScorer);
