import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { LinearForecastHead } from '../../plugins/forecasting/heads/linear-forecast-head.js';
import { ResidualMlpForecastHead } from '../../plugins/forecasting/heads/residual-mlp-forecast-head.js';
import type { ForecastInput } from '../../core/interfaces/index.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('forecast heads', () => {
  const pretrained = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 16, outputs: 10, covariates: [] }, { seed: 3 });
  const hidden = tf.randomNormal([5, 16], 0, 1, 'float32', 9) as tf.Tensor2D;
  const input = { covariates: tf.randomNormal([5, 4, 2], 0, 1, 'float32', 4) } as unknown as ForecastInput;

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
