/** Small results of each suite, as their runs files hold them, for the report tests. */
import type { SavingsRun } from '../../benchmarks/suites/forecast-data-savings-report.js';
import type { RecsysRun } from '../../benchmarks/suites/recommend-data-savings-report.js';
import type { MultiRun } from '../../benchmarks/suites/forecast-multi-report.js';
import type { MachineInfo } from '../../benchmarks/harness/machine.js';

export const machine: MachineInfo = {
  takenAt: '2026-01-01T00:00:00.000Z',
  cpuModel: 'Test CPU',
  cores: 2,
  cpuMHz: 3000,
  arch: 'x64',
  platform: 'linux',
  osRelease: '6.1',
  totalMemoryGB: 8,
  nodeVersion: 'v20.0.0',
  tfjsVersion: '4.22.0',
  backendPackages: { '@tensorflow/tfjs-backend-wasm': '4.22.0' },
  loadAverage: [0.5, 0.5, 0.5],
};

/** Trained runs carry a checkpoint curve (start + 3 epochs) that falls toward their final MASE. */
const curveTo = (MASE: number, start: number) => [0, 1, 2, 3].map((epoch) => ({ epoch, seconds: epoch * 4, valLoss: start + (MASE - start) * (epoch / 3), testMASE: start + (MASE - start) * (epoch / 3) }));
const savingsRun = (method: string, fraction: number, seed: number, MASE: number): SavingsRun => ({
  method, fraction, seed, MASE, relMASE: MASE / 1.1, sMAPE: 10 * MASE, trainSeconds: fraction * 10, predictSeconds: 0.1, epochs: fraction ? 3 : 0,
  ...(fraction ? { curve: curveTo(MASE, method === 'scratch' ? 2 : 1.05) } : {}),
});

export const savingsRuns: SavingsRun[] = [
  savingsRun('zero-shot', 0, 0, 1.02),
  savingsRun('ets', 0, 0, 0.98),
  savingsRun('seasonal-naive', 0, 0, 1.1),
  savingsRun('naive', 0, 0, 1.4),
  ...[0.1, 1].flatMap((f) => [1, 2].flatMap((seed) => [savingsRun('probe', f, seed, 1.0 - 0.05 * f + 0.01 * seed), savingsRun('fine-tune', f, seed, 1.01 - 0.08 * f + 0.01 * seed), savingsRun('scratch', f, seed, 1.3 - 0.2 * f + 0.02 * seed)])),
];

const recsysRun = (method: string, fraction: number, seed: number, ndcg: number): RecsysRun => ({
  method, kind: method.includes('-') && !method.startsWith('most') ? 'transfer' : 'baseline', fraction, seed, trainUsers: 100, trainExamples: 900, testCases: 200,
  'NDCG@5': ndcg * 0.9, 'NDCG@10': ndcg, 'NDCG@20': ndcg * 1.1, 'HR@10': ndcg * 2, 'MRR@10': ndcg * 0.8, 'coverage@10': 0.3,
  trainSeconds: 1, evalSeconds: 0.5, epochs: 1, bestEpoch: 1, trainableParameters: 1000, backend: 'wasm',
});

/** Seven series, as many as the chart that reused a colour. */
export const RECSYS_METHODS = ['zero-shot', 'zero-shot + counting', 'probe', 'fine-tune', 'scratch', 'cooccurrence', 'markov'];
export const recsysRuns: RecsysRun[] = [0.05, 0.1].flatMap((f) => RECSYS_METHODS.map((m, i) => recsysRun(m, f, 1, 0.02 + 0.003 * i + f / 10)));

const multiRun = (dataset: string, method: string, relMASE: number): MultiRun => ({ dataset, frequency: 'monthly', origin: 0, series: 20, horizon: 12, method, seed: 0, relMASE, MASE: relMASE, seconds: 1 });
export const multiRuns: MultiRun[] = ['aus_retail', 'drinks'].flatMap((d, j) => [multiRun(d, 'seasonal-naive', 1), multiRun(d, 'ets', 0.9 + j / 20), multiRun(d, 'patch-mixer-s zero-shot', 0.95 - j / 20), multiRun(d, 'patch-mixer-s zero-shot + ETS mean', 0.85)]);
