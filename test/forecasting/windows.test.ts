import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import type { ForecastDataset, Series } from '../../plugins/forecasting/contracts.js';
import { fillContext, instanceScale, seasonalDiffScale } from '../../plugins/forecasting/data/scaling.js';
import { ForecastWindows, covariateStats, splitCuts, validationWindowsFor, type Cut } from '../../plugins/forecasting/data/windows.js';
import { PERIOD_BUCKETS, periodBucket } from '../../plugins/forecasting/data/period.js';
import { monthly } from '../helpers/fixtures.js';

beforeAll(async () => {
  await useBackend('wasm');
});

function dataset(series: { values: number[]; covariates?: Record<string, number[]> }[], covariateNames: string[] = []): ForecastDataset {
  return {
    source: 'mem.csv',
    frequency: 'monthly',
    seasonalPeriod: 12,
    covariateNames,
    notices: [],
    series: series.map((s, i): Series => ({ id: `s${i}`, timestamps: monthly(s.values.length), values: s.values, covariates: s.covariates ?? {} })),
  };
}

const disposeBatch = (b: object) => tf.dispose(b as tf.TensorContainer);
const range = (n: number, f: (i: number) => number = (i) => i) => Array.from({ length: n }, (_, i) => f(i));

describe('instanceScale', () => {
  it('mean and population standard deviation of the observed range', () => {
    const s = instanceScale([1, 2, 3, 4]);
    expect(s.loc).toBeCloseTo(2.5, 12);
    expect(s.scale).toBeCloseTo(Math.sqrt(1.25), 12);
    // Only [start, end) counts.
    const sub = instanceScale([1000, 1, 2, 3, 4, -1000], 1, 5);
    expect(sub).toEqual(s);
    const t = instanceScale([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(t.loc).toBe(5);
    expect(t.scale).toBe(2);
  });

  it('falls back to the magnitude, or 1, for a flat history', () => {
    expect(instanceScale([5, 5, 5])).toEqual({ loc: 5, scale: 5 });
    expect(instanceScale([-3, -3])).toEqual({ loc: -3, scale: 3 });
    expect(instanceScale([0, 0, 0, 0])).toEqual({ loc: 0, scale: 1 });
    expect(instanceScale([7])).toEqual({ loc: 7, scale: 7 });
    // Nearly flat relative to the level counts as flat.
    expect(instanceScale([1e6, 1e6 + 1e-4]).scale).toBeCloseTo(1e6, 0);
    expect(instanceScale([], 0, 0)).toEqual({ loc: 0, scale: 1 });
    expect(instanceScale([1, 2, 3], 2, 2)).toEqual({ loc: 0, scale: 1 });
  });
});

describe('seasonalDiffScale', () => {
  it('is the mean |x_t - x_{t-p}| over the observed part of a row', () => {
    // Row at offset 6 of a buffer: 2 padded steps, then 1, 4, 2, 6 observed.
    const ctx = new Float32Array([9, 9, 9, 9, 9, 9, 0, 0, 1, 4, 2, 6]);
    const mask = new Float32Array([1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1]);
    expect(seasonalDiffScale(ctx, mask, 6, 6, 2)).toBeCloseTo((1 + 2) / 2, 6);
    expect(seasonalDiffScale(ctx, mask, 6, 6, 1)).toBeCloseTo((3 + 2 + 4) / 3, 6);
    // A season longer than the history shrinks to fit it (p = 3 here).
    expect(seasonalDiffScale(ctx, mask, 6, 6, 12)).toBeCloseTo(5, 6);
  });

  it('is NaN with fewer than two observed values', () => {
    expect(seasonalDiffScale(new Float32Array([0, 0, 3]), new Float32Array([0, 0, 1]), 0, 3, 1)).toBeNaN();
  });
});

describe('fillContext', () => {
  it('takes the last contextLength values before the cut, scaled, at the offset', () => {
    const values = range(10, (i) => i * 2); // 0,2,...,18
    const ctx = new Float32Array(12).fill(99);
    const mask = new Float32Array(12).fill(99);
    const s = fillContext(values, 8, 4, ctx, mask, 4);
    // values[4..7] = 8,10,12,14: mean 11, population std sqrt(5)
    expect(s.loc).toBe(11);
    expect(s.scale).toBeCloseTo(Math.sqrt(5), 12);
    const expected = [8, 10, 12, 14].map((v) => (v - 11) / Math.sqrt(5));
    Array.from(ctx.subarray(4, 8)).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(Array.from(mask.subarray(4, 8))).toEqual([1, 1, 1, 1]);
    // Nothing outside the row is touched.
    expect(Array.from(ctx.subarray(0, 4))).toEqual([99, 99, 99, 99]);
    expect(Array.from(ctx.subarray(8))).toEqual([99, 99, 99, 99]);
    expect(Array.from(mask.subarray(8))).toEqual([99, 99, 99, 99]);
  });

  it('never reads the value at or after the cut', () => {
    const a = range(10, (i) => Math.sin(i));
    const b = [...a.slice(0, 6), 1e9, -1e9, 1e9, 5];
    const [ca, cb, ma, mb] = [new Float32Array(5), new Float32Array(5), new Float32Array(5), new Float32Array(5)];
    expect(fillContext(a, 6, 5, ca, ma, 0)).toEqual(fillContext(b, 6, 5, cb, mb, 0));
    expect(cb).toEqual(ca);
  });

  it('left-pads a short history with zeros and mask 0', () => {
    const values = [2, 4, 6, 100];
    const ctx = new Float32Array(5).fill(99);
    const mask = new Float32Array(5).fill(99);
    const s = fillContext(values, 3, 5, ctx, mask, 0);
    expect(s.loc).toBe(4);
    expect(s.scale).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(Array.from(mask)).toEqual([0, 0, 1, 1, 1]);
    expect(ctx[0]).toBe(0);
    expect(ctx[1]).toBe(0);
    expect(ctx[2]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 6);
    expect(ctx[3]).toBeCloseTo(0, 6);
    expect(ctx[4]).toBeCloseTo(2 / Math.sqrt(8 / 3), 6);
  });

  it('maxHistory limits the observed part even when more history exists', () => {
    const values = range(20, (i) => i);
    const ctx = new Float32Array(6);
    const mask = new Float32Array(6);
    const s = fillContext(values, 10, 6, ctx, mask, 0, 3);
    expect(s.loc).toBe(8); // 7, 8, 9
    expect(Array.from(mask)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(ctx.subarray(0, 3))).toEqual([0, 0, 0]);
  });

  it('a flat history scales by its level (no division by zero)', () => {
    const ctx = new Float32Array(4);
    const mask = new Float32Array(4);
    const s = fillContext([3, 3, 3, 3, 3], 4, 4, ctx, mask, 0);
    expect(s).toEqual({ loc: 3, scale: 3 });
    expect(Array.from(ctx)).toEqual([0, 0, 0, 0]);
    expect(Array.from(ctx).every(Number.isFinite)).toBe(true);
  });
});

describe('splitCuts', () => {
  const H = 4;
  const ds = dataset([{ values: range(40) }, { values: range(30) }, { values: range(20) }, { values: range(9) }]);
  const lengths = ds.series.map((s) => s.values.length);

  it('test cut is n - h for every series, validation cut is n - 2h', () => {
    const c = splitCuts(ds, H);
    expect(c.test).toEqual(lengths.map((n, i) => ({ series: i, cut: n - H })));
    // The 9-point series still has 2 points before its validation window (9 - 8 = 1 < 2): no validation cut.
    expect(c.val).toEqual([
      { series: 0, cut: 32 },
      { series: 1, cut: 22 },
      { series: 2, cut: 12 },
    ]);
  });

  it('training targets end before the validation window; the last horizon never trains', () => {
    const c = splitCuts(ds, H);
    expect(c.train.length).toBeGreaterThan(0);
    for (const { series, cut } of c.train) {
      const n = lengths[series]!;
      expect(cut + H).toBeLessThanOrEqual(n - 2 * H);
      expect(cut).toBeGreaterThanOrEqual(8); // default minHistory
    }
    // Every allowed cut is used: 8..n-3h per series.
    const perSeries = lengths.map((n) => Math.max(0, n - 3 * H - 8 + 1));
    expect(c.train).toHaveLength(perSeries.reduce((a, b) => a + b, 0));
    expect(c.train.filter((x) => x.series === 0).map((x) => x.cut)).toEqual(range(28 - 8 + 1, (i) => 8 + i));
    expect(c.train.some((x) => x.series === 3)).toBe(false);
  });

  it('seriesFilter limits training and validation windows only; test keeps every series', () => {
    const c = splitCuts(ds, H, { seriesFilter: (i) => i === 1 });
    expect(c.test).toHaveLength(4);
    expect(c.val).toEqual([{ series: 1, cut: 22 }]);
    expect(new Set(c.train.map((x) => x.series))).toEqual(new Set([1]));
    expect(c.train).toHaveLength(30 - 12 - 8 + 1);
  });

  it('maxPerSeries keeps the most recent training windows', () => {
    const c = splitCuts(ds, H, { maxPerSeries: 3 });
    expect(c.train.filter((x) => x.series === 0).map((x) => x.cut)).toEqual([26, 27, 28]);
    expect(c.train.filter((x) => x.series === 1).map((x) => x.cut)).toEqual([16, 17, 18]);
    // Fewer candidates than the cap: all of them.
    expect(c.train.filter((x) => x.series === 2).map((x) => x.cut)).toEqual([8]);
  });

  it('valWindows validates on that many horizons before the test window; training ends before the earliest', () => {
    const c = splitCuts(ds, H, { valWindows: 3 });
    // Series 0 (40 points): validation cuts 32, 28, 24; the 20-point series has room for 12 and 8 only.
    expect(c.val.filter((x) => x.series === 0).map((x) => x.cut)).toEqual([32, 28, 24]);
    expect(c.val.filter((x) => x.series === 2).map((x) => x.cut)).toEqual([12, 8, 4]);
    for (const { series, cut } of c.train) expect(cut + H).toBeLessThanOrEqual(lengths[series]! - 4 * H);
    expect(Math.max(...c.train.filter((x) => x.series === 0).map((x) => x.cut))).toBe(40 - 5 * H);
  });

  it('validationWindowsFor: one window with many series, more (at most 4) with few', () => {
    expect(validationWindowsFor(152)).toBe(1);
    expect(validationWindowsFor(60)).toBe(1);
    expect(validationWindowsFor(38)).toBe(2);
    expect(validationWindowsFor(20)).toBe(3);
    expect(validationWindowsFor(16)).toBe(4);
    expect(validationWindowsFor(1)).toBe(4);
  });

  it('minHistory moves the first training cut', () => {
    const c = splitCuts(ds, H, { minHistory: 20 });
    expect(c.train.filter((x) => x.series === 0).map((x) => x.cut)).toEqual(range(9, (i) => 20 + i));
    expect(c.train.some((x) => x.series === 2)).toBe(false);
  });
});

describe('covariateStats', () => {
  const ds = dataset(
    [
      { values: range(6), covariates: { price: [1, 2, 3, 100, 100, 100], promo: [1, 1, 1, 1, 1, 1] } },
      { values: range(5), covariates: { price: [5, 7, 200, 200, 200], promo: [1, 1, 1, 1, 1] } },
    ],
    ['price', 'promo'],
  );

  it('mean and std over each series history before end(i)', () => {
    const s = covariateStats(ds, ['price'], (i) => (i === 0 ? 3 : 2));
    // 1, 2, 3, 5, 7: mean 3.6, population variance (1+4+9+25+49)/5 - 3.6² = 17.6 - 12.96 = 4.64
    expect(s.names).toEqual(['price']);
    expect(s.mean[0]).toBeCloseTo(3.6, 10);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(4.64), 10);
  });

  it('a constant covariate gets std 1; an absent one mean 0 and std 1; end past the data is clipped', () => {
    const s = covariateStats(ds, ['promo', 'missing'], () => 1000);
    expect(s.mean).toEqual([1, 0]);
    expect(s.std).toEqual([1, 1]);
  });
});

describe('ForecastWindows', () => {
  const L = 8;
  const H = 3;
  const values0 = range(20, (i) => 100 + 10 * Math.sin(i) + i);
  const values1 = range(14, (i) => 5 + (i % 4));
  const price0 = range(20, (i) => 10 + (i % 3));
  const price1 = range(14, (i) => 20 - i);
  const ds = dataset(
    [
      { values: values0, covariates: { price: price0 } },
      { values: values1, covariates: { price: price1 } },
    ],
    ['price'],
  );
  const stats = covariateStats(ds, ['price'], (i) => ds.series[i]!.values.length - 2 * H);
  const cuts: Cut[] = [
    { series: 0, cut: 15 },
    { series: 1, cut: 5 },
    { series: 0, cut: 20 },
  ];
  const w = new ForecastWindows(ds, cuts, { contextLength: L, horizon: H, covariates: stats });

  it('builds batches of the declared shapes', () => {
    expect(w.size).toBe(3);
    const b = w.batch([2, 0]);
    expect(b.input.context.shape).toEqual([2, L]);
    expect(b.input.mask.shape).toEqual([2, L]);
    expect(b.input.covariates!.shape).toEqual([2, H, 1]);
    expect(b.target.shape).toEqual([2, H]);
    disposeBatch(b);
    const plain = new ForecastWindows(ds, cuts, { contextLength: L, horizon: H });
    const p = plain.batch([0]);
    expect(p.input.covariates).toBeUndefined();
    expect(p.input.context.shape).toEqual([1, L]);
    disposeBatch(p);
  });

  it('rows hold the scaled context, mask and target of their cut, in the order asked', () => {
    const b = w.batch([1, 0]);
    const ctx = b.input.context.arraySync() as number[][];
    const mask = b.input.mask.arraySync() as number[][];
    const target = b.target.arraySync() as number[][];
    disposeBatch(b);
    // Row 0 is cut 1: series 1 at 5 -> 5 observed points, 3 padded.
    const s1 = instanceScale(values1, 0, 5);
    expect(mask[0]).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    expect(ctx[0]!.slice(0, 3)).toEqual([0, 0, 0]);
    ctx[0]!.slice(3).forEach((v, i) => expect(v).toBeCloseTo((values1[i]! - s1.loc) / s1.scale, 5));
    target[0]!.forEach((v, h) => expect(v).toBeCloseTo((values1[5 + h]! - s1.loc) / s1.scale, 5));
    // Row 1 is cut 0: series 0 at 15 -> values 7..14.
    const s0 = instanceScale(values0, 7, 15);
    expect(mask[1]).toEqual(new Array(L).fill(1));
    ctx[1]!.forEach((v, i) => expect(v).toBeCloseTo((values0[7 + i]! - s0.loc) / s0.scale, 5));
    target[1]!.forEach((v, h) => expect(v).toBeCloseTo((values0[15 + h]! - s0.loc) / s0.scale, 5));
    expect(w.loc[0]).toBeCloseTo(s0.loc, 12);
    expect(w.scale[1]).toBeCloseTo(s1.scale, 12);
  });

  it('weights each window by 1 / its context\'s seasonal-naive error (MASE scaling), the season shrunk to fit', () => {
    const b = w.batch([1, 0]);
    const weight = Array.from(b.weight!.dataSync());
    disposeBatch(b);
    // Series 1 at 5: 5 observed values 5,6,7,8,5; period 12 shrinks to 4: one difference |5 - 5| = 0 -> floor 0.1.
    expect(weight[0]).toBeCloseTo(10, 4);
    // Series 0 at 15: values 7..14 (8 observed); period 12 shrinks to 7: |x14 - x7| in scaled units.
    const s0 = instanceScale(values0, 7, 15);
    expect(weight[1]).toBeCloseTo(s0.scale / Math.abs(values0[14]! - values0[7]!), 4);
  });

  it('standardises covariates with the given stats, over the forecast window', () => {
    const b = w.batch([0, 1]);
    const cov = b.input.covariates!.arraySync() as number[][][];
    disposeBatch(b);
    const z = (x: number) => (x - stats.mean[0]!) / stats.std[0]!;
    cov[0]!.forEach(([v], h) => expect(v).toBeCloseTo(z(price0[15 + h]!), 5));
    cov[1]!.forEach(([v], h) => expect(v).toBeCloseTo(z(price1[5 + h]!), 5));
    // Standardised over the training part: mean 0, std 1 there.
    const train = [...price0.slice(0, 14), ...price1.slice(0, 8)].map(z);
    const m = train.reduce((a, x) => a + x, 0) / train.length;
    expect(m).toBeCloseTo(0, 10);
    expect(Math.sqrt(train.reduce((a, x) => a + (x - m) ** 2, 0) / train.length)).toBeCloseTo(1, 10);
  });

  it("every row carries the one-hot of the dataset's seasonal period", () => {
    const b = w.batch([0, 1, 2]);
    const period = b.input.period.arraySync() as number[][];
    disposeBatch(b);
    expect(period).toHaveLength(3);
    for (const row of period) {
      expect(row).toHaveLength(PERIOD_BUCKETS);
      expect(row.reduce((a, x) => a + x, 0)).toBe(1);
      expect(row[periodBucket(12)]).toBe(1);
    }
    const daily = new ForecastWindows({ ...ds, seasonalPeriod: 7 }, cuts.slice(0, 1), { contextLength: L, horizon: H });
    const d = daily.batch([0]);
    const row = (d.input.period.arraySync() as number[][])[0]!;
    disposeBatch(d);
    expect(row[periodBucket(7)]).toBe(1);
    expect(periodBucket(7)).not.toBe(periodBucket(12));
  });

  it('a window past the end of the data has target 0 and covariates at the mean', () => {
    const b = w.batch([2]);
    expect(Array.from(b.target.dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(b.input.covariates!.dataSync())).toEqual([0, 0, 0]);
    disposeBatch(b);
  });

  it('descale inverts the scaling', () => {
    for (const r of [0, 1]) {
      const { series, cut } = cuts[r]!;
      const scaledTarget = w.target.subarray(r * H, (r + 1) * H);
      const back = w.descale(r, scaledTarget);
      back.forEach((v, h) => expect(v).toBeCloseTo(ds.series[series]!.values[cut + h]!, 3));
      const scaledCtx = w.context.subarray(r * L, (r + 1) * L);
      const ctxBack = w.descale(r, scaledCtx);
      const observed = w.mask.subarray(r * L, (r + 1) * L);
      const start = cut - Array.from(observed).filter((x) => x === 1).length;
      ctxBack.forEach((v, i) => {
        if (observed[i] === 1) expect(v).toBeCloseTo(ds.series[series]!.values[start + i - (L - (cut - start))]!, 3);
      });
    }
    // A flat history: loc 10, scale 10 (its level), so descale is x*10 + 10.
    const flat = new ForecastWindows(dataset([{ values: [10, 10, 10, 12, 8, 10] }]), [{ series: 0, cut: 3 }], { contextLength: 4, horizon: 3 });
    expect(flat.loc[0]).toBe(10);
    expect(flat.scale[0]).toBe(10);
    expect(flat.descale(0, [0, 0.2, -0.2])).toEqual([10, 12, 8]);
  });
});
