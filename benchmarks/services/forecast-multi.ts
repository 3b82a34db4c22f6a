/**
 * The multi-dataset forecasting benchmark as a typed call: every dataset of a suite file (default
 * benchmarks/suites/forecast-multi.json), on the last window and on earlier origins; relative MASE
 * (geometric mean over series of MASE / seasonal-naive MASE) per dataset and the geometric mean over
 * datasets, for each backbone × strategy (alone, averaged with ETS, and selected among those by the
 * validation windows) and the baselines (naive, seasonal naive, ETS, TSB), with time per method.
 * Used by `headstart bench forecast-multi` and `npm run bench:forecast-multi`.
 *
 * Every run (dataset, origin, method, seed) is appended to <out>/forecast-multi-runs.jsonl as it
 * finishes; a re-run resumes from it (`fresh` starts over). With `queue`, each cell still to do
 * (see forecast-multi-cell.ts) is a job for `headstart worker`s, and the runs file gets the same
 * rows in the same order as a local run's.
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
import type { StrategyName } from '../../core/interfaces/index.js';
import type { ForecastBaseline } from '../../plugins/forecasting/contracts.js';
import { parseQuantileLevels } from '../../plugins/forecasting/heads/quantile-forecast-head.js';
import { memoisedBaseline } from '../../plugins/forecasting/baselines/memoised.js';
import { ForecastBenchCellJob, type ForecastBenchCellResult, type MultiCellPayload } from '../jobs/forecast-bench-cell.js';
import { fileRef } from '../../core/queue/file-ref.js';
import type { QueueConnection } from '../../core/queue/connection.js';
import { machineInfo } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';
import { useWeightsFolder } from '../harness/weights.js';
import { readSuite, loadSuiteDataset, atOrigin, selectDatasets } from '../suites/forecast-multi-data.js';
import { summariseMulti, multiMarkdown, type MultiRun, type MultiSummary } from '../suites/forecast-multi-report.js';
import { forecastMultiCharts, writeReport } from '../report/index.js';
import { RunsFile, type BenchLog } from './bench-folder.js';
import { multiCellKey, multiCellLabel, multiCellsAt, runMultiCell, suiteDataFiles, type MultiCellResult, type MultiCellSettings } from './forecast-multi-cell.js';
import { runQueuedSweep, type QueuedCell } from './bench-queue.js';
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
  /** Forecast each series from the view its own backtests choose (transfer's backtestSelect; default false). */
  backtestSelect?: boolean;
  /** Score the single backbone with this weights folder instead of its shipped one. */
  weights?: string;
  /** Suffix for the method names (e.g. a candidate weights folder). */
  tag?: string;
  fresh?: boolean;
  /** Two tiny epochs per trained strategy (smoke test). */
  quick?: boolean;
  command?: string;
  log?: BenchLog;
  /** Run the cells still to do as jobs on this queue's workers instead of in this process. */
  queue?: QueueConnection;
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
  if (o.queue && o.weights !== undefined) throw new UsageError('--weights is not yet supported with --queue: workers load the shipped weights; run it locally', 'queue-unsupported');
  if (o.weights !== undefined) {
    if (backbones.length !== 1) throw new UsageError('--weights needs exactly one --backbones id');
    useWeightsFolder(registry.get('backbone', backbones[0]!), backbones[0]!, o.weights);
  }
  const done: MultiRun[] = o.fresh ? [] : await runsFile.load();
  const have = new Set(done.map((r) => `${r.dataset}|${r.origin}|${r.method}|${r.seed}`));
  const record = async (run: MultiRun) => {
    await runsFile.append(run);
    done.push(run);
    have.add(`${run.dataset}|${run.origin}|${run.method}|${run.seed}`);
    log(`${run.dataset.padEnd(18)} origin ${run.origin} ${run.method.padEnd(34)} seed ${run.seed}  relMASE ${run.relMASE.toFixed(3)}  ${run.seconds.toFixed(1)}s`);
  };
  const take = async (r: MultiCellResult, dataset: string, origin: number) => {
    if (r.skipped) log(`${dataset.padEnd(18)} origin ${origin} ${r.skipped}`);
    for (const run of r.runs) await record(run);
  };
  const selected = selectDatasets(suite, o.datasets, o.suite);
  // Backtest-selected runs get their own method names, so they sit beside plain runs in one runs file.
  const tag = [o.tag, o.backtestSelect ? 'backtest-select' : undefined].filter(Boolean).join(',') || undefined;
  const settings: MultiCellSettings = {
    train: { ...(o.quick ? { epochs: 2, maxStepsPerEpoch: 5 } : {}), ...(suite.budget ?? {}) },
    ...(o.quantiles !== undefined ? { quantiles: o.quantiles } : {}),
    calibrateQuantiles: o.calibrateQuantiles ?? true,
    ...(o.backtestSelect ? { backtestSelect: true } : {}),
    ...(tag ? { tag } : {}),
  };
  // A bad --quantiles fails here, in one line, not in every cell (on every worker).
  if (o.quantiles !== undefined) parseQuantileLevels(o.quantiles);
  const grid = { backbones, strategies, shares, seeds, trainOrigins, minSeriesForShares };
  // With --queue the cells still to do become jobs; the suite file and data files travel by reference.
  const queued: { cell: QueuedCell; dataset: string; origin: number }[] = [];
  const suiteRef = o.queue ? await fileRef(o.suite) : undefined;
  for (const d of selected) {
    const full = await loadSuiteDataset(d, suite.dir);
    const dataRefs = o.queue ? await Promise.all(suiteDataFiles(d, suite.dir).map((f) => fileRef(f))) : [];
    for (let origin = 0; origin < origins; origin++) {
      const ds = atOrigin(full, d.horizon, origin);
      if (ds.series.length === 0) continue;
      const at = { dataset: d.name, origin, horizon: d.horizon };
      const ets = memoisedBaseline(registry.get<ForecastBaseline>('baseline', 'ets'));
      for (const cell of multiCellsAt(ds, origin, grid)) {
        if (have.has(multiCellKey(d.name, origin, cell, tag))) continue;
        if (suiteRef) {
          const payload: MultiCellPayload = { suite: 'forecast-multi', suiteFile: suiteRef, dataset: d.name, data: dataRefs, origin, cell, settings };
          queued.push({ cell: { label: multiCellLabel(d.name, origin, cell, tag), job: { kind: ForecastBenchCellJob.id, payload } }, dataset: d.name, origin });
        } else {
          await take(await runMultiCell({ service, registry, ets }, ds, at, cell, settings), d.name, origin);
        }
      }
    }
  }
  if (o.queue) {
    await runQueuedSweep<ForecastBenchCellResult>(o.queue, queued.map((q) => q.cell), {
      log,
      take: (i, r) => take(r as MultiCellResult, queued[i]!.dataset, queued[i]!.origin),
    });
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
