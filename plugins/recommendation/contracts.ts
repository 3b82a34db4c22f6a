import type * as tf from '@tensorflow/tfjs';
import type { Baseline } from '../../core/interfaces/index.js';

/**
 * What a recommendation backbone and head read for a batch of user histories. Histories are
 * left-padded to a common length T (at most the backbone's contextLength), most recent event last,
 * so position T - 1 is always the latest real event of a non-empty history.
 *
 * The backbone reads only `events` and `mask`: per-event features that mean the same in every
 * catalogue (popularity within the dataset, repeats, recency, position, time gaps), which is what
 * transfers across catalogues. Item ids (`items`) are read by the head, whose item embeddings are the
 * new per-catalogue parameters (ID-only transfer carries nothing across catalogues: there are no shared ids).
 */
export interface RecommendInput {
  /** [batch, T] int32 catalogue indices (0-based) of the history's items; 0 where padded. */
  items: tf.Tensor2D;
  /** [batch, T] 1 for a real event, 0 for padding. */
  mask: tf.Tensor2D;
  /** [batch, T, EVENT_FEATURES] ID-agnostic per-event features, zeros where padded. */
  events: tf.Tensor3D;
  /**
   * [batch] int32, training only: the target item of each example. Its own occurrence is removed from
   * the candidate statistics the head reads (transition count from the last item, popularity), so a
   * training target does not look more predictable than a test target, whose event is not in the
   * statistics. -1 (or absent) where there is nothing to remove (validation, test, recommend).
   */
  heldOut?: tf.Tensor1D;
  /** Sampled-softmax training only: score these candidates instead of the whole catalogue. */
  sampled?: SampledCandidates;
}

/** Candidates of sampled-softmax training, with the logQ correction (Yi et al. 2019). */
export interface SampledCandidates {
  /** [batch] int32: each example's positive item, scored in column 0. */
  positives: tf.Tensor1D;
  /** [negatives] int32 items shared by the batch (columns 1..), drawn from `q`. */
  negatives: tf.Tensor1D;
  /** [batch, 1 + negatives] log q(item) of each scored column, subtracted from its logit. */
  logQ: tf.Tensor2D;
}

/** How events of one user are ordered. */
export type EventOrder = 'timestamp' | 'position' | 'file';

/** One user's events, in order. Arrays are aligned. */
export interface UserSequence {
  /** The user id as written in the file. */
  user: string;
  /** Catalogue indices into EventsDataset.items. */
  items: number[];
  /** Seconds since the epoch, when the file has timestamps. */
  times?: number[];
  /** Indices into EventsDataset.eventTypes, when the file has an event-type column. */
  types?: number[];
}

/** A loaded interaction log. */
export interface EventsDataset {
  /** The file it came from (for error messages and manifests). */
  source: string;
  /** The catalogue: index -> item id as written in the file, in order of first appearance. */
  items: string[];
  /** One entry per user, in order of first appearance. */
  users: UserSequence[];
  /** Distinct event types (e.g. view, cart, purchase); absent without an event-type column. */
  eventTypes?: string[];
  order: EventOrder;
  /** Events that share their ordering key (timestamp or position) with the user's previous event; kept in file order. */
  ties: number;
  /** Number of events read. */
  events: number;
  /** Things the loader did that the user should know (tie counts, dropped rows…). */
  notices: string[];
}

/** A train / validation / test split of an EventsDataset, as index sequences. */
export interface EventsSplit {
  kind: 'leave-one-out' | 'temporal';
  /** Training history per user (may be empty for users who only appear later). Aligned with dataset.users. */
  train: number[][];
  /** Aligned with train: timestamps (seconds) of the training events, when known. */
  trainTimes?: number[][];
  /**
   * Per user, every event before their test event (training plus validation events): what baselines
   * and dataset statistics are fit on before the test cases are scored. This is the protocol of the
   * issue's reference numbers (Markov NDCG@10 0.0490 on Beauty; fit on `train` alone it gives 0.0426).
   */
  beforeTest: number[][];
  /** Next-item cases used for early stopping / model selection. */
  validation: RankingCase[];
  /** Next-item cases reported as the test result. */
  test: RankingCase[];
  notices: string[];
}

