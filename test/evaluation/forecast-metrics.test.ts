import { describe, expect, it } from 'vitest';
import { geometricMean, geometricMeanOf, mean, relativeScore } from '../../core/evaluation/aggregate.js';
import { compareToBaseline, ForecastEvaluator } from '../../plugins/forecasting/evaluation/forecast-evaluator.js';
import { mae, mase, rmse, seasonalNaiveScale, smape } from '../../plugins/forecasting/evaluation/forecast-metrics.js';
import type { ForecastCase } from '../../plugins/forecasting/contracts.js';

// Shared example: actual [1,2,3], forecast [2,2,5] -> errors |1|,|0|,|2|.
const actual = [1, 2, 3];
const forecast = [2, 2, 5];
const history = [1, 3, 2, 4, 3];

describe('point metrics', () => {
  it('MAE, RMSE, sMAPE by hand', () => {
    // MAE = (1 + 0 + 2) / 3 = 1
    expect(mae(actual, forecast)).toBeCloseTo(1, 12);
    // RMSE = sqrt((1 + 0 + 4) / 3) = sqrt(5/3)
    expect(rmse(actual, forecast)).toBeCloseTo(Math.sqrt(5 / 3), 12);
    // sMAPE terms: 200*1/(1+2) = 200/3, 200*0/4 = 0, 200*2/(3+5) = 50 -> (200/3 + 50) / 3 = 350/9
    expect(smape(actual, forecast)).toBeCloseTo(350 / 9, 10);
  });

  it('sMAPE counts a both-zero step as 0', () => {
    // terms: (0,0) -> 0, (0,1) -> 200*1/1 = 200, (1,1) -> 0 => 200/3
    expect(smape([0, 0, 1], [0, 1, 1])).toBeCloseTo(200 / 3, 10);
    expect(smape([0, 0], [0, 0])).toBe(0);
  });

  it('seasonal naive scale and MASE', () => {
    // m=1: |3-1|+|2-3|+|4-2|+|3-4| = 2+1+2+1 = 6 over 4 -> 1.5
    expect(seasonalNaiveScale(history, 1)).toBeCloseTo(1.5, 12);
    // m=2: |2-1|+|4-3|+|3-2| = 3 over 3 -> 1
    expect(seasonalNaiveScale(history, 2)).toBeCloseTo(1, 12);
    // m=5 needs 6 points; falls back to m=1 -> 1.5
    expect(seasonalNaiveScale(history, 5)).toBeCloseTo(1.5, 12);
    expect(seasonalNaiveScale([7], 1)).toBeNaN();
    // MASE = MAE / scale: 1 / 1.5 and 1 / 1
    expect(mase(actual, forecast, history, 1)).toBeCloseTo(2 / 3, 12);
    expect(mase(actual, forecast, history, 2)).toBeCloseTo(1, 12);
  });

  it('throws on length mismatch', () => {
    expect(() => mae([1, 2], [1])).toThrow();
    expect(() => rmse([1], [1, 2])).toThrow();
    expect(() => smape([1], [])).toThrow();
    expect(() => mase([1, 2], [1], history, 1)).toThrow();
  });
});

describe('aggregation', () => {
  it('mean and geometric mean', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNaN();
    // (1*4*16)^(1/3) = 64^(1/3) = 4
    expect(geometricMean([1, 4, 16])).toBeCloseTo(4, 12);
    // non-finite values ignored and counted: sqrt(2*8) = 4, 2 dropped
    expect(geometricMeanOf([2, NaN, 8, Infinity])).toEqual({ value: expect.closeTo(4, 12), dropped: 2 });
    expect(geometricMean([0, 5])).toBe(0);
  });

  it('relative score drops ratios with zero / non-finite baseline', () => {
    // ratios 1/2 = 0.5, 2/1 = 2, (3/0 dropped), 5/5 = 1 -> (0.5*2*1)^(1/3) = 1
    expect(relativeScore([1, 2, 3, 5], [2, 1, 0, 5])).toBeCloseTo(1, 12);
    // ratios 0.5, 0.125 -> sqrt(0.0625) = 0.25; NaN baseline dropped
    expect(relativeScore([1, 1, 4], [2, 8, NaN])).toBeCloseTo(0.25, 12);
    expect(() => relativeScore([1], [1, 2])).toThrow();
  });

  it('relative score floors an exact series at 0.01 instead of zeroing the mean', () => {
    // ratios 0 -> 0.01 and 4 -> sqrt(0.04) = 0.2 (unfloored, the geometric mean would be 0)
    expect(relativeScore([0, 4], [2, 1])).toBeCloseTo(0.2, 12);
  });
});

