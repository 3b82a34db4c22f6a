import { describe, expect, it } from 'vitest';
import type { RankedCase, RankingCase } from '../../plugins/recommendation/contracts.js';
import { RankingEvaluator } from '../../plugins/recommendation/evaluation/ranking-evaluator.js';
import { hitAt, mrrAt, ndcgAt, rankCases, rankRows, rankingMetricNames, summariseRanking, targetRank, topItems } from '../../plugins/recommendation/evaluation/ranking-metrics.js';

const rc = (user: number, history: number[], target: number): RankingCase => ({ user, history, target });

describe('per-case ranking', () => {
  it('rank counts items scoring higher or equal (ties count against the target)', () => {
    const row = [0.1, 0.9, 0.5, 0.5, 0.2];
    expect(targetRank(row, 2)).toEqual({ rank: 3, candidates: 5 });
    expect(targetRank(row, 3)).toEqual({ rank: 3, candidates: 5 });
    expect(targetRank(row, 1)).toEqual({ rank: 1, candidates: 5 });
    expect(targetRank(row, 0)).toEqual({ rank: 5, candidates: 5 });
    // Constant scores: every item ties, the target ranks last.
    expect(targetRank([1, 1, 1, 1], 2).rank).toBe(4);
  });

  it('excluded items leave the ranking; an excluded target is a miss (rank Infinity)', () => {
    const row = [0.1, 0.9, 0.5, 0.5, 0.2];
    const excluded = Uint8Array.from([0, 1, 0, 0, 0]);
    expect(targetRank(row, 2, excluded)).toEqual({ rank: 2, candidates: 4 });
    expect(targetRank(row, 1, excluded).rank).toBe(Infinity);
  });

  it('NaN scores never outrank; a NaN target ranks last', () => {
    expect(targetRank([NaN, 0.5, 0.2], 1).rank).toBe(1);
    expect(targetRank([0.3, NaN, 0.2], 1).rank).toBe(3);
  });

  it('HR, NDCG and MRR at k (hand-computed)', () => {
    expect(hitAt(3, 5)).toBe(1);
    expect(hitAt(6, 5)).toBe(0);
    expect(ndcgAt(1, 5)).toBe(1);
    expect(ndcgAt(3, 5)).toBeCloseTo(0.5, 12);
    expect(ndcgAt(2, 10)).toBeCloseTo(1 / Math.log2(3), 12);
    expect(ndcgAt(11, 10)).toBe(0);
    expect(mrrAt(4, 5)).toBe(0.25);
    expect(mrrAt(6, 5)).toBe(0);
    expect(ndcgAt(Infinity, 20)).toBe(0);
  });

  it('topItems: best first, equal scores by lower index, skipping excluded and NaN', () => {
    expect(topItems([3, 1, 3, 2], 2)).toEqual([0, 2]);
    expect(topItems([3, 1, 3, 2], 3)).toEqual([0, 2, 3]);
    expect(topItems([1, 5, 2, 4, 3], 3)).toEqual([1, 3, 4]);
    expect(topItems([1, 5, 2, 4, 3], 10)).toEqual([1, 3, 4, 2, 0]);
    expect(topItems([NaN, 1, 2], 2)).toEqual([2, 1]);
    expect(topItems([5, 1, 2], 2, Uint8Array.from([1, 0, 0]))).toEqual([2, 1]);
    // Ascending input exercises the shifting path.
    expect(topItems([0, 1, 2, 3, 4, 5], 3)).toEqual([5, 4, 3]);
  });
});

