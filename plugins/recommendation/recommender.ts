import type { HeadConfig, StrategyName } from '../../core/interfaces/index.js';
import type { TaskModel } from '../../core/task/task-model.js';
import type { RankingCase, RecommendInput } from './contracts.js';
import { topItems } from './evaluation/ranking-metrics.js';
import type { FitStatistics } from './data/stats-io.js';
import { featuresOf, statisticsOf, type EventFeaturizer } from './data/features.js';
import { NEXT_ITEM_DEFAULTS, type NextItemHeadModel } from './heads/next-item-head.js';
import { modelScorer } from './scoring.js';
import { historyLastFor } from './baselines/cooccurrence.js';
import { blendedScorer, countingScorerOf, type CountingBlend } from './services/counting-blend.js';

/** Top-k recommendations of one history. */
export interface Recommendation {
  user: string;
  items: number[];
  /** Each item's probability of being the next one, under the model as it ranks. */
  probabilities: number[];
}

/** What a recommender is made of; the statistics the head scores with come from `fit`. */
export interface RecommenderParts {
  model: TaskModel<RecommendInput>;
  strategy: StrategyName;
  catalogueSize: number;
  contextLength: number;
  headConfig: HeadConfig;
  fit: FitStatistics;
  /** Featurizer of `fit` when the head already holds its statistics (transfer); computed otherwise. */
  featurizer?: EventFeaturizer;
  /** Combination with counting chosen on validation; absent: the model alone. */
  blend?: CountingBlend;
}

/**
 * A trained next-item model with the catalogue statistics it scores with and its combination with
 * counting: ranks, recommends, refits its statistics on new events of its catalogue. What `transfer
 * recommend` saves and `recommend`/`evaluate` load (the recommendation side of Forecaster).
 */
export class Recommender {
  readonly model: TaskModel<RecommendInput>;
  readonly strategy: StrategyName;
  readonly catalogueSize: number;
  readonly contextLength: number;
  readonly headConfig: HeadConfig;
  blend?: CountingBlend;
  private stats!: { fit: FitStatistics; featurizer: EventFeaturizer };

  constructor(parts: RecommenderParts) {
    this.model = parts.model;
    this.strategy = parts.strategy;
    this.catalogueSize = parts.catalogueSize;
    this.contextLength = parts.contextLength;
    this.headConfig = parts.headConfig;
    if (parts.blend) this.blend = { ...parts.blend };
    if (parts.featurizer) this.stats = { fit: parts.fit, featurizer: parts.featurizer };
    else this.applyStatistics(parts.fit);
  }

  /** The aggregates the head's statistics come from (what a saved model keeps). */
  get fit(): FitStatistics {
    return this.stats.fit;
  }

  /** Featurizer of the statistics the head currently holds. */
  get featurizer(): EventFeaturizer {
    return this.stats.featurizer;
  }

  /** The same model and statistics with some parts replaced (e.g. no blend: the model alone). */
  with(parts: Partial<Pick<RecommenderParts, 'model' | 'blend'>>): Recommender {
    const blend = 'blend' in parts ? parts.blend : this.blend;
    return new Recommender({ model: parts.model ?? this.model, strategy: this.strategy, catalogueSize: this.catalogueSize, contextLength: this.contextLength, headConfig: this.headConfig, fit: this.fit, featurizer: this.featurizer, ...(blend ? { blend } : {}) });
  }

  /** Refits the statistics the head (and its counting part) scores with, and its featurizer, on these events of its catalogue. */
  refit(sequences: readonly (readonly number[])[]): void {
    const { fit, stats, featurizer } = statisticsOf(sequences, this.catalogueSize, { neighbours: this.head.scorer.neighbours, successors: this.successors });
    this.head.setStatistics(stats);
    this.stats = { fit, featurizer };
    if (this.blend) this.blend.historyLast = historyLastFor(sequences);
  }

  /** Full-catalogue scores as it ranks: the model, combined with counting when it has a blend. */
  scorer(): (cases: RankingCase[]) => Float32Array {
    const model = modelScorer(this.model, this.featurizer, this.contextLength);
    return this.blend ? blendedScorer(model, countingScorerOf(this.fit, this.blend.historyLast), this.blend) : model;
  }

  /**
   * Top-k items for each history (catalogue indices, best first, with their probability of being the
   * next item under the model as it ranks, combination included), in batches of bounded memory; the
   * history's own items are skipped unless `includeSeen`.
   */
  recommend(histories: { user: string; items: number[]; times?: number[] }[], k: number, o: { includeSeen?: boolean; batchSize?: number } = {}): Recommendation[] {
    const N = this.catalogueSize;
    const score = this.scorer();
    // Counting alone (share 0) ranks by its raw scores; everything else by log-probabilities.
    const probabilities = this.blend && this.blend.modelWeight <= 0 ? countingProbabilities : softmaxProbabilities;
    const batchSize = o.batchSize ?? 256;
    const excluded = new Uint8Array(N);
    const out: Recommendation[] = [];
    for (let start = 0; start < histories.length; start += batchSize) {
      const batch = histories.slice(start, start + batchSize);
      const scores = score(batch.map((h, i) => ({ user: start + i, history: h.items, times: h.times, target: 0 })));
      batch.forEach((h, r) => {
        const row = scores.subarray(r * N, (r + 1) * N);
        if (!o.includeSeen) for (const i of h.items) excluded[i] = 1;
        const items = topItems(row, k, o.includeSeen ? undefined : excluded);
        if (!o.includeSeen) for (const i of h.items) excluded[i] = 0;
        out.push({ user: h.user, items, probabilities: probabilities(row, items) });
      });
    }
    return out;
  }

  dispose(): void {
    this.model.dispose();
  }

  private get head(): NextItemHeadModel {
    return this.model.head as NextItemHeadModel;
  }

  private get successors(): number {
    return (this.headConfig.options?.successors as number | undefined) ?? NEXT_ITEM_DEFAULTS.successors;
  }

  private applyStatistics(fit: FitStatistics): void {
    const { stats, featurizer } = featuresOf(fit, this.successors);
    this.head.setStatistics(stats);
    this.stats = { fit, featurizer };
  }
}

/** Probabilities of `items` from a row of log-probabilities (or logits: normalised over the row). */
function softmaxProbabilities(row: Float32Array, items: number[]): number[] {
  let top = -Infinity;
  for (const v of row) if (v > top) top = v;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - top);
  return items.map((i) => Math.exp(row[i]! - top) / sum);
}

/** Probabilities of `items` from a row of counting scores (normalised; "rank last" scores get none). */
function countingProbabilities(row: Float32Array, items: number[]): number[] {
  let sum = 0;
  for (const v of row) if (v > 0) sum += v;
  return items.map((i) => (sum > 0 ? Math.max(row[i]!, 0) / sum : 0));
}
