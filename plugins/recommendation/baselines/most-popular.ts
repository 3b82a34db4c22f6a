import { injectable } from 'inversify';
import type { RecommendBaseline, RecommendScorer, RecommendTrainingData } from '../contracts.js';
import { itemCounts } from '../data/stats.js';

/** Scores every item by its number of training events, whatever the history. */
export class PopularityScorer implements RecommendScorer {
  constructor(readonly counts: Float32Array) {}

  get catalogueSize(): number {
    return this.counts.length;
  }

  scoreBatch(histories: readonly (readonly number[])[]): Float32Array {
    const n = this.counts.length;
    const out = new Float32Array(histories.length * n);
    for (let r = 0; r < histories.length; r++) out.set(this.counts, r * n);
    return out;
  }
}

@injectable()
export class MostPopularBaseline implements RecommendBaseline {
  readonly id = 'most-popular';
  readonly task = 'recommend' as const;
  readonly description = 'Most popular: the items with the most training events, the same list for everyone';

  fit(data: RecommendTrainingData): RecommendScorer {
    return new PopularityScorer(itemCounts(data.sequences, data.catalogueSize));
  }
}
