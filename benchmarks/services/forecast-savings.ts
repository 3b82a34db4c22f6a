/**
 * Forecasting data savings as a typed call: probe, fine-tune and scratch trained on seeded shares
 * of a dataset's series, several seeds, beside zero-shot and the baselines; every method is scored
 * on the last horizon of ALL series. Used by `headstart bench forecast-savings` and
 * `npm run bench:savings`.
 *
 * Each (method, fraction, seed) run is appended to `<out>/savings-runs.jsonl` as it finishes, so
 * several processes (e.g. one per seed) can share the work, a crash loses one run, and a re-run
 * skips what is done. With `queue`, each cell still to do (see forecast-savings-cell.ts) is a job
 * for `headstart worker`s, and the runs file gets the same rows in the same order as a local run's.
 */
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { builtinPlugins } from '../../plugins/index.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import { loadForecastCsv, type ForecastLoadOptions } from '../../plugins/forecasting/data/csv-loader.js';
import { ForecastBenchCellJob, type ForecastBenchCellResult, type SavingsCellPayload } from '../jobs/forecast-bench-cell.js';
import { fileRef } from '../../core/queue/file-ref.js';
import type { QueueConnection } from '../../core/queue/connection.js';
import type { StrategyName } from '../../core/interfaces/index.js';
import type { ForecastDataset } from '../../plugins/forecasting/contracts.js';
import { UsageError } from '../../core/errors.js';
import { machineInfo } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';
import { summariseSavings, savingsMarkdown, type SavingsRun, type SavingsSummary } from '../suites/forecast-data-savings-report.js';
import type { Suite, SuiteBudget } from '../suites/forecast-multi-data.js';
import { forecastSavingsCharts, writeReport } from '../report/index.js';
import { RunsFile, type BenchLog, type BenchProgress } from './bench-folder.js';
import { runSavingsCell, savingsCellKey, savingsCellLabel, savingsCells, type SavingsCellSettings } from './forecast-savings-cell.js';
import { runQueuedSweep, type QueuedCell } from './bench-queue.js';
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
  /** Run the cells still to do as jobs on this queue's workers instead of in this process. */
  queue?: QueueConnection;
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
  const have = new Set(done.map((r) => `${r.method}|${r.fraction}|${r.seed}`));
  const record = async (run: SavingsRun) => {
    await runsFile.append(run);
    done.push(run);
    log(`${run.method.padEnd(14)} fraction ${String(run.fraction).padEnd(4)} seed ${run.seed}  MASE ${run.MASE.toFixed(3)}  rel ${run.relMASE.toFixed(3)}  ${run.trainSeconds.toFixed(1)}s`);
  };

  if (!o.reportOnly) {
    const settings: SavingsCellSettings = { backbone: o.backbone, horizon, train: { ...(o.quick ? { epochs: 2, maxStepsPerEpoch: 10 } : {}), ...(o.budget ?? {}) } };
    const due = savingsCells(o).filter((c) => !have.has(savingsCellKey(c)));
    let finished = 0;
    const tick = (detail: string) => o.progress?.(++finished, due.length, detail);
    o.progress?.(0, due.length, due[0]?.kind === 'reference' ? 'zero-shot and the baselines' : 'training');
    if (o.queue) {
      // The cells become jobs; the data file travels by reference, checked by sha256 on the worker.
      const data = await fileRef(o.dataset.path);
      const cells: QueuedCell[] = due.map((cell) => {
        const payload: SavingsCellPayload = { suite: 'forecast-savings', data, load: o.dataset.load, cell, settings };
        return { label: savingsCellLabel(cell), job: { kind: ForecastBenchCellJob.id, payload } };
      });
      await runQueuedSweep<ForecastBenchCellResult>(o.queue, cells, {
        log,
        progress: (n, total, label) => o.progress?.(n, total, label),
        take: async (_i, r) => {
          for (const run of r.runs as SavingsRun[]) await record(run);
        },
      });
    } else {
      for (const cell of due) {
        for (const run of await runSavingsCell(service, ds, cell, settings)) await record(run);
        tick(savingsCellLabel(cell));
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
