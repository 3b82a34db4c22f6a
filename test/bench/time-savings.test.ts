import { describe, expect, it } from 'vitest';
import { savingsMarkdown, summariseSavings, timeSavings, type SavingsRun } from '../../benchmarks/suites/forecast-data-savings-report.js';

const run = (method: string, seed: number, curve: [number, number][]): SavingsRun => ({
  method, fraction: 1, seed, MASE: 1, relMASE: 1, sMAPE: 1, trainSeconds: curve[curve.length - 1]![0], predictSeconds: 0, epochs: curve.length - 1,
  curve: curve.map(([seconds, valLoss], epoch) => ({ epoch, seconds, valLoss, testMASE: valLoss })),
});

describe('time savings', () => {
  it('divides the time to reach scratch\'s best validation loss by scratch\'s time to it, per seed, median over seeds', () => {
    const runs = [
      // Scratch reaches its best (0.5) at 40 s on seed 1, its best (0.6) at 20 s on seed 2.
      run('scratch', 1, [[0, 2], [20, 0.8], [40, 0.5], [60, 0.55]]),
      run('scratch', 2, [[0, 2], [20, 0.6], [40, 0.7]]),
      // Fine-tune: under 0.5 at 10 s (seed 1: 0.25×); already 0.6 at the start (seed 2: 0×).
      run('fine-tune', 1, [[0, 0.9], [10, 0.45]]),
      run('fine-tune', 2, [[0, 0.6], [10, 0.7]]),
      // Probe never reaches scratch's best on seed 1 (∞), reaches it at 30 s on seed 2 (1.5×).
      run('probe', 1, [[0, 0.9], [10, 0.7]]),
      run('probe', 2, [[0, 0.9], [30, 0.55]]),
    ];
    const t = timeSavings(runs);
    const ft = t.find((x) => x.method === 'fine-tune')!;
    expect(ft).toMatchObject({ seeds: 2, reached: 2, ratio: 0.125, scratchSeconds: 30, seconds: 5 });
    const probe = t.find((x) => x.method === 'probe')!;
    expect(probe.reached).toBe(1);
    expect(probe.ratio).toBe(Infinity);
    expect(probe.seconds).toBe(30);
    const md = savingsMarkdown(summariseSavings(runs, { autoEts: null }), { series: 10, backend: 'wasm' });
    expect(md).toContain('| 100% | fine-tune | 2 / 2 | 0.13 |');
    expect(md).toContain('| 100% | probe | 1 / 2 | ∞ |');
  });

  it('says nothing without curves (runs from before they were recorded)', () => {
    const { curve: _c, ...bare } = run('fine-tune', 1, [[0, 1]]);
    expect(timeSavings([bare])).toEqual([]);
  });
});

describe('recommendation time savings', () => {
  it('reads the validation NDCG (higher is better) when epochs were kept by it, the model alone, not its counting combination', async () => {
    const { summariseRecsys } = await import('../../benchmarks/suites/recommend-data-savings-report.js');
    const base = { kind: 'transfer', fraction: 1, seed: 1, trainUsers: 10, trainExamples: 10, testCases: 10, 'NDCG@5': 0, 'NDCG@10': 0.05, 'NDCG@20': 0, 'HR@10': 0, 'MRR@10': 0, 'coverage@10': 0, trainSeconds: 1, evalSeconds: 1, epochs: 2, bestEpoch: 1, trainableParameters: 1 };
    const curve = (points: [number, number][]) => points.map(([seconds, valScore], epoch) => ({ epoch, seconds, valLoss: 9, valScore }));
    const runs = [
      { ...base, method: 'scratch', curve: curve([[0, 0.01], [30, 0.04], [60, 0.05]]) },
      { ...base, method: 'fine-tune', curve: curve([[0, 0.03], [15, 0.06]]) },
      { ...base, method: 'fine-tune + counting', curve: curve([[0, 0.07]]) },
    ] as unknown as Parameters<typeof summariseRecsys>[0];
    const t = summariseRecsys(runs).timeSavings;
    expect(t).toHaveLength(1);
    // Scratch's best 0.05 at 60 s; fine-tune passes it at 15 s: 0.25×.
    expect(t[0]).toMatchObject({ method: 'fine-tune', reached: 1, ratio: 0.25, seconds: 15, scratchSeconds: 60 });
  });
});
