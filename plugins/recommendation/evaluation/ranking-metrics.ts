import type { EvaluationReport, MetricRow } from '../../../core/interfaces/evaluator.js';
import type { RankedCase, RankingCase, RankingOptions } from '../contracts.js';
import { Rng } from '../../../core/random.js';
import { UsageError } from '../../../core/errors.js';

/** Default cut-offs of the ranking metrics. */
export const RANKING_KS: readonly number[] = [5, 10, 20];

/** Hit rate at k: 1 when the target is in the top k. */
export const hitAt = (rank: number, k: number): number => (rank <= k ? 1 : 0);
/** NDCG at k for one relevant item: 1 / log2(rank + 1) inside the top k. */
export const ndcgAt = (rank: number, k: number): number => (rank <= k ? 1 / Math.log2(rank + 1) : 0);
/** Reciprocal rank cut at k. */
export const mrrAt = (rank: number, k: number): number => (rank <= k ? 1 / rank : 0);

/** Metric names in display order: HR, NDCG, MRR per cut-off, then coverage (full ranking only). */
export function rankingMetricNames(ks: readonly number[] = RANKING_KS, sampledNegatives?: number): string[] {
  const prefix = sampledNegatives ? `sampled${sampledNegatives}_` : '';
  const names = ks.flatMap((k) => [`${prefix}HR@${k}`, `${prefix}NDCG@${k}`, `${prefix}MRR@${k}`]);
  if (!sampledNegatives) names.push(...ks.map((k) => `coverage@${k}`));
  return names;
}

/**
 * 1-based rank of `target` within `row`, skipping excluded items. Ties count against the target
 * (rank = 1 + items scoring higher or equal), so a model gains nothing from constant scores. NaN
 * scores never outrank anything; a NaN target ranks last.
 */
export function targetRank(row: ArrayLike<number>, target: number, excluded?: Uint8Array): { rank: number; candidates: number } {
  const n = row.length;
  const t = row[target]!;
  let candidates = 0;
  let ahead = 0;
  for (let j = 0; j < n; j++) {
    if (excluded && excluded[j]) continue;
    candidates++;
    if (j !== target && row[j]! >= t) ahead++;
  }
  if (excluded && excluded[target]) return { rank: Infinity, candidates };
  if (Number.isNaN(t)) return { rank: candidates, candidates };
  return { rank: 1 + ahead, candidates };
}

/** The k best items of `row` (best first; equal scores by lower index), skipping excluded items and NaN. */
export function topItems(row: ArrayLike<number>, k: number, excluded?: Uint8Array): number[] {
  // A sorted buffer of the best k so far; after warm-up nearly every item fails the first comparison.
  const idx = new Int32Array(k);
  const val = new Float64Array(k);
  let size = 0;
  const n = row.length;
  for (let j = 0; j < n; j++) {
    if (excluded && excluded[j]) continue;
    const v = row[j]!;
    if (Number.isNaN(v) || (size === k && v <= val[k - 1]!)) continue;
    // Fill a free slot, or overwrite (drop) the last one, then bubble up past strictly smaller scores.
    let p = size < k ? size : k - 1;
    while (p > 0 && val[p - 1]! < v) {
      val[p] = val[p - 1]!;
      idx[p] = idx[p - 1]!;
      p--;
    }
    val[p] = v;
    idx[p] = j;
    if (size < k) size++;
  }
  return Array.from(idx.subarray(0, size));
}

/** Draws `count` distinct negatives for one case: never the target, never an excluded item. */
function sampleNegatives(rng: Rng, catalogueSize: number, count: number, target: number, excluded: Uint8Array | undefined, cumulative?: Float64Array): number[] {
  let available = catalogueSize - 1;
  if (excluded) for (let j = 0; j < catalogueSize; j++) if (excluded[j] && j !== target) available--;
  const want = Math.min(count, available);
  const chosen = new Set<number>();
  const total = cumulative ? cumulative[cumulative.length - 1]! : 0;
  let attempts = 0;
  while (chosen.size < want) {
    let j: number;
    if (cumulative && total > 0 && attempts < 50 * want) {
      const u = rng.next() * total;
      let lo = 0;
      let hi = catalogueSize - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      j = lo;
    } else {
      // Uniform (or after too many rejections under popularity sampling: the rest uniformly).
      j = rng.int(catalogueSize);
    }
    attempts++;
    if (j === target || (excluded && excluded[j]) || chosen.has(j)) continue;
    chosen.add(j);
  }
  return [...chosen];
}

/** State carried across batches of one evaluation (the negative sampler must continue, not restart). */
export interface RankingState {
  rng: Rng;
  cumulative?: Float64Array;
}

export function rankingState(catalogueSize: number, o: RankingOptions): RankingState {
  const state: RankingState = { rng: new Rng(o.seed ?? 0) };
  if (o.sampledNegatives && o.sampling === 'popularity') {
    if (!o.popularity || o.popularity.length !== catalogueSize) throw new UsageError('popularity sampling needs one weight per catalogue item (options.popularity)');
    const c = new Float64Array(catalogueSize);
    let s = 0;
    for (let j = 0; j < catalogueSize; j++) c[j] = s += Math.max(0, o.popularity[j]!);
    state.cumulative = c;
  }
  return state;
}

