/**
 * One cell of the multi-dataset forecasting benchmark: the baselines of a (dataset, origin), or one
 * (backbone, strategy, share, seed) trained there. The local run and the `forecast-bench-cell` job
 * kind both call runMultiCell, so a queued run computes each cell exactly as a local one does.
 */
import { resolve } from 'node:path';
import type { StrategyName } from '../../core/interfaces/index.js';
import type { ForecastBaseline, ForecastDataset } from '../../plugins/forecasting/contracts.js';
import type { Registry } from '../../core/registry.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import type { CombineMethod } from '../../plugins/forecasting/output-policy.js';
import { parseQuantileLevels } from '../../plugins/forecasting/heads/quantile-forecast-head.js';
import { baselineQuantiles, scoreQuantiles } from '../../plugins/forecasting/services/quantile-scoring.js';
import type { MultiRun } from '../suites/forecast-multi-report.js';
import type { SuiteBudget, SuiteDataset } from '../suites/forecast-multi-data.js';

/** The baselines of a (dataset, origin), or one trained (or zero-shot) method there. */
export type MultiCell =
  | { kind: 'reference' }
  | { kind: 'trained'; backbone: string; strategy: StrategyName; share: number; seed: number };

/** What every cell of one run shares (resolved once by the submitting run: workers do not re-read flags). */
export interface MultiCellSettings {
  /** The trained strategies' budget: --quick's, then the suite file's. */
  train: SuiteBudget;
  /** Quantile levels as the --quantiles flag gave them, parsed by the same function everywhere. */
  quantiles?: string;
  calibrateQuantiles: boolean;
  /** Forecast each series from the view its own backtests choose (transfer's backtestSelect). */
  backtestSelect?: boolean;
  /** Suffix for method names. */
  tag?: string;
}

export interface MultiCellContext {
  service: ForecastService;
  registry: Registry;
  /** ETS fitted once per history, shared by the trained cells of one origin (a cache: the same forecasts fresh or memoised). */
  ets: ForecastBaseline;
}

export interface MultiCellResult {
  runs: MultiRun[];
  /** Why a trained cell produced no runs (a dataset too short to train on). */
  skipped?: string;
}

/**
 * The absolute paths of the files loadSuiteDataset reads for `d` (an M-competition dataset also
 * reads each file's _meta.csv): what a queued cell pins by sha256.
 */
export function suiteDataFiles(d: SuiteDataset, dir: string): string[] {
  if (d.path) return [resolve(dir, d.path)];
  return (d.mcomp?.files ?? []).flatMap((f) => {
    const path = resolve(dir, f);
    return [path, path.replace(/_long\.csv$/, '_meta.csv')];
  });
}

/** The method name a trained cell's first run carries (its other runs add "+ ETS mean" and "+ ETS select"). */
export function multiMethodName(cell: Extract<MultiCell, { kind: 'trained' }>, tag?: string): string {
  return `${cell.backbone}${tag ? `[${tag}]` : ''} ${cell.strategy}${cell.share < 1 ? ` @${Math.round(cell.share * 100)}%` : ''}`;
}

/** What progress lines and errors call a cell. */
export function multiCellLabel(dataset: string, origin: number, cell: MultiCell, tag?: string): string {
  return `${dataset} origin ${origin} ${cell.kind === 'reference' ? 'baselines' : `${multiMethodName(cell, tag)} seed ${cell.seed}`}`;
}

/** The runs-file key of the run that marks a cell done (the local run's resume rule). */
export function multiCellKey(dataset: string, origin: number, cell: MultiCell, tag?: string): string {
  return cell.kind === 'reference' ? `${dataset}|${origin}|ets|0` : `${dataset}|${origin}|${multiMethodName(cell, tag)}|${cell.seed}`;
}

export interface MultiGrid {
  backbones: string[];
  strategies: StrategyName[];
  shares: number[];
  seeds: number[];
  trainOrigins: number;
  minSeriesForShares: number;
}