describe('batched evaluation', () => {
  // 5 items; user 0's target (item 2) ranks 3rd, user 1's target (item 1) ranks 1st.
  const scores = Float32Array.from([0.1, 0.9, 0.5, 0.5, 0.2, 0.0, 0.8, 0.1, 0.7, 0.3]);
  const cases = [rc(0, [1, 4], 2), rc(1, [0], 1)];
  const users = ['u0', 'u1'];

  it('aggregates hand-computed metrics and coverage', () => {
    const ranked = rankRows(scores, 5, cases, users, { ks: [1, 2, 5] });
    expect(ranked.map((r) => r.rank)).toEqual([3, 1]);
    expect(ranked[0]!.top).toEqual([1, 2, 3, 4, 0]);
    expect(ranked[1]!.top).toEqual([1, 3, 4, 2, 0]);
    const report = summariseRanking(ranked, [1, 2, 5]);
    expect(report.metrics).toEqual(rankingMetricNames([1, 2, 5]));
    const a = report.aggregate;
    expect(a['HR@1']).toBe(0.5);
    expect(a['HR@2']).toBe(0.5);
    expect(a['NDCG@2']).toBe(0.5);
    expect(a['MRR@2']).toBe(0.5);
    expect(a['HR@5']).toBe(1);
    expect(a['NDCG@5']).toBeCloseTo((1 + 0.5) / 2, 12);
    expect(a['MRR@5']).toBeCloseTo((1 + 1 / 3) / 2, 12);
    // Top-1 of both users is item 1: one of five items covered.
    expect(a['coverage@1']).toBe(0.2);
    expect(a['coverage@2']).toBe(0.6);
    expect(a['coverage@5']).toBe(1);
    expect(a.cases).toBe(2);
    expect(report.perItem!.u0!['NDCG@5']).toBeCloseTo(0.5, 12);
    expect(report.perItem!.u1!.rank).toBe(1);
  });

  it('excludeSeen removes history items from ranking and top lists', () => {
    const ranked = rankRows(scores, 5, cases, users, { ks: [1, 5], excludeSeen: true });
    // User 0: item 1 (0.9) and 4 excluded -> target (0.5) ties item 3 -> rank 2 of 3 candidates.
    expect(ranked[0]).toMatchObject({ rank: 2, candidates: 3, top: [2, 3, 0] });
    expect(ranked[1]).toMatchObject({ rank: 1, candidates: 4 });
    const seenTarget = rankRows(scores.subarray(0, 5), 5, [rc(0, [2], 2)], ['u'], { excludeSeen: true });
    expect(seenTarget[0]!.rank).toBe(Infinity);
    const report = summariseRanking(seenTarget, [5]);
    expect(report.aggregate['HR@5']).toBe(0);
    expect(report.aggregate.excluded_seen_targets).toBe(1);
  });

  it('rankCases scores in batches of batchSize and gives the same result as one batch', () => {
    const batches: number[] = [];
    const score = (batch: RankingCase[]) => {
      batches.push(batch.length);
      return Float32Array.from(batch.flatMap((c) => Array.from(scores.subarray(c.user * 5, c.user * 5 + 5))));
    };
    const many = Array.from({ length: 7 }, (_, i) => rc(i % 2, [], i % 2 === 0 ? 2 : 1));
    const one = rankCases(score, many, 5, (c) => `u${c.user}`, { batchSize: 100 });
    const small = rankCases(score, many, 5, (c) => `u${c.user}`, { batchSize: 3 });
    expect(batches).toEqual([7, 3, 3, 1]);
    expect(small).toEqual(one);
    // Repeated user names stay separate rows.
    expect(Object.keys(summariseRanking(one).perItem!)).toHaveLength(7);
  });

  it('rejects a scores buffer of the wrong size and a target outside the catalogue', () => {
    expect(() => rankRows(new Float32Array(9), 5, cases, users)).toThrow(/expected 2 cases × 5 items/);
    expect(() => rankRows(new Float32Array(5), 5, [rc(0, [], 7)], ['u'])).toThrow(/outside the catalogue/);
  });
});

