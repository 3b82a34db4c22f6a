import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { WeightAverage, pretrainLearningRate } from '../../core/training/pretrain-loop.js';

describe('pretraining learning-rate schedule', () => {
  it('warms up linearly over min(500, steps/10) steps, then decays by cosine to 10%', () => {
    // 1,000 steps: warm-up 100 steps.
    expect(pretrainLearningRate(0, 1000, 1e-3)).toBeCloseTo(1e-5, 12);
    expect(pretrainLearningRate(99, 1000, 1e-3)).toBeCloseTo(1e-3, 12);
    // Cosine: at step s, 0.1 + 0.9 * (1 + cos(pi s / steps)) / 2 of the base rate.
    expect(pretrainLearningRate(500, 1000, 1e-3)).toBeCloseTo(1e-3 * (0.1 + 0.45), 12);
    expect(pretrainLearningRate(999, 1000, 1e-3)).toBeCloseTo(1e-3 * (0.1 + 0.45 * (1 + Math.cos((Math.PI * 999) / 1000))), 12);
    // Long runs cap the warm-up at 500 steps.
    expect(pretrainLearningRate(499, 20000, 1)).toBeCloseTo(1, 12);
    expect(pretrainLearningRate(250, 20000, 1)).toBeCloseTo(251 / 500, 12);
  });
});

describe('WeightAverage', () => {
  it('tracks an exponential moving average with a ramped decay and swaps it in only inside withAveraged', async () => {
    const v = tf.variable(tf.tensor1d([0, 0]));
    const avg = new WeightAverage([v], 0.5);
    // Step 1: decay min(0.5, 1/10) = 0.1 -> 0.1·0 + 0.9·[1, 2].
    v.assign(tf.tensor1d([1, 2]));
    avg.update();
    // Step 2: decay min(0.5, 2/11) = 2/11.
    v.assign(tf.tensor1d([3, 4]));
    avg.update();
    const want = [0.9 * (2 / 11) + 3 * (9 / 11), 1.8 * (2 / 11) + 4 * (9 / 11)];
    const seen = await avg.withAveraged(async () => Array.from(v.dataSync()));
    expect(seen[0]).toBeCloseTo(want[0]!, 5);
    expect(seen[1]).toBeCloseTo(want[1]!, 5);
    expect(Array.from(v.dataSync())).toEqual([3, 4]);
    avg.dispose();
    v.dispose();
  });
});
