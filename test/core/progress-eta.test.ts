import { describe, expect, it } from 'vitest';
import { etaText } from '../../cli/progress.js';

describe('training ETA', () => {
  it('is a range from where early stopping would stop to the last epoch, at the rate so far', () => {
    // 100 of 1,000 steps in 10 s: 10 steps/s; early stopping could end at step 300.
    expect(etaText(100, 1000, 10, { earliest: 300 })).toBe('20s–1m30s');
    expect(etaText(100, 1000, 10)).toBe('1m30s');
  });

  it('never runs past the time budget, and says nothing before there is a rate', () => {
    expect(etaText(100, 1000, 10, { earliest: 300, secondsLeft: 45 })).toBe('20s–45s');
    expect(etaText(100, 1000, 10, { earliest: 300, secondsLeft: 5 })).toBe('5s');
    expect(etaText(0, 1000, 10)).toBe('…');
    expect(etaText(1, 10_000_000, 10)).toMatch(/^\d+h\d\dm$/);
  });
});
