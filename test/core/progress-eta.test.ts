import { describe, expect, it, vi } from 'vitest';
import { ProgressBar, etaText } from '../../cli/progress.js';

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

  it('the drawn bar shows this range, not cli-progress\'s own every-epoch estimate', () => {
    const written = stderrOf(() => {
      // A log file's stderr: plain lines once the work has run 10 s.
      const bar = new ProgressBar('probe', true, false);
      vi.setSystemTime(10_000);
      // Epoch 1 of 10, 100 steps each, best epoch 1 with patience 2: early stopping may end at epoch 3.
      bar.training({ epoch: 1, epochs: 10, step: 100, steps: 100, bestEpoch: 1, patience: 2, trainLoss: 1 } as never, 'epoch 1');
      bar.done();
    });
    expect(written).toContain('ETA 20s–1m30s');
  });
});

/** What `run` writes to stderr, under fake timers starting at 0 that never fire unless a test runs them. */
function stderrOf(run: () => void): string {
  vi.useFakeTimers({ now: 0 });
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
    vi.useRealTimers();
  }
  return written.join('');
}

describe('progress lines on a log file', () => {
  it('keep coming while a synchronous loop never yields to the event loop', () => {
    const written = stderrOf(() => {
      const bar = new ProgressBar('pretrain', true, false);
      // 60 s of steps, one per second, with no timer ever run (the clock moves, the event loop does not).
      for (let s = 1; s <= 60; s++) {
        vi.setSystemTime(s * 1000);
        bar.update(s, 100, `step ${s}`);
      }
      bar.done();
    });
    const lines = written.split('\n').filter((l) => l.includes('pretrain'));
    // First line at 10 s, then one every 15 s (25, 40, 55), and the final one from done().
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.some((l) => l.includes('step 40'))).toBe(true);
  });
});