/** The cells of one (dataset, origin) in the order a local run computes them. */
export function multiCellsAt(ds: ForecastDataset, origin: number, g: MultiGrid): MultiCell[] {
  const cells: MultiCell[] = [{ kind: 'reference' }];
  for (const backbone of g.backbones) {
    for (const strategy of g.strategies) {
      if (strategy !== 'zero-shot' && origin >= g.trainOrigins) continue;
      const used = strategy === 'zero-shot' ? [1] : g.shares.filter((x) => x === 1 || ds.series.length >= g.minSeriesForShares);
      for (const share of used) for (const seed of strategy === 'zero-shot' ? [0] : g.seeds) cells.push({ kind: 'trained', backbone, strategy, share, seed });
    }
  }
  return cells;
}

/** A cell's runs on `ds` (the dataset at `origin`), in the order the runs file gets them. */
export async function runMultiCell(ctx: MultiCellContext, ds: ForecastDataset, at: { dataset: string; origin: number; horizon: number }, cell: MultiCell, s: MultiCellSettings): Promise<MultiCellResult> {
  const { service, registry } = ctx;
  const H = at.horizon;
  const levels = s.quantiles !== undefined ? parseQuantileLevels(s.quantiles) : undefined;
  const base = { dataset: at.dataset, frequency: ds.frequency, origin: at.origin, series: ds.series.length, horizon: H };
  const testCuts = service.testCuts(ds, H);
  // The runs file keeps the aggregate scores; per-series ones are for `evaluate --per-series`.
  const probabilistic = (name: string, forecasts: number[][][] | undefined) => {
    if (!levels || !forecasts) return {};
    const { perSeries: _perSeries, ...quantileScores } = scoreQuantiles(name, ds, testCuts, levels, forecasts, H);
    return { quantileScores };
  };
  const runs: MultiRun[] = [];
  if (cell.kind === 'reference') {
    for (const row of service.evaluate(ds, H, [])) {
      const b = registry.get<ForecastBaseline>('baseline', row.name);
      runs.push({ ...base, method: row.name, seed: 0, relMASE: row.relMASE, MASE: row.report.aggregate.MASE!, seconds: row.trainSeconds, ...probabilistic(row.name, levels ? baselineQuantiles(b, ds, testCuts, H, levels) : undefined) });
    }
    return { runs };
  }
  const name = multiMethodName(cell, s.tag);
  const t0 = performance.now();
  let outcome: Awaited<ReturnType<ForecastService['transfer']>>;
  try {
    outcome = await service.transfer(ds, { backbone: cell.backbone, strategy: cell.strategy, horizon: H, seed: cell.seed || undefined, combine: 'select', trainShare: cell.share, ...(s.backtestSelect ? { backtestSelect: true } : {}), ...(levels ? { quantiles: levels, calibrateQuantiles: s.calibrateQuantiles } : {}), ...s.train });
  } catch (e) {
    // A dataset too short to train on is a finding for this strategy, not the end of the suite.
    if ((e as { code?: string }).code !== 'too-short') throw e;
    return { runs, skipped: `${name}: skipped (${(e as Error).message})` };
  }
  const transferSeconds = (performance.now() - t0) / 1000;
  const f = outcome.forecaster;
  try {
    const chosen = f.meta.combination!;
    f.partner = ctx.ets;
    const variants: [string, CombineMethod][] = [[name, 'model'], [`${name} + ETS mean`, 'mean'], [`${name} + ETS select`, chosen.method]];
    for (const [method, combine] of variants) {
      f.meta.combination = { ...chosen, method: combine };
      const [row] = service.evaluate(ds, H, [{ name: method, forecaster: f, trainSeconds: outcome.training.seconds }], []);
      runs.push({ ...base, method, seed: cell.seed, ...probabilistic(method, levels ? f.predictQuantiles(ds, testCuts) : undefined), relMASE: row!.relMASE, MASE: row!.report.aggregate.MASE!, seconds: combine === 'model' ? outcome.training.seconds + row!.predictSeconds : transferSeconds + row!.predictSeconds, bestEpoch: outcome.training.bestEpoch, chosen: chosen.method, valRelMASE: chosen.validation });
    }
  } finally {
    f.dispose();
  }
  return { runs };
}
