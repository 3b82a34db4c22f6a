import { describe, it, expect } from 'vitest';
import { pretrainLearningRate } from '../../core/training/pretrain-loop.js';

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
