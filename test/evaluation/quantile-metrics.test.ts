import { describe, expect, it } from 'vitest';
import { coverage, msis, pinball, quantileLossSums, wql } from '../../plugins/forecasting/evaluation/quantile-metrics.js';

describe('quantile metrics (hand-computed)', () => {
  it('pinball loss weights under- and over-forecasts by the level', () => {
    expect(pinball(10, 8, 0.9)).toBeCloseTo(1.8, 12); // under by 2: 2 × 0.9
    expect(pinball(10, 12, 0.9)).toBeCloseTo(0.2, 12); // over by 2: 2 × 0.1
    expect(pinball(10, 10, 0.5)).toBe(0);
  });

  it('WQL: 2·Σ pinball / Σ|y|, averaged over levels', () => {
    const actual = [10, 20];
    const levels = [0.1, 0.5, 0.9];
    const q = [[8, 15], [10, 20], [12, 26]];
    // q0.1: (10-8)·0.1 + (20-15)·0.1 = 0.7; q0.5: 0; q0.9: (12-10)·0.1 + (26-20)·0.1 = 0.8
    // loss = 2·(0.7 + 0 + 0.8) = 3; scale = 30; WQL = 3 / (30 · 3) = 1/30
    expect(quantileLossSums(actual, levels, q)).toEqual({ loss: expect.closeTo(3, 12), scale: 30 });
    expect(wql(actual, levels, q)).toBeCloseTo(1 / 30, 12);
    expect(Number.isNaN(wql([0, 0], [0.5], [[1, 1]]))).toBe(true);
  });

  it('MSIS: width plus 2/alpha times the miss, scaled by the seasonal-naive MAE', () => {
    // history 1,2,3,4 (m = 1): scale 1. alpha 0.2 (80% interval).
    // step 1: y=5 inside [4, 6] -> 2; step 2: y=9 above [4, 7] by 2 -> 3 + 10·2 = 23; mean 12.5
    expect(msis([5, 9], [4, 4], [6, 7], [1, 2, 3, 4], 1, 0.2)).toBeCloseTo(12.5, 12);
  });

  it('coverage: the share of actual values at or below each quantile', () => {
    expect(coverage([1, 2, 3, 4], [0.25, 0.75], [[1, 1, 1, 1], [3, 3, 3, 5]])).toEqual([0.25, 1]);
  });
});
