import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { mae } from '../../plugins/forecasting/evaluation/forecast-metrics.js';
import { EtsBaseline } from '../../plugins/forecasting/baselines/ets.js';
import { NaiveBaseline } from '../../plugins/forecasting/baselines/naive.js';
import { SeasonalNaiveBaseline } from '../../plugins/forecasting/baselines/seasonal-naive.js';

describe('naive baselines', () => {
  it('naive repeats the last value', () => {
    expect(new NaiveBaseline().forecast([1, 2, 3], 3, 1)).toEqual([3, 3, 3]);
  });

  it('seasonal naive repeats the last season', () => {
    const b = new SeasonalNaiveBaseline();
    // last season of length 2 is [4,5] -> 4,5,4,5,4
    expect(b.forecast([1, 2, 3, 4, 5], 5, 2)).toEqual([4, 5, 4, 5, 4]);
    // m=1 and history shorter than m both mean naive
    expect(b.forecast([1, 2, 3, 4, 5], 3, 1)).toEqual([5, 5, 5]);
    expect(b.forecast([1, 2, 3, 4, 5], 2, 7)).toEqual([5, 5]);
  });
});

// 10 + 0.5 t + 3 sin(2πt/12): seasonal naive misses the trend by 0.5*12 = 6 every step.
const series = Array.from({ length: 108 }, (_, t) => 10 + 0.5 * t + 3 * Math.sin((2 * Math.PI * t) / 12));
const train = series.slice(0, 96);
const test = series.slice(96);

describe('ETS baseline (augurs)', () => {
  it('beats seasonal naive clearly on trend + season', () => {
    const ets = new EtsBaseline();
    const f = ets.forecast(train, 12, 12);
    const snaive = new SeasonalNaiveBaseline().forecast(train, 12, 12);
    expect(mae(test, snaive)).toBeCloseTo(6, 6);
    expect(mae(test, f)).toBeLessThan(0.25 * mae(test, snaive));
    expect(ets.fallbacks).toBe(0);
  });

  it('uses non-seasonal AutoETS when m = 1', () => {
    const f = new EtsBaseline().forecast(train, 5, 1);
    expect(f).toHaveLength(5);
    expect(f.every(Number.isFinite)).toBe(true);
  });

  it('returns finite values on a constant series', () => {
    const f = new EtsBaseline().forecast(new Array(40).fill(5), 6, 12);
    expect(f).toHaveLength(6);
    for (const v of f) expect(v).toBeCloseTo(5, 3);
  });

  it('falls back to seasonal naive (and counts it) when augurs cannot fit', () => {
    const ets = new EtsBaseline();
    const f = ets.forecast([3], 2, 1);
    expect(f).toEqual([3, 3]);
    expect(ets.fallbacks).toBe(1);
  });
});

describe('DI', () => {
  it('resolves every baseline from an inversify container', () => {
    const c = new Container();
    c.bind(NaiveBaseline).toSelf();
    c.bind(SeasonalNaiveBaseline).toSelf();
    c.bind(EtsBaseline).toSelf();
    expect(c.get(EtsBaseline).id).toBe('ets');
    expect(c.get(NaiveBaseline).id).toBe('naive');
    expect(c.get(SeasonalNaiveBaseline).id).toBe('seasonal-naive');
  });

  it('fits MSTL at the minimum length 2m + 1', () => {
    const ets = new EtsBaseline();
    const f = ets.forecast(series.slice(0, 25), 12, 12);
    expect(f.every(Number.isFinite)).toBe(true);
    expect(ets.fallbacks).toBe(0);
  });
});

describe('baseline quantiles', () => {
  it('seasonal naive: point plus centred residual quantiles, widened by √(seasons ahead) (hand-computed)', async () => {
    const { seasonalNaiveQuantiles } = await import('../../plugins/forecasting/baselines/seasonal-naive.js');
    // m = 2, history 1,2,2,4,3,4: seasonal differences 1,2,1,0 -> sorted 0,1,1,2; median 1
    // q0.25 = 0.75 - 1 = -0.25, q0.75 = 1.25 - 1 = 0.25; point = 3,4,3,4; steps 3-4 are 2 seasons ahead (×√2)
    const [lo, mid, hi] = seasonalNaiveQuantiles([1, 2, 2, 4, 3, 4], 4, 2, [0.25, 0.5, 0.75]);
    expect(mid).toEqual([3, 4, 3, 4]);
    [2.75, 3.75, 3 - 0.25 * Math.SQRT2, 4 - 0.25 * Math.SQRT2].forEach((v, i) => expect(lo![i]).toBeCloseTo(v, 12));
    [3.25, 4.25, 3 + 0.25 * Math.SQRT2, 4 + 0.25 * Math.SQRT2].forEach((v, i) => expect(hi![i]).toBeCloseTo(v, 12));
  });

  it('ETS: its own intervals, median equal to the point forecast, never crossing, widening with the level', () => {
    const ets = new EtsBaseline();
    const levels = [0.05, 0.1, 0.5, 0.9, 0.95];
    const q = ets.forecastQuantiles(train, 12, 12, levels);
    expect(q[2]).toEqual(ets.forecast(train, 12, 12));
    for (let t = 0; t < 12; t++) for (let k = 1; k < levels.length; k++) expect(q[k]![t]!).toBeGreaterThanOrEqual(q[k - 1]![t]!);
    expect(q[4]![0]! - q[0]![0]!).toBeGreaterThan(q[3]![0]! - q[1]![0]!);
    expect(ets.fallbacks).toBe(0);
  });
});
