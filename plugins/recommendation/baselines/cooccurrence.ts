import { injectable } from 'inversify';
import type { RecommendBaseline, RecommendScorer, RecommendTrainingData } from '../contracts.js';
import { fitNeighbours, fitTransitions, itemCounts, type Neighbours, type TransitionTable } from '../data/stats.js';
import { popularityTieBreak } from './tie-break.js';
import { NEXT_ITEM_DEFAULTS } from '../heads/next-item-head.js';
import { NEIGHBOUR_STEPS } from '../layers/next-item-scorer.js';

/** Hand-set weight of the second-last item's transitions (the last item's count fully). */
const SECOND_LAST_WEIGHT = 0.5;

/** Below this share of events that repeat an earlier item of their sequence, history items are ranked last. */
export const RARE_REPEAT_SHARE = 0.01;

/**
 * Counting recommender over the same evidence the next-item head's candidate features use, with fixed
 * weights instead of learned gates: P(j | last item) + ½ P(j | second-last item) + Σ over the last
 * NEIGHBOUR_STEPS items i of (1 / steps ago) · cooc(i, j) / cooc(i) (top co-occurring items per item,
 * as the head keeps them). Popularity, scaled below any other evidence, breaks ties. It shows what
 * the candidate statistics give without any learning, so a learned model has to beat it. When the
 * fitted events almost never repeat an item (under RARE_REPEAT_SHARE), a user's own history items rank
 * last — what the learned repeat gates find on such logs.
 */
export class CooccurrenceScorer implements RecommendScorer {
  private readonly tieBreak: Float32Array;

  constructor(
    readonly transitions: TransitionTable,
    readonly neighbours: Neighbours,
    counts: Float32Array,
    /** Rank each history's own items last. */
    readonly historyLast = false,
  ) {
    // Below the smallest evidence a single co-occurrence can add.
    this.tieBreak = popularityTieBreak(counts, 1e-6);
  }

  get catalogueSize(): number {
    return this.transitions.catalogueSize;
  }

  scoreBatch(histories: readonly (readonly number[])[]): Float32Array {
    const n = this.catalogueSize;
    const { transitions: t, neighbours: nb } = this;
    const M = nb.perItem;
    const out = new Float32Array(histories.length * n);
    const known = (i: number | undefined): i is number => i !== undefined && i >= 0 && i < n;
    histories.forEach((h, r) => {
      const row = r * n;
      out.set(this.tieBreak, row);
      const follow = (item: number | undefined, weight: number) => {
        if (!known(item) || t.outgoing[item]! === 0) return;
        for (let p = t.offsets[item]!; p < t.offsets[item + 1]!; p++) out[row + t.successors[p]!]! += (weight * t.counts[p]!) / t.outgoing[item]!;
      };
      follow(h[h.length - 1], 1);
      follow(h[h.length - 2], SECOND_LAST_WEIGHT);
      for (let s = 1; s <= Math.min(NEIGHBOUR_STEPS, h.length); s++) {
        const item = h[h.length - s];
        if (!known(item) || nb.totals[item]! === 0) continue;
        for (let k = 0; k < M; k++) {
          const w = nb.weights[item * M + k]!;
          if (w > 0) out[row + nb.ids[item * M + k]!]! += w / nb.totals[item]! / s;
        }
      }
      // Every other score is ≥ 0.
      if (this.historyLast) for (const item of h) if (known(item)) out[row + item] = -1;
    });
    return out;
  }
}

@injectable()
export class CooccurrenceBaseline implements RecommendBaseline {
  readonly id = 'cooccurrence';
  readonly task = 'recommend' as const;
  readonly description = `Counting: transitions from the last two items plus co-occurrence with the last ${NEIGHBOUR_STEPS}, fixed weights (the head's candidate evidence without learning)`;

  fit(data: RecommendTrainingData): RecommendScorer {
    const { sequences, catalogueSize } = data;
    return new CooccurrenceScorer(fitTransitions(sequences, catalogueSize), fitNeighbours(sequences, catalogueSize, NEXT_ITEM_DEFAULTS.neighbours), itemCounts(sequences, catalogueSize), historyLastFor(sequences));
  }
}

/** Share of events (after each sequence's first) whose item occurred earlier in the same sequence. */
export function repeatShare(sequences: readonly (readonly number[])[]): number {
  let repeats = 0;
  let events = 0;
  for (const s of sequences) {
    const seen = new Set<number>();
    s.forEach((item, i) => {
      if (i > 0) {
        events++;
        if (seen.has(item)) repeats++;
      }
      seen.add(item);
    });
  }
  return events === 0 ? 0 : repeats / events;
}

/** Whether counting ranks a history's own items last on these events (they almost never repeat one). */
export function historyLastFor(sequences: readonly (readonly number[])[]): boolean {
  return repeatShare(sequences) < RARE_REPEAT_SHARE;
}
