import type { CatalogueStats } from '../contracts.js';
import { catalogueStatsFrom, fitTransitions, popularityPercentiles, transitionCount, type TransitionTable } from './stats.js';
import { fitStatisticsOf, type FitStatistics } from './stats-io.js';

/**
 * Per-event features that mean the same in every catalogue (the transferable input of a
 * recommendation backbone). Each is scaled to roughly [0, 1].
 */
export const EVENT_FEATURE_NAMES = [
  /** log(1 + item count) / log(1 + largest item count), over the training events. */
  'popularity_log',
  /** Share of catalogue items less popular than this one. */
  'popularity_percentile',
  /** 1 when the item occurred earlier in the user's history. */
  'repeat',
  /** 1 / (events since the item's previous occurrence), 0 when it is new to the user. */
  'repeat_recency',
  /** Training probability of this item following the previous event's item. */
  'transition_probability',
  /** 1 / (rank of this item among the previous item's most frequent successors), 0 when not among them. */
  'transition_rank',
  /** log(1 + seconds since the previous event) / log(1 + one year), 0 without timestamps. */
  'time_gap',
  /** 1 when the event has a known time gap to its predecessor. */
  'has_time_gap',
  /** log(1 + index of the event in the user's whole history) / log(1 + 200). */
  'history_position',
] as const;

export const EVENT_FEATURES = EVENT_FEATURE_NAMES.length;

const YEAR = 365 * 86400;

/** Computes the per-event features of histories from training statistics. */
export class EventFeaturizer {
  private readonly logMax: number;
  private readonly percentile: Float32Array;

  constructor(
    readonly stats: CatalogueStats,
    readonly transitions: TransitionTable,
  ) {
    let max = 0;
    for (const c of stats.counts) if (c > max) max = c;
    this.logMax = Math.log1p(Math.max(max, 1));
    this.percentile = popularityPercentiles(stats.counts);
  }

  /** Features of every event of one history, row-major [items.length × EVENT_FEATURES]. */
  featurize(items: readonly number[], times?: readonly number[]): Float32Array {
    const F = EVENT_FEATURES;
    const out = new Float32Array(items.length * F);
    const lastSeen = new Map<number, number>();
    const K = this.stats.successorsPerItem;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const o = i * F;
      const inCatalogue = item >= 0 && item < this.stats.catalogueSize;
      if (inCatalogue) {
        out[o] = Math.log1p(this.stats.counts[item]!) / this.logMax;
        out[o + 1] = this.percentile[item]!;
      }
      const prevAt = lastSeen.get(item);
      if (prevAt !== undefined) {
        out[o + 2] = 1;
        out[o + 3] = 1 / (i - prevAt);
      }
      lastSeen.set(item, i);
      if (i > 0 && inCatalogue) {
        const prev = items[i - 1]!;
        if (prev >= 0 && prev < this.stats.catalogueSize) {
          const total = this.transitions.outgoing[prev]!;
          if (total > 0) out[o + 4] = transitionCount(this.transitions, prev, item) / total;
          for (let r = 0; r < K; r++) {
            const p = prev * K + r;
            if (this.stats.successorCounts[p] === 0) break;
            if (this.stats.successors[p] === item) {
              out[o + 5] = 1 / (r + 1);
              break;
            }
          }
        }
      }
      if (times && i > 0) {
        const gap = Math.max(0, times[i]! - times[i - 1]!);
        out[o + 6] = Math.min(1.5, Math.log1p(gap) / Math.log1p(YEAR));
        out[o + 7] = 1;
      }
      out[o + 8] = Math.log1p(i) / Math.log1p(200);
    }
    return out;
  }
}

/**
 * Everything a next-item head scores with, fit on `sequences` in one call: the aggregates a saved
 * model keeps (`fit`), the statistics written into the head, and the event featurizer over them.
 */
export function statisticsOf(sequences: readonly (readonly number[])[], catalogueSize: number, o: { neighbours: number; successors: number }): { fit: FitStatistics; stats: CatalogueStats; featurizer: EventFeaturizer } {
  const fit = fitStatisticsOf(sequences, fitTransitions(sequences, catalogueSize), o.neighbours);
  return { fit, ...featuresOf(fit, o.successors) };
}

/** The catalogue statistics a head scores with, and the event featurizer over them, from fitted aggregates. */
export function featuresOf(fit: FitStatistics, successors: number): { stats: CatalogueStats; featurizer: EventFeaturizer } {
  const stats = catalogueStatsFrom(fit.counts, fit.transitions, successors, fit.events, fit.neighbours);
  return { stats, featurizer: new EventFeaturizer(stats, fit.transitions) };
}

/** Event features with the statistics of these histories. */
export function fitFeaturizer(sequences: readonly (readonly number[])[], catalogueSize: number, successors: number): EventFeaturizer {
  return featuresOf(fitStatisticsOf(sequences, fitTransitions(sequences, catalogueSize)), successors).featurizer;
}

/** Features for scoring users: statistics of the training histories plus the scored users' own. */
export function scoringFeaturizer(trainSequences: readonly (readonly number[])[], rows: readonly { items: readonly number[] }[], catalogueSize: number, successors: number): EventFeaturizer {
  return fitFeaturizer([...trainSequences, ...rows.map((r) => r.items)], catalogueSize, successors);
}
