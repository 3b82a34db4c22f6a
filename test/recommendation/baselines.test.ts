import { describe, expect, it } from 'vitest';
import type { RankingCase } from '../../plugins/recommendation/contracts.js';
import { rankCases, summariseRanking, topItems } from '../../plugins/recommendation/evaluation/ranking-metrics.js';
import { MarkovBaseline } from '../../plugins/recommendation/baselines/markov.js';
import { MostPopularBaseline } from '../../plugins/recommendation/baselines/most-popular.js';
import { CooccurrenceBaseline, repeatShare } from '../../plugins/recommendation/baselines/cooccurrence.js';

const sequences = [
  [0, 1, 2],
  [0, 1, 3],
  [1, 2, 1],
];
const data = { catalogueSize: 4, sequences };
const rows = (scores: Float32Array, n: number) => Array.from({ length: scores.length / n }, (_, r) => Array.from(scores.subarray(r * n, (r + 1) * n)));

describe('most popular', () => {
  it('scores every item by its training count, the same for every history', () => {
    const s = new MostPopularBaseline().fit(data);
    expect(s.catalogueSize).toBe(4);
    expect(rows(s.scoreBatch([[0], [], [3, 2]]), 4)).toEqual([
      [2, 4, 2, 1],
      [2, 4, 2, 1],
      [2, 4, 2, 1],
    ]);
  });
});

describe('first-order Markov', () => {
  const markov = new MarkovBaseline().fit(data);

  it('scores successors of the last item by transition count; popularity (< 1 count) breaks ties', () => {
    // Counts [2, 4, 2, 1] -> tie-break counts / 5; item 1 was followed by 2 twice and by 3 once.
    const [afterOne, afterThree, empty, unknown] = rows(markov.scoreBatch([[0, 1], [3], [], [9]]), 4);
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    close(afterOne!, [0.4, 0.8, 2.4, 1.2]);
    expect(topItems(afterOne!, 4)).toEqual([2, 3, 1, 0]);
    // No successor recorded (3), no history, or an id outside the catalogue: popularity order.
    close(afterThree!, [0.4, 0.8, 0.4, 0.2]);
    close(empty!, [0.4, 0.8, 0.4, 0.2]);
    close(unknown!, [0.4, 0.8, 0.4, 0.2]);
  });

  it('only the last item matters (first order)', () => {
    const [a, b] = rows(markov.scoreBatch([[2, 3, 0, 1], [1]]), 4);
    expect(a).toEqual(b);
  });

  it('on a log with a deterministic next step it ranks the target first, where popularity cannot', () => {
    // Item k is always followed by item k + 1 (mod 6); item 0 is the most popular.
    const seqs = Array.from({ length: 30 }, (_, u) => Array.from({ length: 5 }, (_, t) => (u + t) % 6).concat(u % 3 === 0 ? [0, 0] : []));
    const cases: RankingCase[] = [0, 1, 2, 3, 4, 5].map((k) => ({ user: k, history: [(k + 5) % 6], target: k }));
    const evaluate = (b: MarkovBaseline | MostPopularBaseline) => {
      const s = b.fit({ catalogueSize: 6, sequences: seqs });
      return summariseRanking(rankCases((batch) => s.scoreBatch(batch.map((c) => c.history)), cases, 6, (c) => `u${c.user}`, { ks: [1, 5] }), [1, 5]).aggregate;
    };
    expect(evaluate(new MarkovBaseline())['HR@1']).toBe(1);
    expect(evaluate(new MostPopularBaseline())['HR@1']).toBeLessThan(0.5);
  });
});

describe('co-occurrence counting', () => {
  const cooc = new CooccurrenceBaseline().fit(data);
  const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));

  it('adds P(j | last), ½ P(j | second-last) and the recent items\' co-occurrence shares weighted 1 / steps ago', () => {
    // Transitions 0->1 ×2, 1->2 ×2, 1->3, 2->1. Co-occurrence (1 / distance, both orders, no self pairs):
    // item 1 {0: 2, 2: 3, 3: 1} (total 6), item 0 {1: 2, 2: .5, 3: .5} (total 3).
    // History [0, 1]: item 0 gets 2/6; item 1 gets ½·2/2 + (2/3)/2; item 2 gets 2/3 + 3/6 + (.5/3)/2;
    // item 3 gets 1/3 + 1/6 + (.5/3)/2.
    const [scores] = rows(cooc.scoreBatch([[0, 1]]), 4);
    close(scores!, [1 / 3, 0.5 + 1 / 3, 2 / 3 + 0.5 + 1 / 12, 1 / 3 + 1 / 6 + 1 / 12]);
    expect(topItems(scores!, 4)).toEqual([2, 1, 3, 0]);
  });

  it('on a log without repeats ranks the history\'s own items last (this log has one: they keep their evidence)', () => {
    expect(repeatShare(data.sequences)).toBeCloseTo(1 / 6, 9);
    const noRepeats = new CooccurrenceBaseline().fit({ catalogueSize: 4, sequences: [[0, 1, 2], [0, 1, 3], [1, 2, 0]] });
    expect(repeatShare([[0, 1, 2], [0, 1, 3], [1, 2, 0]])).toBe(0);
    const [scores] = rows(noRepeats.scoreBatch([[0, 1]]), 4);
    expect(scores![0]).toBe(-1);
    expect(scores![1]).toBe(-1);
    expect(Math.min(scores![2]!, scores![3]!)).toBeGreaterThan(0);
  });

  it('with no evidence (empty history, unknown item) ranks by popularity only', () => {
    const [empty, unknown] = rows(cooc.scoreBatch([[], [9]]), 4);
    expect(topItems(empty!, 4)).toEqual([1, 0, 2, 3]);
    expect(unknown).toEqual(empty);
    expect(Math.max(...empty!)).toBeLessThan(1e-5);
  });
});
