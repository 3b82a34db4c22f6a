/**
 * The multi-dataset forecasting benchmark as a typed call: every dataset of a suite file (default
 * benchmarks/suites/forecast-multi.json), on the last window and on earlier origins; relative MASE
 * (geometric mean over series of MASE / seasonal-naive MASE) per dataset and the geometric mean over
 * datasets, for each backbone × strategy (alone, averaged with ETS, and selected among those by the
 * validation windows) and the baselines (naive, seasonal naive, ETS, TSB), with time per method.
 * Used by `headstart bench forecast-multi` and `npm run bench:forecast-multi`.
 *
 * Every run (dataset, origin, method, seed) is appended to <out>/forecast-multi-runs.jsonl as it
 * finishes; a re-run resumes from it (`fresh` starts over).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { UsageError } from '../../core/errors.js';
import { builtinPlugins } from '../../plugins/index.js';
import { TOKENS } from '../../core/tokens.js';
import type { Registry } from '../../core/registry.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import type { ForecastBaseline, StrategyName } from '../../core/interfaces/index.js';
import type { CombineMethod } from '../../plugins/forecasting/output-policy.js';
import { parseQuantileLevels } from '../../plugins/forecasting/heads/quantile-forecast-head.js';
import { memoisedBaseline } from '../../plugins/forecasting/baselines/memoised.js';
import { baselineQuantiles, scoreQuantiles } from '../../plugins/forecasting/services/quantile-scoring.js';
import { machineInfo } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';
import { useWeightsFolder } from '../harness/weights.js';
import { readSuite, loadSuiteDataset, atOrigin, selectDatasets } from '../suites/forecast-multi-data.js';
import { summariseMulti, multiMarkdown, type MultiRun, type MultiSummary } from '../suites/forecast-multi-report.js';
import { forecastMultiCharts, writeReport } from '../report/index.js';
import { RunsFile, type BenchLog } from './bench-folder.js';
import type { BenchResult } from './result.js';

export const FORECAST_MULTI_NAME = 'forecast-multi';
export const FORECAST_MULTI_RUNS = 'forecast-multi-runs.jsonl';

/** Unset fields come from the suite file, then from the benchmark's defaults. */
export interface ForecastMultiOptions {
  /** Results folder: runs file, JSON, markdown, SVG and HTML report. */
  out: string;
  /** The suite file (JSON): datasets, and optionally strategies, shares, seeds, backbones, budget. */
  suite: string;
  /** Default patch-mixer-s. */
  backbones?: string[];
  /** Default zero-shot, probe. */
  strategies?: StrategyName[];
  /** Default 1. */
  seeds?: number[];
  /** Training shares of the series for the trained strategies (data savings); default 1. */
  shares?: number[];
  /** Shares below 1 only on datasets with at least this many series (default 50). */
  minSeriesForShares?: number;
  /** Origins for zero-shot and the baselines (default 3). */
  origins?: number;
  /** Origins for the trained strategies (default 1). */
  trainOrigins?: number;
  /** Only these datasets of the suite. */
  datasets?: string[];
  /** Also forecast and score these quantile levels (e.g. "0.1,0.5,0.9"). */
  quantiles?: string;
  /** Fit each level's spread on the validation windows (default true, as transfer does). */
  calibrateQuantiles?: boolean;
  /** Score the single backbone with this weights folder instead of its shipped one. */
  weights?: string;
  /** Suffix for the method names (e.g. a candidate weights folder). */
  tag?: string;
  fresh?: boolean;
  /** Two tiny epochs per trained strategy (smoke test). */
  quick?: boolean;
  command?: string;
  log?: BenchLog;
}