/**
 * Ranks one batch of scored cases: `scores` is row-major [cases.length × catalogueSize]. Keeps only
 * the target's rank and the top-K list per case.
 */
export function rankRows(scores: Float32Array, catalogueSize: number, cases: readonly RankingCase[], users: readonly string[], o: RankingOptions = {}, state = rankingState(catalogueSize, o)): RankedCase[] {
  const ks = o.ks ?? RANKING_KS;
  const maxK = Math.max(...ks);
  if (scores.length !== cases.length * catalogueSize) {
    throw new Error(`scores hold ${scores.length} values, expected ${cases.length} cases × ${catalogueSize} items`);
  }
  const excluded = o.excludeSeen ? new Uint8Array(catalogueSize) : undefined;
  const out: RankedCase[] = [];
  cases.forEach((c, r) => {
    if (c.target < 0 || c.target >= catalogueSize) throw new Error(`case of user ${users[r]}: target ${c.target} is outside the catalogue of ${catalogueSize}`);
    const row = scores.subarray(r * catalogueSize, (r + 1) * catalogueSize);
    if (excluded) for (const h of c.history) excluded[h] = 1;
    if (o.sampledNegatives) {
      const negatives = sampleNegatives(state.rng, catalogueSize, o.sampledNegatives, c.target, excluded, state.cumulative);
      const t = row[c.target]!;
      let rank: number;
      if (excluded && excluded[c.target]) rank = Infinity;
      else if (Number.isNaN(t)) rank = negatives.length + 1;
      else rank = 1 + negatives.filter((j) => row[j]! >= t).length;
      out.push({ user: users[r]!, rank, candidates: negatives.length + 1, top: [], catalogueSize, sampled: true });
    } else {
      const { rank, candidates } = targetRank(row, c.target, excluded);
      out.push({ user: users[r]!, rank, candidates, top: topItems(row, maxK, excluded), catalogueSize });
    }
    if (excluded) for (const h of c.history) excluded[h] = 0;
  });
  return out;
}

/**
 * Full-ranking (or, when asked, sampled) evaluation in batches: `score` returns the scores of a batch
 * of cases, row-major [batch × catalogueSize], so memory stays at batchSize × catalogue.
 */
export function rankCases(
  score: (batch: RankingCase[]) => Float32Array,
  cases: readonly RankingCase[],
  catalogueSize: number,
  userName: (c: RankingCase) => string,
  o: RankingOptions = {},
): RankedCase[] {
  const batchSize = o.batchSize ?? 256;
  const state = rankingState(catalogueSize, o);
  const out: RankedCase[] = [];
  for (let start = 0; start < cases.length; start += batchSize) {
    const batch = cases.slice(start, start + batchSize);
    out.push(...rankRows(score(batch), catalogueSize, batch, batch.map(userName), o, state));
  }
  return out;
}

/**
 * Averages the per-case metrics. Coverage@k is the share of the catalogue that appears in at least
 * one case's top k (full ranking only).
 */
export function summariseRanking(ranked: readonly RankedCase[], ks: readonly number[] = RANKING_KS): EvaluationReport {
  if (ranked.length === 0) throw new UsageError('no ranked cases to evaluate');
  const sampled = ranked[0]!.sampled ? ranked[0]!.candidates - 1 : undefined;
  if (ranked.some((r) => Boolean(r.sampled) !== Boolean(sampled))) throw new Error('cannot summarise sampled and full-ranking cases together');
  const prefix = sampled ? `sampled${sampled}_` : '';
  const metrics = rankingMetricNames(ks, sampled);
  const perItem: Record<string, MetricRow> = {};
  const sums: Record<string, number> = Object.fromEntries(metrics.map((m) => [m, 0]));
  let excludedTargets = 0;
  for (const r of ranked) {
    const row: MetricRow = { rank: r.rank };
    for (const k of ks) {
      row[`${prefix}HR@${k}`] = hitAt(r.rank, k);
      row[`${prefix}NDCG@${k}`] = ndcgAt(r.rank, k);
      row[`${prefix}MRR@${k}`] = mrrAt(r.rank, k);
    }
    for (const m of metrics) if (m in row) sums[m]! += row[m]!;
    if (r.rank === Infinity) excludedTargets++;
    perItem[r.user in perItem ? `${r.user}#${Object.keys(perItem).length}` : r.user] = row;
  }
  const aggregate: MetricRow = {};
  for (const m of metrics) aggregate[m] = sums[m]! / ranked.length;
  if (!sampled) {
    const size = ranked[0]!.catalogueSize;
    for (const k of ks) {
      const seen = new Uint8Array(size);
      let distinct = 0;
      for (const r of ranked) {
        for (let i = 0; i < Math.min(k, r.top.length); i++) {
          const j = r.top[i]!;
          if (!seen[j]) {
            seen[j] = 1;
            distinct++;
          }
        }
      }
      aggregate[`coverage@${k}`] = distinct / size;
    }
  }
  aggregate.cases = ranked.length;
  if (excludedTargets > 0) aggregate.excluded_seen_targets = excludedTargets;
  return { metrics, aggregate, perItem };
}