/** One next-item prediction to rank: the user's history, then the item that came next. */
export interface RankingCase {
  /** Index into EventsDataset.users. */
  user: number;
  /** Catalogue indices of the events before the target, in order. */
  history: number[];
  /** Seconds since the epoch of each history event, when known. */
  times?: number[];
  /** Catalogue index of the item to find. */
  target: number;
  /** Time of the target event, when known (for the time gap of a recommendation). */
  targetTime?: number;
}

/**
 * One ranked case: what the batched ranker keeps per user once the scores are gone, so evaluation
 * memory stays bounded (never a users × catalogue matrix).
 */
export interface RankedCase {
  user: string;
  /** 1-based rank of the target among the ranked candidates; Infinity when it was excluded (already seen). */
  rank: number;
  /** Number of items the target competed against (catalogue size minus exclusions, or 1 + sampled negatives). */
  candidates: number;
  /** The top-K recommended items (catalogue indices, best first), K = the largest cut-off, for coverage. */
  top: number[];
  /** Size of the catalogue the items index into. */
  catalogueSize: number;
  /** Ranked against sampled negatives rather than the full catalogue. */
  sampled?: boolean;
}

/** Dataset-level statistics of a catalogue, fitted on training sequences only. */
export interface CatalogueStats {
  catalogueSize: number;
  /** Training events per item. */
  counts: Float32Array;
  /** Most frequent successors kept per item. */
  successorsPerItem: number;
  /** [catalogueSize × successorsPerItem] successor item indices (padding: 0 with count 0). */
  successors: Int32Array;
  /** [catalogueSize × successorsPerItem] transition counts item -> successor. */
  successorCounts: Float32Array;
  /** Transitions out of each item (all successors, not only the kept ones). */
  outgoing: Float32Array;
  /** Training events in total. */
  events: number;
  /** Co-occurring items kept per item (window of events either side, weight 1 / distance); absent when not fitted. */
  neighboursPerItem?: number;
  /** [catalogueSize × neighboursPerItem] co-occurring item indices (padding: 0 with weight 0). */
  neighbours?: Int32Array;
  /** [catalogueSize × neighboursPerItem] co-occurrence weights. */
  neighbourWeights?: Float32Array;
  /** Whole co-occurrence weight of each item. */
  neighbourTotals?: Float32Array;
}

/** Training histories handed to a recommendation baseline. */
export interface RecommendTrainingData {
  catalogueSize: number;
  /** One training sequence (catalogue indices, in order) per user. */
  sequences: readonly (readonly number[])[];
}

/** A fitted recommender: scores every catalogue item for a batch of histories. */
export interface RecommendScorer {
  readonly catalogueSize: number;
  /** Scores, row-major [histories.length × catalogueSize]; higher is better. */
  scoreBatch(histories: readonly (readonly number[])[]): Float32Array;
}

/** A recommendation baseline (most popular, Markov…): fits on training sequences, returns a scorer. */
export interface RecommendBaseline extends Baseline {
  readonly task: 'recommend';
  fit(data: RecommendTrainingData): RecommendScorer;
}

/** Options of full-ranking evaluation. */
export interface RankingOptions {
  /** Cut-offs; default 5, 10, 20. */
  ks?: number[];
  /** Histories scored per batch (bounds memory to batchSize × catalogue scores); default 256. */
  batchSize?: number;
  /** Remove the user's history items from the ranking (a target seen before then counts as a miss). */
  excludeSeen?: boolean;
  /**
   * Rank against this many sampled negatives instead of the full catalogue (metrics are then
   * labelled `sampled<n>_…`); only when asked for: sampled metrics are known to mislead.
   */
  sampledNegatives?: number;
  /** How negatives are drawn; default 'uniform'. 'popularity' draws in proportion to `popularity`. */
  sampling?: 'uniform' | 'popularity';
  /** Item weights (e.g. training counts) for popularity sampling. */
  popularity?: ArrayLike<number>;
  /** Seed of the negative sampler. */
  seed?: number;
}
