import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { builtinPlugins } from '../../plugins/index.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import { QuantileForecastHead, parseQuantileLevels } from '../../plugins/forecasting/heads/quantile-forecast-head.js';
import { UsageError } from '../../core/errors.js';
import { seasonalDataset, tempDir } from '../helpers/fixtures.js';
import { PERIOD_BUCKETS } from '../../plugins/forecasting/data/period.js';

let service: ForecastService;
beforeAll(async () => {
  await useBackend('wasm');
  service = createContainer(builtinPlugins).get<ForecastService>(FORECAST_SERVICE);
});

describe('quantile levels', () => {
  it('are sorted, deduplicated, always include the median, and must lie in (0, 1)', () => {
    expect(parseQuantileLevels('0.9,0.1,0.1')).toEqual([0.1, 0.5, 0.9]);
    expect(() => parseQuantileLevels('0.1,1.2')).toThrow(UsageError);
    expect(() => parseQuantileLevels('0,0.5')).toThrow(/in \(0, 1\)/);
  });
});

describe('quantile forecast head', () => {
  const config = { head: 'quantile-forecast', embeddingSize: 8, outputs: 3, covariates: [], options: { levels: '0.05,0.25,0.5,0.75,0.95' } };
  const input = {
    context: tf.randomNormal([6, 16], 0, 1, 'float32', 1) as tf.Tensor2D,
    mask: tf.ones([6, 16]) as tf.Tensor2D,
    period: tf.oneHot(tf.tensor1d([1, 1, 1, 1, 1, 1], 'int32'), PERIOD_BUCKETS).toFloat() as tf.Tensor2D,
  };

  it('never crosses, whatever the weights', () => {
    for (const seed of [1, 2, 3]) {
      const head = new QuantileForecastHead().create(config, { seed });
      const out = head.predict({ hidden: tf.randomNormal([6, 8], 0, 5, 'float32', seed) as tf.Tensor2D }, input, false).arraySync() as number[][];
      for (const row of out) {
        for (let h = 0; h < 3; h++) for (let k = 1; k < 5; k++) expect(row[k * 3 + h]!).toBeGreaterThan(row[(k - 1) * 3 + h]!);
      }
    }
  });

  it('scores with twice the pinball loss: the median term is the absolute error (hand-computed)', () => {
    const head = new QuantileForecastHead().create({ ...config, outputs: 1, options: { levels: '0.1,0.9' } }, { seed: 1 });
    // levels 0.1, 0.5, 0.9 forecast 1, 2, 3 for a target of 4: 2·mean(0.1·3, 0.5·2, 0.9·1) = 2·2.2/3
    const loss = head.loss(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[4]])).dataSync()[0]!;
    expect(loss).toBeCloseTo((2 * (0.3 + 1 + 0.9)) / 3, 5);
  });
});

describe('transfer with --quantiles', () => {
  it('probe trains quantiles whose median is the point forecast; they survive save and load; zero-shot is refused', async () => {
    const ds = seasonalDataset({ series: 6, length: 60 });
    const o = await service.transfer(ds, { backbone: 'patch-mixer-s', strategy: 'probe', horizon: 4, quantiles: [0.1, 0.5, 0.9], epochs: 2, maxStepsPerEpoch: 4, combine: 'none' });
    const f = o.forecaster;
    expect(f.quantileLevels).toEqual([0.1, 0.5, 0.9]);
    const cuts = ds.series.map((s, i) => ({ series: i, cut: s.values.length - 4 }));
    const q = f.predictQuantiles(ds, cuts);
    const point = f.predict(ds, cuts);
    q.forEach((levels, i) => {
      expect(levels[1]!.map((v) => +v.toFixed(6))).toEqual(point[i]!.map((v) => +v.toFixed(6)));
      for (let h = 0; h < 4; h++) expect(levels[0]![h]!).toBeLessThanOrEqual(levels[2]![h]!);
    });
    const dir = tempDir('hs-quantiles-');
    await service.save(f, dir);
    const again = await service.load(dir);
    expect(again.quantileLevels).toEqual([0.1, 0.5, 0.9]);
    expect(again.predictQuantiles(ds, cuts)).toEqual(q);
    const scores = service.evaluateQuantiles(ds, again, 'probe');
    expect(scores.map((r) => r.name)).toEqual(expect.arrayContaining(['probe', 'seasonal-naive', 'ets']));
    for (const r of scores) {
      expect(Number.isFinite(r.WQL) && r.WQL > 0).toBe(true);
      expect(r.interval).toBeCloseTo(0.8, 12);
      expect(r.coverage[0]!).toBeLessThanOrEqual(r.coverage[2]!);
    }
    // Zero-shot needs a pretrained quantile head at the levels asked for.
    await expect(service.transfer(ds, { backbone: 'patch-mixer-s', strategy: 'zero-shot', horizon: 4, quantiles: [0.33, 0.5] })).rejects.toThrow(/zero-shot quantiles need a quantile head pretrained/);
  });
});

