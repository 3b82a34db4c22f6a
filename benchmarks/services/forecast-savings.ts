/**
 * Forecasting data savings as a typed call: probe, fine-tune and scratch trained on seeded shares
 * of a dataset's series, several seeds, beside zero-shot and the baselines; every method is scored
 * on the last horizon of ALL series. Used by `headstart bench forecast-savings` and
 * `npm run bench:savings`.
 *
 * Each (method, fraction, seed) run is appended to `<out>/savings-runs.jsonl` as it finishes, so
 * several processes (e.g. one per seed) can share the work, a crash loses one run, and a re-run
 * skips what is done.
 */
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { builtinPlugins } from '../../plugins/index.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import { loadForecastCsv, type ForecastLoadOptions } from '../../plugins/forecasting/data/csv-loader.js';
import { seriesSubset } from '../../plugins/forecasting/data/train-share.js';
import type { ForecastDataset, StrategyName } from '../../core/interfaces/index.js';
import { UsageError } from '../../core/errors.js';
import { machineInfo } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';
import { summariseSavings, savingsMarkdown, type SavingsRun, type SavingsSummary } from '../suites/forecast-data-savings-report.js';
import type { Suite, SuiteBudget } from '../suites/forecast-multi-data.js';
import { forecastSavingsCharts, writeReport } from '../report/index.js';
import { RunsFile, type BenchLog, type BenchProgress } from './bench-folder.js';
import type { BenchResult } from './result.js';

export const FORECAST_SAVINGS_NAME = 'forecast-data-savings';
/** How a test window of `horizon` steps reads at each frequency. */
const STEP_UNITS: Record<string, string> = { hourly: 'hours', daily: 'days', weekly: 'weeks', monthly: 'months', quarterly: 'quarters', yearly: 'years' };
export const FORECAST_SAVINGS_RUNS = 'savings-runs.jsonl';

export interface ForecastSavingsOptions {
  /** Results folder: runs file, JSON, markdown, SVG and HTML report. */
  out: string;
  /** The one dataset (a CSV and its column mapping) and its horizon. */
  dataset: { name: string; path: string; horizon: number; load: ForecastLoadOptions };
  seeds: number[];
  /** Shares of the series that train, in (0, 1]. */
  fractions: number[];
  strategies: StrategyName[];
  backbone: string;
  /** Two tiny epochs per trained run: a pipeline check, not a measurement. */
  quick?: boolean;
  /** Overrides the trained strategies' epochs, steps per epoch and patience. */
  budget?: SuiteBudget;
  /** Only re-summarise the runs file. */
  reportOnly?: boolean;
  /** Ignore the runs file's earlier runs. */
  fresh?: boolean;
  /** Leave zero-shot and the baselines to another process. */
  skipReference?: boolean;
  /** How the run was started, for the report. */
  command?: string;
  log?: BenchLog;
  /** Runs finished of the runs still to do (those of the runs file excluded), after each run. */
  progress?: BenchProgress;
}

/** The suite file's dataset and settings as options (flags override them afterwards). */
export function forecastSavingsFromSuite(suite: Suite & { dir: string }, file: string): Pick<ForecastSavingsOptions, 'dataset'> & Partial<ForecastSavingsOptions> {
  if (suite.datasets.length !== 1 || !suite.datasets[0]!.path) throw new UsageError(`${file}: forecast-savings runs exactly one dataset with a "path" (forecast-multi runs many)`, 'bad-suite');
  const d = suite.datasets[0]!;
  return {
    dataset: { name: d.name, path: resolve(suite.dir, d.path!), horizon: d.horizon, load: d.load ?? {} },
    ...(suite.seeds ? { seeds: suite.seeds } : {}),
    ...(suite.shares ? { fractions: suite.shares } : {}),
    ...(suite.strategies ? { strategies: suite.strategies as StrategyName[] } : {}),
    ...(suite.backbones ? { backbone: suite.backbones[0]! } : {}),
    ...(suite.budget ? { budget: suite.budget } : {}),
  };
}

