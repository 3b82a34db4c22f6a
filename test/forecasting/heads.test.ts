import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { LinearForecastHead } from '../../plugins/forecasting/heads/linear-forecast-head.js';
import { ResidualMlpForecastHead } from '../../plugins/forecasting/heads/residual-mlp-forecast-head.js';
import type { ForecastInput } from '../../plugins/forecasting/contracts.js';
import { seasonalAnchor } from '../../plugins/forecasting/heads/seasonal-anchor.js';
import { PERIOD_BUCKETS, fillPeriod } from '../../plugins/forecasting/data/period.js';

beforeAll(async () => {
  await useBackend('wasm');
});

function periodToken(rows: number, period: number): tf.Tensor2D {
  const out = new Float32Array(rows * PERIOD_BUCKETS);
  for (let r = 0; r < rows; r++) fillPeriod(out, r, period);
  return tf.tensor2d(out, [rows, PERIOD_BUCKETS]);
}

describe('seasonal anchor', () => {
  // Two rows of 8 steps: a full history, and one with only the last 3 steps observed.
  const context = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 6, 7, 8]]);
  const mask = tf.tensor2d([[1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 1, 1, 1]]);

  it('repeats the last season, with the period taken from the period token', () => {
    expect(seasonalAnchor(context, mask, periodToken(2, 4), 6).arraySync()).toEqual([
      [5, 6, 7, 8, 5, 6],
      // Season values in the padding fall back to the last observed value.
      [8, 6, 7, 8, 8, 6],
    ]);
  });

  it('is the last value (naive) for period 1 and for periods outside the known buckets', () => {
    expect(seasonalAnchor(context, mask, periodToken(2, 1), 3).arraySync()).toEqual([[8, 8, 8], [8, 8, 8]]);
    expect(seasonalAnchor(context, mask, periodToken(2, 5), 3).arraySync()).toEqual([[8, 8, 8], [8, 8, 8]]);
  });
});

describe('forecast heads', () => {
  const pretrained = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 16, outputs: 10, covariates: [] }, { seed: 3 });
  const hidden = tf.randomNormal([5, 16], 0, 1, 'float32', 9) as tf.Tensor2D;
  const input: ForecastInput = {
    context: tf.randomNormal([5, 24], 0, 1, 'float32', 5) as tf.Tensor2D,
    mask: tf.ones([5, 24]) as tf.Tensor2D,
    period: periodToken(5, 12),
    covariates: tf.randomNormal([5, 4, 2], 0, 1, 'float32', 4) as tf.Tensor3D,
  };

  it('forecasts the seasonal-naive anchor exactly when its correction is zero', () => {
    const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 16, outputs: 4, covariates: ['a', 'b'] }, { seed: 1 });
    head.network.getLayer('forecast').setWeights(head.network.getLayer('forecast').getWeights().map((w) => tf.zerosLike(w)));
    const want = seasonalAnchor(input.context, input.mask, input.period, 4).dataSync();
    const got = head.predict({ hidden }, input, false).dataSync();
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 6);
  });

  it('weights each window\'s MAE by the batch weights (MASE scaling) when given', () => {
    const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 16, outputs: 2, covariates: [] }, { seed: 1 });
    const pred = tf.tensor2d([[1, 1], [0, 0]]);
    const target = tf.tensor2d([[0, 3], [1, 1]]);
    expect(head.loss(pred, target).dataSync()[0]).toBeCloseTo((1 + 2 + 1 + 1) / 4, 6);
    expect(head.loss(pred, target, tf.tensor1d([2, 0.5])).dataSync()[0]).toBeCloseTo((2 * 3 + 0.5 * 2) / 4, 6);
  });

  it('warm start copies the pretrained head for the first steps and starts covariate weights at zero', () => {
    const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 16, outputs: 4, covariates: ['a', 'b'] }, { seed: 1, warmStart: pretrained });
    const want = tf.slice(pretrained.predict({ hidden }, input, false), [0, 0], [5, 4]);
    const got = head.predict({ hidden }, input, false);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
  });

  it('the residual MLP head starts exactly as the warm-started linear head, then can differ', () => {
    const config = { head: 'residual-mlp-forecast', embeddingSize: 16, outputs: 4, covariates: ['a', 'b'] };
    const residual = new ResidualMlpForecastHead().create(config, { seed: 1, warmStart: pretrained });
    const linear = new LinearForecastHead().create({ ...config, head: 'linear-forecast' }, { seed: 1, warmStart: pretrained });
    const a = residual.predict({ hidden }, input, false).dataSync();
    const b = linear.predict({ hidden }, input, false).dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    // One gradient step on the residual head moves the MLP branch away from zero.
    const vars = residual.network.trainableWeights.map((w) => w.read() as tf.Variable);
    const target = tf.randomNormal([5, 4], 0, 1, 'float32', 2);
    tf.train.sgd(0.1).minimize(() => residual.loss(residual.predict({ hidden }, input, true), target), false, vars);
    const out = residual.network.getLayer('mlp_out').getWeights()[0]!.dataSync();
    expect(Array.from(out).some((v) => v !== 0)).toBe(true);
  });
});