describe('sampled-negative metrics (only when asked, labelled)', () => {
  const N = 50;
  // Item j scores j: item 49 beats everything, item 0 loses to everything.
  const row = Float32Array.from({ length: N }, (_, j) => j);
  const score = (batch: RankingCase[]) => {
    const out = new Float32Array(batch.length * N);
    batch.forEach((_, r) => out.set(row, r * N));
    return out;
  };

  it('ranks against n sampled negatives, never the target or excluded items, and labels the metrics', () => {
    const cases = [rc(0, [48], 49), rc(1, [], 0)];
    const ranked = rankCases(score, cases, N, (c) => `u${c.user}`, { sampledNegatives: 10, excludeSeen: true, seed: 1 });
    expect(ranked.map((r) => [r.rank, r.candidates, r.sampled])).toEqual([
      [1, 11, true],
      [11, 11, true],
    ]);
    const report = summariseRanking(ranked, [5, 10, 20]);
    expect(report.metrics).toEqual(rankingMetricNames([5, 10, 20], 10));
    expect(report.metrics[0]).toBe('sampled10_HR@5');
    expect(report.aggregate['sampled10_HR@10']).toBe(0.5);
    expect(report.aggregate['sampled10_HR@20']).toBe(1);
    expect(report.aggregate).not.toHaveProperty('HR@10');
    expect(report.aggregate).not.toHaveProperty('coverage@10');
  });

  it('the same seed gives the same sample; popularity sampling needs weights', () => {
    const cases = Array.from({ length: 5 }, (_, i) => rc(i, [], 25));
    const a = rankCases(score, cases, N, (c) => `u${c.user}`, { sampledNegatives: 5, seed: 7 });
    const b = rankCases(score, cases, N, (c) => `u${c.user}`, { sampledNegatives: 5, seed: 7, batchSize: 2 });
    expect(b.map((r) => r.rank)).toEqual(a.map((r) => r.rank));
    expect(() => rankCases(score, cases, N, (c) => `u${c.user}`, { sampledNegatives: 5, sampling: 'popularity' })).toThrow(/popularity sampling needs/);
    // All weight on items above the target: every negative outranks it.
    const weights = Float32Array.from({ length: N }, (_, j) => (j > 40 ? 1 : 0));
    const pop = rankCases(score, cases, N, (c) => `u${c.user}`, { sampledNegatives: 5, sampling: 'popularity', popularity: weights, seed: 3 });
    expect(pop.every((r) => r.rank === 6)).toBe(true);
  });

  it('full and sampled cases are not mixed in one summary', () => {
    const full: RankedCase = { user: 'a', rank: 1, candidates: 5, top: [0], catalogueSize: 5 };
    const sampled: RankedCase = { user: 'b', rank: 1, candidates: 11, top: [], catalogueSize: 5, sampled: true };
    expect(() => summariseRanking([full, sampled])).toThrow(/sampled and full-ranking/);
  });
});

describe('RankingEvaluator', () => {
  it('reports HR, NDCG, MRR at 5, 10, 20 and coverage', () => {
    const e = new RankingEvaluator();
    expect(e.task).toBe('recommend');
    expect(e.metrics).toEqual(['HR@5', 'NDCG@5', 'MRR@5', 'HR@10', 'NDCG@10', 'MRR@10', 'HR@20', 'NDCG@20', 'MRR@20', 'coverage@5', 'coverage@10', 'coverage@20']);
    const top = Array.from({ length: 20 }, (_, i) => i);
    const report = e.evaluate([
      { user: 'a', rank: 7, candidates: 100, top, catalogueSize: 100 },
      { user: 'b', rank: 30, candidates: 100, top, catalogueSize: 100 },
    ]);
    expect(report.aggregate['HR@5']).toBe(0);
    expect(report.aggregate['HR@10']).toBe(0.5);
    expect(report.aggregate['NDCG@10']).toBeCloseTo(0.5 / Math.log2(8), 12);
    expect(report.aggregate['MRR@20']).toBeCloseTo(0.5 / 7, 12);
    expect(report.aggregate['coverage@10']).toBe(0.1);
  });
});