export async function runForecastSavings(o: ForecastSavingsOptions): Promise<BenchResult<SavingsSummary>> {
  const log = o.log ?? ((line: string) => console.log(line));
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const runsFile = new RunsFile<SavingsRun>(join(out, FORECAST_SAVINGS_RUNS));
  const horizon = o.dataset.horizon;
  const backend = await useBackend('auto');
  const container = createContainer(builtinPlugins);
  const service = container.get<ForecastService>(FORECAST_SERVICE);
  const ds: ForecastDataset = await loadForecastCsv(o.dataset.path, o.dataset.load);
  const done = o.fresh ? [] : await runsFile.load();
  const key = (r: Pick<SavingsRun, 'method' | 'fraction' | 'seed'>) => `${r.method}|${r.fraction}|${r.seed}`;
  const have = new Set(done.map(key));
  const record = async (run: SavingsRun) => {
    await runsFile.append(run);
    done.push(run);
    have.add(key(run));
    log(`${run.method.padEnd(14)} fraction ${String(run.fraction).padEnd(4)} seed ${run.seed}  MASE ${run.MASE.toFixed(3)}  rel ${run.relMASE.toFixed(3)}  ${run.trainSeconds.toFixed(1)}s`);
  };

  if (!o.reportOnly) {
    const train = { ...(o.quick ? { epochs: 2, maxStepsPerEpoch: 10 } : {}), ...(o.budget ?? {}) };
    const referenceDue = !o.skipReference && !have.has(key({ method: 'zero-shot', fraction: 0, seed: 0 }));
    const trainedDue = o.seeds.flatMap((seed) => o.fractions.flatMap((fraction) => o.strategies.filter((method) => !have.has(key({ method, fraction, seed }))))).length;
    const total = (referenceDue ? 1 : 0) + trainedDue;
    let finished = 0;
    const tick = (detail: string) => o.progress?.(++finished, total, detail);
    o.progress?.(0, total, referenceDue ? 'zero-shot and the baselines' : 'training');
    // Zero-shot and the baselines do not depend on the training fraction or the seed.
    if (referenceDue) {
      const z = await service.transfer(ds, { backbone: o.backbone, strategy: 'zero-shot', horizon, combine: 'none' });
      const [row, ...baselines] = service.evaluate(ds, horizon, [{ name: 'zero-shot', forecaster: z.forecaster, trainSeconds: z.training.seconds }]);
      await record({ method: 'zero-shot', fraction: 0, seed: 0, MASE: row!.report.aggregate.MASE!, relMASE: row!.relMASE, sMAPE: row!.report.aggregate.sMAPE!, trainSeconds: row!.trainSeconds, predictSeconds: row!.predictSeconds, epochs: 0 });
      for (const b of baselines) {
        await record({ method: b.name, fraction: 0, seed: 0, MASE: b.report.aggregate.MASE!, relMASE: b.relMASE, sMAPE: b.report.aggregate.sMAPE!, trainSeconds: b.trainSeconds, predictSeconds: 0, epochs: 0 });
      }
      z.forecaster.dispose();
      tick('zero-shot and the baselines');
    }
    for (const seed of o.seeds) {
      for (const fraction of o.fractions) {
        const subset = seriesSubset(ds.series.length, fraction, seed);
        for (const strategy of o.strategies) {
          if (have.has(key({ method: strategy, fraction, seed }))) continue;
          const r = await service.transfer(ds, { backbone: o.backbone, strategy, horizon, seed, trainSeries: (i) => subset.has(i), combine: 'none', ...train });
          const [row] = service.evaluate(ds, horizon, [{ name: strategy, forecaster: r.forecaster, trainSeconds: r.training.seconds }], []);
          await record({ method: strategy, fraction, seed, MASE: row!.report.aggregate.MASE!, relMASE: row!.relMASE, sMAPE: row!.report.aggregate.sMAPE!, trainSeconds: r.training.seconds, predictSeconds: row!.predictSeconds, epochs: r.training.epochsRun, valRelMASE: r.validation.relMASE });
          r.forecaster.dispose();
          tick(`${strategy} on ${Math.round(fraction * 100)}% of the series, seed ${seed}`);
        }
      }
    }
  }
  // The AutoETS target was measured on aus_retail; on another dataset it would mislead.
  const summary = summariseSavings(done, o.dataset.name === 'aus_retail' ? {} : { autoEts: null });
  const markdown = savingsMarkdown(summary, { series: ds.series.length, backend: backend.active, window: `last ${horizon} ${STEP_UNITS[ds.frequency] ?? 'steps'}` });
  const machine = machineInfo();
  const written = await writeResults(FORECAST_SAVINGS_NAME, { machine, backend: backend.active, dataset: basename(o.dataset.path), horizon, runs: done, summary }, markdown, { dir: out });
  const report = await writeReport(out, FORECAST_SAVINGS_NAME, {
    title: `Forecasting data savings: ${o.dataset.name}`,
    markdown,
    charts: forecastSavingsCharts(summary, done, { dataset: o.dataset.name, series: ds.series.length }),
    machine,
    backend: backend.active,
    command: o.command,
  });
  return { files: { ...written, ...report, runs: runsFile.path }, markdown, summary, runs: done.length };
}
