import * as tf from '@tensorflow/tfjs';
import type { Batch, ExampleSet } from '../../../core/interfaces/index.js';
import type { RankingCase, RecommendInput } from '../contracts.js';
import { Rng } from '../../../core/random.js';
import { EVENT_FEATURES, type EventFeaturizer } from './features.js';

export interface NextItemExampleOptions {
  /** Most recent events fed per example (the backbone's contextLength). */
  contextLength: number;
  /**
   * Mark each target as held out, so the head removes its own event from the statistics: true for
   * examples whose target events are in the statistics (training), false otherwise.
   */
  holdOutTargets: boolean;
  /** Sampled-softmax batches: `negatives` shared per batch, drawn from `probabilities` (one per item). */
  sampled?: { negatives: number; probabilities: Float32Array; seed: number };
}

/** A history with its per-event features (row-major [items.length × EVENT_FEATURES]). */
export interface FeaturizedHistory {
  items: Int32Array;
  features: Float32Array;
}

type Source = FeaturizedHistory;

/**
 * Left-pads histories into the backbone's input: row b holds events [end_b - n, end_b) of
 * histories[b] with n = min(end_b, T), where T = min(contextLength, longest end) (at least 1). A
 * batch is padded only to its longest history, which keeps short-history batches cheap.
 */
export function packHistories(histories: readonly FeaturizedHistory[], ends: ArrayLike<number>, contextLength: number): Pick<RecommendInput, 'items' | 'mask' | 'events'> {
  const F = EVENT_FEATURES;
  const B = histories.length;
  let T = 1;
  for (let b = 0; b < B; b++) T = Math.max(T, Math.min(contextLength, ends[b]!));
  const items = new Int32Array(B * T);
  const mask = new Float32Array(B * T);
  const events = new Float32Array(B * T * F);
  for (let b = 0; b < B; b++) {
    const s = histories[b]!;
    const t = ends[b]!;
    const n = Math.min(t, T);
    const from = t - n;
    const at = b * T + (T - n);
    items.set(s.items.subarray(from, t), at);
    mask.fill(1, at, at + n);
    events.set(s.features.subarray(from * F, t * F), at * F);
  }
  return { items: tf.tensor2d(items, [B, T], 'int32'), mask: tf.tensor2d(mask, [B, T]), events: tf.tensor3d(events, [B, T, F]) };
}

/**
 * Next-item examples: history (the last contextLength events before a target) -> target item. Built
 * from training sequences (every position after the first is a target) or from ranking cases (one
 * example each). Features are computed once per sequence; a batch is padded only to its longest
 * history, which keeps short-history batches cheap.
 */
export class NextItemExamples implements ExampleSet<RecommendInput> {
  readonly size: number;
  private batches = 0;

  private constructor(
    private readonly sources: Source[],
    /** Example e: sources[src[e]], target at position end[e] (history = positions before it). */
    private readonly src: Int32Array,
    private readonly end: Int32Array,
    private readonly o: NextItemExampleOptions,
  ) {
    this.size = src.length;
  }

  /** Every position t ≥ 1 of every sequence is an example: history seq[..t) -> seq[t]. */
  static fromSequences(sequences: readonly { items: readonly number[]; times?: readonly number[] }[], featurizer: EventFeaturizer, o: NextItemExampleOptions): NextItemExamples {
    const sources: Source[] = [];
    const src: number[] = [];
    const end: number[] = [];
    for (const s of sequences) {
      if (s.items.length < 2) continue;
      const k = sources.length;
      sources.push({ items: Int32Array.from(s.items), features: featurizer.featurize(s.items, s.times) });
      for (let t = 1; t < s.items.length; t++) {
        src.push(k);
        end.push(t);
      }
    }
    return new NextItemExamples(sources, Int32Array.from(src), Int32Array.from(end), o);
  }

  /** One example per ranking case; only the last contextLength history events are kept. */
  static fromCases(cases: readonly RankingCase[], featurizer: EventFeaturizer, o: NextItemExampleOptions): NextItemExamples {
    const L = o.contextLength;
    const F = EVENT_FEATURES;
    const sources = cases.map((c): Source => {
      const feats = featurizer.featurize(c.history, c.times);
      const keep = Math.min(L, c.history.length);
      const from = c.history.length - keep;
      const items = new Int32Array(keep + 1);
      items.set(c.history.slice(from));
      items[keep] = c.target;
      const features = new Float32Array((keep + 1) * F);
      features.set(feats.subarray(from * F));
      return { items, features };
    });
    return new NextItemExamples(
      sources,
      Int32Array.from(cases, (_, i) => i),
      Int32Array.from(sources, (s) => s.items.length - 1),
      o,
    );
  }

  /** Catalogue index of each example's target. */
  target(e: number): number {
    return this.sources[this.src[e]!]!.items[this.end[e]!]!;
  }

  batch(indices: number[]): Batch<RecommendInput> {
    const B = indices.length;
    const targets = new Int32Array(B);
    const held = new Int32Array(B);
    const histories = indices.map((e, b) => {
      const s = this.sources[this.src[e]!]!;
      const t = this.end[e]!;
      targets[b] = s.items[t]!;
      held[b] = this.o.holdOutTargets ? s.items[t]! : -1;
      return s;
    });
    const input: RecommendInput = {
      ...packHistories(histories, indices.map((e) => this.end[e]!), this.o.contextLength),
      heldOut: tf.tensor1d(held, 'int32'),
    };
    if (!this.o.sampled) return { input, target: tf.tensor1d(targets, 'int32') };
    const { negatives, probabilities, seed } = this.o.sampled;
    const rng = new Rng(seed + this.batches++);
    const cumulative = new Float64Array(probabilities.length);
    let sum = 0;
    for (let j = 0; j < probabilities.length; j++) cumulative[j] = sum += probabilities[j]!;
    const neg = new Int32Array(negatives);
    for (let s = 0; s < negatives; s++) {
      const u = rng.next() * sum;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      neg[s] = lo;
    }
    const logQ = new Float32Array(B * (negatives + 1));
    for (let b = 0; b < B; b++) {
      logQ[b * (negatives + 1)] = Math.log(Math.max(probabilities[targets[b]!]! / sum, 1e-12));
      for (let s = 0; s < negatives; s++) logQ[b * (negatives + 1) + 1 + s] = Math.log(Math.max(probabilities[neg[s]!]! / sum, 1e-12));
    }
    input.sampled = { positives: tf.tensor1d(targets, 'int32'), negatives: tf.tensor1d(neg, 'int32'), logQ: tf.tensor2d(logQ, [B, negatives + 1]) };
    // Under the sampled loss the positive is column 0 of every row.
    return { input, target: tf.zeros([B], 'int32') };
  }
}

/** Popularity^power sampling probabilities (the usual choice for sampled softmax: power 0.75), never zero. */
export function samplingProbabilities(counts: Float32Array, power = 0.75): Float32Array {
  return counts.map((c) => Math.pow(c + 1, power));
}