export async function runForecastMulti(o: ForecastMultiOptions): Promise<BenchResult<MultiSummary>> {
  const log = o.log ?? ((line: string) => console.log(line));
  const suite = readSuite(o.suite);
  // Flags first, then the suite file's own settings, then the benchmark's defaults.
  const backbones = o.backbones ?? suite.backbones ?? ['patch-mixer-s'];
  const strategies = (o.strategies ?? suite.strategies ?? ['zero-shot', 'probe']) as StrategyName[];
  const seeds = o.seeds ?? suite.seeds ?? [1];
  const shares = o.shares ?? suite.shares ?? [1];
  const origins = o.origins ?? 3;
  const trainOrigins = o.trainOrigins ?? 1;
  const minSeriesForShares = o.minSeriesForShares ?? 50;
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const runsFile = new RunsFile<MultiRun>(join(out, FORECAST_MULTI_RUNS));
  const backend = await useBackend('auto');
  const container = createContainer(builtinPlugins);
  const service = container.get<ForecastService>(FORECAST_SERVICE);
  const registry = container.get<Registry>(TOKENS.Registry);
  if (o.weights !== undefined) {
    if (backbones.length !== 1) throw new UsageError('--weights needs exactly one --backbones id');
    useWeightsFolder(registry.get('backbone', backbones[0]!), backbones[0]!, o.weights);
  }
  const done: MultiRun[] = o.fresh ? [] : await runsFile.load();
  const key = (r: Pick<MultiRun, 'dataset' | 'origin' | 'method' | 'seed'>) => `${r.dataset}|${r.origin}|${r.method}|${r.seed}`;
  const have = new Set(done.map(key));
  const record = async (run: MultiRun) => {
    await runsFile.append(run);
    done.push(run);
    have.add(key(run));
    log(`${run.dataset.padEnd(18)} origin ${run.origin} ${run.method.padEnd(34)} seed ${run.seed}  relMASE ${run.relMASE.toFixed(3)}  ${run.seconds.toFixed(1)}s`);
  };
  const selected = selectDatasets(suite, o.datasets, o.suite);
  const train = { ...(o.quick ? { epochs: 2, maxStepsPerEpoch: 5 } : {}), ...(suite.budget ?? {}) };
  const levels = o.quantiles !== undefined ? parseQuantileLevels(o.quantiles) : undefined;
  for (const d of selected) {
    const full = await loadSuiteDataset(d, suite.dir);
    const H = d.horizon;
    for (let origin = 0; origin < origins; origin++) {
      const ds = atOrigin(full, H, origin);
      if (ds.series.length === 0) continue;
      const base = { dataset: d.name, frequency: ds.frequency, origin, series: ds.series.length, horizon: H };
      const testCuts = service.testCuts(ds, H);
      const probabilistic = (name: string, forecasts: number[][][] | undefined) => (levels && forecasts ? { quantileScores: scoreQuantiles(name, ds, testCuts, levels, forecasts, H) } : {});
      if (!have.has(key({ dataset: d.name, origin, method: 'ets', seed: 0 }))) {
        for (const row of service.evaluate(ds, H, [])) {
          const b = registry.get<ForecastBaseline>('baseline', row.name);
          await record({ ...base, method: row.name, seed: 0, relMASE: row.relMASE, MASE: row.report.aggregate.MASE!, seconds: row.trainSeconds, ...probabilistic(row.name, levels ? baselineQuantiles(b, ds, testCuts, H, levels) : undefined) });
        }
      }
      const ets = memoisedBaseline(registry.get<ForecastBaseline>('baseline', 'ets'));
      for (const backbone of backbones) {
        for (const strategy of strategies) {
          if (strategy !== 'zero-shot' && origin >= trainOrigins) continue;
          const used = strategy === 'zero-shot' ? [1] : shares.filter((x) => x === 1 || ds.series.length >= minSeriesForShares);
          const cells = used.flatMap((share) => (strategy === 'zero-shot' ? [0] : seeds).map((seed) => ({ share, seed })));
          for (const { share, seed } of cells) {
            const name = `${backbone}${o.tag ? `[${o.tag}]` : ''} ${strategy}${share < 1 ? ` @${Math.round(share * 100)}%` : ''}`;
            if (have.has(key({ dataset: d.name, origin, method: name, seed }))) continue;
            const t0 = performance.now();
            let outcome: Awaited<ReturnType<ForecastService['transfer']>>;
            try {
              outcome = await service.transfer(ds, { backbone, strategy, horizon: H, seed: seed || undefined, combine: 'select', trainShare: share, ...(levels ? { quantiles: levels, calibrateQuantiles: o.calibrateQuantiles ?? true } : {}), ...train });
            } catch (e) {
              // A dataset too short to train on is a finding for this strategy, not the end of the suite.
              if ((e as { code?: string }).code !== 'too-short') throw e;
              log(`${d.name.padEnd(18)} origin ${origin} ${name}: skipped (${(e as Error).message})`);
              continue;
            }
            const transferSeconds = (performance.now() - t0) / 1000;
            const f = outcome.forecaster;
            const chosen = f.meta.combination!;
            f.partner = ets;
            const variants: [string, CombineMethod][] = [[name, 'model'], [`${name} + ETS mean`, 'mean'], [`${name} + ETS select`, chosen.method]];
            for (const [method, combine] of variants) {
              f.meta.combination = { ...chosen, method: combine };
              const [row] = service.evaluate(ds, H, [{ name: method, forecaster: f, trainSeconds: outcome.training.seconds }], []);
              await record({ ...base, method, seed, ...probabilistic(method, levels ? f.predictQuantiles(ds, testCuts) : undefined), relMASE: row!.relMASE, MASE: row!.report.aggregate.MASE!, seconds: combine === 'model' ? outcome.training.seconds + row!.predictSeconds : transferSeconds + row!.predictSeconds, bestEpoch: outcome.training.bestEpoch, chosen: chosen.method, valRelMASE: chosen.validation });
            }
            f.dispose();
          }
        }
      }
    }
  }
  const summary = summariseMulti(done.filter((r) => selected.some((d) => d.name === r.dataset)));
  const markdown = multiMarkdown(summary, { backend: backend.active, suite: suite.description });
  const machine = machineInfo();
  const written = await writeResults(FORECAST_MULTI_NAME, { machine, backend: backend.active, summary, runs: done }, markdown, { dir: out });
  const report = await writeReport(out, FORECAST_MULTI_NAME, {
    title: 'Multi-dataset forecasting benchmark',
    markdown,
    charts: summary.methods.length ? forecastMultiCharts(summary) : [],
    machine,
    backend: backend.active,
    command: o.command,
  });
  return { files: { ...written, ...report, runs: runsFile.path }, markdown, summary, runs: done.length };
}
