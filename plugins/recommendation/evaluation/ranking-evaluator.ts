import { injectable } from 'inversify';
import type { EvaluationReport, Evaluator } from '../../../core/interfaces/evaluator.js';
import type { RankedCase } from '../contracts.js';
import { RANKING_KS, rankingMetricNames, summariseRanking } from './ranking-metrics.js';

/** Registry id of the ranking evaluator the services score with. */
export const RANKING_EVALUATOR = 'ranking-metrics';

/**
 * Next-item ranking metrics over ranked cases (see rankCases, which ranks in bounded-memory batches):
 * HR@K, NDCG@K, MRR@K for K = 5, 10, 20 and catalogue coverage@K. Sampled-negative cases are
 * reported under `sampled<n>_` names, never as the full-ranking metrics.
 */
@injectable()
export class RankingEvaluator implements Evaluator<RankedCase> {
  readonly id = RANKING_EVALUATOR;
  readonly task = 'recommend' as const;
  readonly metrics: readonly string[] = rankingMetricNames(RANKING_KS);
  readonly setMetrics: readonly string[] = this.metrics.filter((m) => m.startsWith('coverage@'));

  evaluate(cases: RankedCase[]): EvaluationReport {
    return summariseRanking(cases, RANKING_KS);
  }

  /** A hit at rank 1 and a miss beyond 20, over a catalogue of 30 items. */
  exampleCases(): RankedCase[] {
    const top = Array.from({ length: 20 }, (_, i) => i);
    return [
      { user: 'hit', rank: 1, candidates: 30, top, catalogueSize: 30 },
      { user: 'miss', rank: 25, candidates: 30, top: top.map((i) => i + 5), catalogueSize: 30 },
    ];
  }
}
