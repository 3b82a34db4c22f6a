// What the next-item scorer weighs and how it is configured; the layer itself is in next-item-scorer.ts.

/**
 * Per-candidate features the scorer weighs with user-dependent gates. They mean the same in every
 * catalogue, so the gates transfer; they come from the target's own training data (CatalogueStats).
 */
export const CANDIDATE_FEATURE_NAMES = [
  /** log(1 + count) / log(1 + largest count). */
  'popularity',
  /** P(candidate | last history item) from training transitions. */
  'transition_probability',
  /** log(1 + transitions last item -> candidate). */
  'transition_log_count',
  /** P(candidate | second-last history item). */
  'transition_probability_2',
  /** Occurrences of the candidate in the history. */
  'repeat',
  /** Sum over its occurrences of 1 / (steps ago + 1). */
  'repeat_recency',
] as const;

/** History steps (most recent first) whose co-occurring items are scored; weight 1 / steps ago. */
export const NEIGHBOUR_STEPS = 8;

/**
 * History length the counting gate's `history_length` reads as 1 (longer ones too). A constant, not
 * the batch's width: batches are padded only to their longest history, and a user's gate must not
 * depend on who else is in the batch. 32 is the shipped encoders' context.
 */
export const GATE_LENGTH_SCALE = 32;

export interface NextItemScorerArgs {
  /** Catalogue size. */
  items: number;
  /** Width of the item embeddings. */
  itemDim: number;
  /** Successors kept per item in the statistics (CatalogueStats.successorsPerItem). */
  successors: number;
  /** Co-occurring items kept per item (CatalogueStats.neighboursPerItem); 0: no co-occurrence feature. */
  neighbours?: number;
  /** Start the output item embeddings at zero, so the first scores come from the ID-agnostic features alone (transfer to a new catalogue). */
  zeroItems?: boolean;
  /** Training only: share of examples whose item-embedding score is dropped, so the features must carry on their own. */
  idDropout?: number;
  /** Score as a two-way mixture: evidence candidates vs the whole catalogue (see NextItemScorer). */
  mixture?: boolean;
  /**
   * Training only: counting's share r of a fixed mixture the loss is taken through,
   * p = (1 − r)·softmax(logits) + r·p_counting (0: off). The model then learns where counting is
   * wrong instead of relearning what it already ranks well (see counting-mixture.ts).
   */
  countingShare?: number;
  /** Under countingShare or countingGate: counting gives a history's own items no mass (CountingBlend.historyLast). */
  historyLast?: boolean;
  /** Rank as a per-user gated mixture of the model and the counting baseline (see NextItemScorer). */
  countingGate?: boolean;
  seed?: number;
  name?: string;
  trainable?: boolean;
}
