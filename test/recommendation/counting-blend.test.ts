import { describe, expect, it } from 'vitest';
import { blendLabel, blendRow, blendedScorer, chooseBlend, clearlyPositive, countingScorerOf } from '../../plugins/recommendation/services/counting-blend.js';
import { fitStatisticsOf } from '../../plugins/recommendation/data/stats-io.js';
import { fitTransitions } from '../../plugins/recommendation/data/stats.js';
import type { RankingCase } from '../../plugins/recommendation/contracts.js';
import { blendSummary } from '../../plugins/recommendation/services/report.js';

describe('counting blend', () => {
  it('blendRow is log(w·p_model + (1 − w)·p_counting), and the two ends return the parts unchanged', () => {
    const pm = Float64Array.from([0.7, 0.2, 0.1]);
    const pc = Float64Array.from([0, 0.25, 0.75]);
    const rawModel = [2, 0.5, -1];
    const rawCounting = [-1, 0.5, 1.5];
    const out = new Float32Array(3);
    blendRow(pm, pc, rawModel, rawCounting, 0.4, out);
    expect(Array.from(out)).toEqual([Math.log(0.28 + 1e-12), Math.log(0.08 + 0.15 + 1e-12), Math.log(0.04 + 0.45 + 1e-12)].map(Math.fround));
    blendRow(pm, pc, rawModel, rawCounting, 1, out);
    expect(Array.from(out)).toEqual(rawModel);
    blendRow(pm, pc, rawModel, rawCounting, 0, out);
    expect(Array.from(out)).toEqual(rawCounting);
  });

  it('chooseBlend: a model that knows the targets gets the smallest share that ranks as well as the best; a useless one leaves counting', () => {
    // Three items in a cycle 0 -> 1 -> 2 -> 0: counting knows the successor of every item.
    const sequences = Array.from({ length: 20 }, (_, u) => Array.from({ length: 6 }, (_, t) => (u + t) % 3));
    const fit = fitStatisticsOf(sequences, fitTransitions(sequences, 3), 2);
    const counting = countingScorerOf(fit, false);
    // Targets break the cycle (always item 0): counting is wrong on two histories of three.
    const cases: RankingCase[] = [0, 1, 2].map((last, user) => ({ user, history: [last], target: 0 }));
    const oracle = (cs: RankingCase[]) => Float32Array.from(cs.flatMap((c) => [0, 1, 2].map((j) => (j === c.target ? 5 : 0))));
    const good = chooseBlend(oracle, counting, cases);
    const perfect = good.ndcgByWeight.filter((c) => c.ndcg === 1).map((c) => c.modelWeight);
    expect(perfect).toContain(1);
    expect(good.modelWeight).toBe(Math.min(...perfect));
    expect(good.ndcgByWeight.find((c) => c.modelWeight === 0)!.ndcg).toBeLessThan(1);
    // A constant model ranks ties against the target; counting (w 0) is as good as anything.
    const flat = chooseBlend((cs) => new Float32Array(cs.length * 3), counting, cases);
    expect(flat.modelWeight).toBe(0);
    expect(flat.ndcgByWeight.find((c) => c.modelWeight === 1)!.ndcg).toBeLessThan(flat.ndcgByWeight[0]!.ndcg);
    // The scorer under weight 0 returns the counting scores themselves.
    const zero = blendedScorer(oracle, counting, { modelWeight: 0, historyLast: false })(cases);
    expect(Array.from(zero)).toEqual(Array.from(counting.scoreBatch(cases.map((c) => c.history))));
  });

  it('a weight leaves counting only when its gain is clear of the case-to-case noise', () => {
    // Mean +0.25 with a standard error of 0.48: luck. Mean +0.75, standard error 0.25: clear.
    expect(clearlyPositive([1, -1, 1, 0])).toBe(false);
    expect(clearlyPositive([1, 1, 1, 0])).toBe(true);
    expect(clearlyPositive([0, 0, 0])).toBe(false);
    expect(clearlyPositive([])).toBe(false);
  });

  it('labels say what ranks', () => {
    expect(blendLabel('probe', undefined)).toBe('probe');
    expect(blendLabel('probe', { modelWeight: 1, historyLast: false })).toBe('probe');
    expect(blendLabel('probe', { modelWeight: 0.3, historyLast: false })).toBe('probe + counting (w 0.30)');
    expect(blendLabel('probe', { modelWeight: 0, historyLast: true })).toBe('probe → counting (w 0)');
  });

  it('the summary of a choice of counting alone says whether counting ranked best or the model\'s edge was within the noise', () => {
    const curve = (ndcgs: number[]) => ndcgs.map((ndcg, i) => ({ modelWeight: [0, 0.5, 1][i]!, ndcg }));
    const best = blendSummary({ modelWeight: 0, ndcgByWeight: curve([0.07, 0.06, 0.05]) }).text;
    expect(best).toMatch(/^combined with counting: counting alone ranks validation best \(NDCG@10 0\.0700\), so the saved model ranks as the counting baseline/);
    const noise = blendSummary({ modelWeight: 0, ndcgByWeight: curve([0.0712, 0.0716, 0.0714]) }).text;
    expect(noise).toMatch(/no share of the model ranks validation clearly better than counting alone \(NDCG@10 0\.0712; the best, model share 0\.50, 0\.0716, is within one standard error of it\)/);
  });
});