describe('ForecastEvaluator', () => {
  const cases: ForecastCase[] = [
    { seriesId: 's1', history, actual, forecast, seasonalPeriod: 2 },
    // s2: errors 0, 2 -> MAE 1, RMSE sqrt(4/2) = sqrt(2), sMAPE (0 + 200*2/10)/2 = 20;
    // scale m=1: |2-0|,|4-2| -> 2, MASE = 1/2
    { seriesId: 's2', history: [0, 2, 4], actual: [4, 4], forecast: [4, 6], seasonalPeriod: 1 },
  ];

  it('reports per-series and mean-over-series rows', () => {
    const ev = new ForecastEvaluator();
    expect(ev.id).toBe('forecast-metrics');
    expect(ev.task).toBe('forecast');
    const report = ev.evaluate(cases);
    expect(report.metrics).toEqual(['MAE', 'RMSE', 'sMAPE', 'MASE']);
    const s1 = report.perItem!['s1']!;
    expect(s1['MAE']).toBeCloseTo(1, 12);
    expect(s1['RMSE']).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(s1['sMAPE']).toBeCloseTo(350 / 9, 10);
    expect(s1['MASE']).toBeCloseTo(1, 12);
    const s2 = report.perItem!['s2']!;
    expect(s2['RMSE']).toBeCloseTo(Math.SQRT2, 12);
    expect(s2['sMAPE']).toBeCloseTo(20, 12);
    expect(s2['MASE']).toBeCloseTo(0.5, 12);
    // aggregate = arithmetic mean over the two series
    expect(report.aggregate['MAE']).toBeCloseTo(1, 12);
    expect(report.aggregate['RMSE']).toBeCloseTo((Math.sqrt(5 / 3) + Math.SQRT2) / 2, 12);
    expect(report.aggregate['sMAPE']).toBeCloseTo((350 / 9 + 20) / 2, 10);
    expect(report.aggregate['MASE']).toBeCloseTo(0.75, 12);
  });

  it('leaves non-finite MASE out of the mean and counts it', () => {
    // flat history -> scale 0 -> MASE = 1/0 = Infinity for s3
    const report = new ForecastEvaluator().evaluate([
      ...cases,
      { seriesId: 's3', history: [5, 5, 5], actual: [5], forecast: [6], seasonalPeriod: 1 },
    ]);
    expect(report.aggregate['MASE']).toBeCloseTo(0.75, 12);
    expect(report.aggregate['MASE_dropped']).toBe(1);
  });

  it('compares to a baseline with geometric-mean ratios', () => {
    const ev = new ForecastEvaluator();
    const model = ev.evaluate(cases);
    // baseline: s1 forecast [3,3,3] -> MAE (2+1+0)/3 = 1, MASE 1/1 = 1;
    //           s2 forecast [6,6]   -> MAE 2, MASE 2/2 = 1
    const base = ev.evaluate([
      { ...cases[0]!, forecast: [3, 3, 3] },
      { ...cases[1]!, forecast: [6, 6] },
    ]);
    // MAE ratios 1/1, 1/2 -> sqrt(0.5); MASE ratios 1/1, 0.5/1 -> sqrt(0.5)
    const rel = compareToBaseline(model, base);
    expect(rel.relMAE).toBeCloseTo(Math.SQRT1_2, 12);
    expect(rel.relMASE).toBeCloseTo(Math.SQRT1_2, 12);
    expect(() => compareToBaseline(model, ev.evaluate([cases[0]!]))).toThrow();
  });
});
