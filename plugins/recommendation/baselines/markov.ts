import { injectable } from 'inversify';
import type { RecommendBaseline, RecommendScorer, RecommendTrainingData } from '../contracts.js';
import { fitTransitions, itemCounts, type TransitionTable } from '../data/stats.js';
import { popularityTieBreak } from './tie-break.js';

/**
 * First-order Markov scorer: an item's score is how often it followed the history's last item in
 * training; items never seen after it are ordered by popularity below every observed successor
 * (popularity adds less than one count), which is also the whole ranking for an empty history or an
 * item with no recorded successor.
 */
export class MarkovScorer implements RecommendScorer {
  private readonly tieBreak: Float32Array;

  constructor(
    readonly transitions: TransitionTable,
    counts: Float32Array,
  ) {
    this.tieBreak = popularityTieBreak(counts);
  }

  get catalogueSize(): number {
    return this.transitions.catalogueSize;
  }

  scoreBatch(histories: readonly (readonly number[])[]): Float32Array {
    const n = this.catalogueSize;
    const t = this.transitions;
    const out = new Float32Array(histories.length * n);
    histories.forEach((h, r) => {
      out.set(this.tieBreak, r * n);
      const last = h[h.length - 1];
      if (last === undefined || last < 0 || last >= n) return;
      for (let p = t.offsets[last]!; p < t.offsets[last + 1]!; p++) out[r * n + t.successors[p]!]! += t.counts[p]!;
    });
    return out;
  }
}

@injectable()
export class MarkovBaseline implements RecommendBaseline {
  readonly id = 'markov';
  readonly task = 'recommend' as const;
  readonly description = 'First-order Markov: items that most often followed the last item in training (popularity breaks ties)';

  fit(data: RecommendTrainingData): RecommendScorer {
    return new MarkovScorer(fitTransitions(data.sequences, data.catalogueSize), itemCounts(data.sequences, data.catalogueSize));
  }
}
