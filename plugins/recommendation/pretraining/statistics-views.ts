import type { CatalogueStats } from '../../../core/interfaces/recommend.js';
import { UsageError } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import { featuresOf } from '../data/features.js';
import { NextItemExamples, samplingProbabilities } from '../data/examples.js';
import { fitTransitions } from '../data/stats.js';
import { fitStatisticsOf } from '../data/stats-io.js';

/**
 * One way of seeing the source log during pretraining: head statistics and event features fitted on
 * a share of its users only, as a small target log would give them.
 */
export interface StatisticsView {
  /** Share of the source's users the statistics are fitted on. */
  share: number;
  stats: CatalogueStats;
  /** Examples of the users inside the share: their targets are in the statistics (held out per example). */
  inside: NextItemExamples;
  /** Examples of the other users, scored with statistics that never saw them (as most test users of a small log); undefined at share 1. */
  outside?: NextItemExamples;
}

export interface StatisticsViewOptions {
  /** Shares in (0, 1]; one view each. */
  shares: readonly number[];
  contextLength: number;
  successors: number;
  neighbours: number;
  seed: number;
  /** Sampled-softmax negatives per batch; undefined for the full softmax. */
  negatives?: number;
}

/**
 * Statistics views of a training log. A head pretrained only on statistics of the whole source
 * learns how much to trust transitions, co-occurrence and popularity when they are dense; a target
 * with 10% of its users gives far sparser ones, scored mostly for users outside them. Training on
 * several shares teaches the transferable gates to read that sparsity from the features.
 */
export function statisticsViews(
  train: readonly (readonly number[])[],
  times: readonly (readonly number[])[] | undefined,
  catalogueSize: number,
  o: StatisticsViewOptions,
): StatisticsView[] {
  if (o.shares.length === 0) throw new UsageError('statistics shares: give at least one share in (0, 1]');
  for (const s of o.shares) if (!(s > 0 && s <= 1)) throw new UsageError(`statistics shares must be in (0, 1], got ${s}`);
  const users = train.map((s, i) => (s.length > 0 ? i : -1)).filter((i) => i >= 0);
  return o.shares.map((share, v) => {
    const chosen = new Set(new Rng(o.seed + 101 * (v + 1)).shuffle(users.slice()).slice(0, Math.max(1, Math.round(share * users.length))));
    const fitted = train.map((s, u) => (chosen.has(u) ? s : []));
    const { stats, featurizer } = featuresOf(fitStatisticsOf(fitted, fitTransitions(fitted, catalogueSize), o.neighbours), o.successors);
    const sampled = o.negatives === undefined ? undefined : { negatives: o.negatives, probabilities: samplingProbabilities(stats.counts), seed: o.seed + 11 + v };
    const part = (inside: boolean) =>
      NextItemExamples.fromSequences(
        train.map((items, u) => ({ items: chosen.has(u) === inside ? items : [], times: times?.[u] })),
        featurizer,
        { contextLength: o.contextLength, holdOutTargets: inside, sampled },
      );
    const outside = part(false);
    return { share, stats, inside: part(true), outside: outside.size > 0 ? outside : undefined };
  });
}