describe('scoreQuantiles', () => {
  it('pools WQL and coverage over series and averages MSIS (hand-computed)', async () => {
    const { scoreQuantiles } = await import('../../plugins/forecasting/services/quantile-scoring.js');
    const ds = {
      source: 'mem', frequency: 'monthly' as const, seasonalPeriod: 1, covariateNames: [], notices: [],
      series: [
        { id: 'a', values: [1, 2, 3, 4, 10], timestamps: [0, 1, 2, 3, 4], covariates: {} },
        { id: 'b', values: [2, 2, 2, 2, 2], timestamps: [0, 1, 2, 3, 4], covariates: {} },
      ],
    };
    const cuts = [{ series: 0, cut: 4 }, { series: 1, cut: 4 }];
    // a: y=10, quantiles 8,9,11 (levels .1,.5,.9): pinball .1·2 + .5·1 + .1·1 = .8; b: y=2, quantiles 1,2,3: .1·1 + 0 + .1·1 = .2
    // WQL = 2·(.8 + .2) / ((10 + 2) · 3) = 1/18
    const r = scoreQuantiles('m', ds, cuts, [0.1, 0.5, 0.9], [[[8], [9], [11]], [[1], [2], [3]]], 1);
    expect(r.WQL).toBeCloseTo(1 / 18, 12);
    expect(r.coverage).toEqual([0, 0.5, 1]);
    // MSIS (alpha .2): a width 3, scale 1 -> 3; b width 2, scale: history 2,2,2,2 has no change -> NaN, left out
    expect(r.MSIS).toBeCloseTo(3, 12);
    expect(r.interval).toBeCloseTo(0.8, 12);
    // Per series: a 2·.8 / (10·3), b 2·.2 / (2·3); a's 10 sits above q.5, b's 2 at it.
    expect(r.perSeries.a!.WQL).toBeCloseTo(1.6 / 30, 12);
    expect(r.perSeries.b!.WQL).toBeCloseTo(0.4 / 6, 12);
    expect(r.perSeries.a!.coverage).toEqual([0, 0, 1]);
    expect(r.perSeries.b!.coverage).toEqual([0, 1, 1]);
    expect(r.perSeries.a!.MSIS).toBeCloseTo(3, 12);
    expect(r.perSeries.b!.MSIS).not.toBeLessThan(Infinity); // scale 0: not finite, left out of the mean
  });
});

describe('zero-shot quantiles from the shipped quantile head', () => {
  it('reports the levels asked for, never crossing, median equal to the point forecast', async () => {
    const ds = seasonalDataset({ series: 4, length: 60 });
    const o = await service.transfer(ds, { backbone: 'patch-mixer-s', strategy: 'zero-shot', horizon: 6, quantiles: [0.1, 0.5, 0.9], combine: 'none' });
    const f = o.forecaster;
    expect(f.quantileLevels).toEqual([0.1, 0.5, 0.9]);
    const cuts = ds.series.map((s, i) => ({ series: i, cut: s.values.length - 6 }));
    const q = f.predictQuantiles(ds, cuts);
    const point = f.predict(ds, cuts);
    q.forEach((levels, i) => {
      expect(levels).toHaveLength(3);
      for (let h = 0; h < 6; h++) {
        expect(levels[1]![h]!).toBeCloseTo(point[i]![h]!, 6);
        expect(levels[0]![h]!).toBeLessThan(levels[1]![h]!);
        expect(levels[1]![h]!).toBeLessThan(levels[2]![h]!);
      }
    });
  });
});
