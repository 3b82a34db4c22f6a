import * as tf from '@tensorflow/tfjs';
import type { HeadConfig, StrategyName, TrainResult } from '../../core/interfaces/index.js';
import type { ForecastBaseline, ForecastDataset, ForecastInput, Frequency } from './contracts.js';
import { applyOutputPolicy, clipsAtZero, type Combination, type CombineMethod, type IntermittentMode, type NonNegativeMode } from './output-policy.js';
import { quantileLevels } from './heads/quantile-forecast-head.js';
import { applySpread, fitSpreadScales, type CalibrationWindow } from './quantile-calibration.js';
import type { TaskModel } from '../../core/task/task-model.js';
import { DataError, ModelError } from '../../core/errors.js';
import { ForecastWindows, type CovariateStats, type Cut } from './data/windows.js';
import { nextTimestamps } from './data/frequency.js';
import { formatTimestamp } from './data/timestamps.js';
import type { FutureCovariates } from './data/future-covariates.js';
import { selectByBacktest, type BacktestSelection } from './backtest-select.js';

/** Everything about a trained forecaster besides its weights; saved as the model folder's manifest. */
export interface ForecasterMeta {
  backbone: { id: string; version: string };
  head: HeadConfig;
  strategy: StrategyName;
  horizon: number;
  contextLength: number;
  covariates?: CovariateStats;
  frequency: Frequency;
  seasonalPeriod: number;
  /** How the training file's columns were mapped, so evaluate/forecast read new files the same way. */
  data: Record<string, string | string[] | undefined>;
  training?: Omit<TrainResult, 'history'>;
  /** Validation metrics measured at training time. */
  validation?: Record<string, number>;
  /** Clip forecasts at zero (default auto: where a series' history is never negative). */
  nonNegative?: NonNegativeMode;
  /** Combination with a classical partner; absent means the model alone. */
  combination?: Combination;
  /** Intermittent series: their recent median (auto, the default) or the model's forecast. */
  intermittent?: IntermittentMode;
  /** The quantile levels asked for, when the head forecasts more (a pretrained head's grid). */
  quantiles?: number[];
  /**
   * Spread scale of each reported quantile level, per combination method, fit on the validation
   * windows (quantile-calibration.ts); absent: the head's spread as it is.
   */
  quantileScale?: Partial<Record<CombineMethod, number[]>>;
  /**
   * Each series' forecast from the view of its history that backtests best inside it
   * (backtest-select.ts); absent: the plain forecast, as model folders saved before it was added.
   */
  backtestSelection?: BacktestSelection;
}

export interface SeriesForecast {
  seriesId: string;
  timestamps: number[];
  values: number[];
  /** [level][step], ascending levels (Forecaster.quantileLevels), for quantile heads. */
  quantiles?: number[][];
}

/** A trained backbone + head with its normalisation recipe: predicts, and is what `transfer` saves. */
export class Forecaster {
  constructor(
    readonly model: TaskModel<ForecastInput>,
    readonly meta: ForecasterMeta,
    /** The partner baseline of meta.combination (the service resolves it from the registry). */
    public partner?: ForecastBaseline,
  ) {}

  /** What produces the forecasts: the strategy, and the combination when there is one ("probe + ets mean"). */
  combinationLabel(): string {
    const c = this.meta.combination;
    return c && c.method !== 'model' ? ` + ${c.partner}${c.method === 'mean' ? ' mean' : ' (selected)'}` : '';
  }

  /** Forecasts (in data units) for each cut: the model, combined and clipped as the meta says. */
  predict(dataset: ForecastDataset, cuts: Cut[], batchSize = 256): number[][] {
    return this.pointFrom(dataset, cuts, this.medianOf(this.predictRaw(dataset, cuts, batchSize)));
  }

  /** The output policy (combination, intermittent rule, clipping) over the network's point forecasts. */
  private pointFrom(dataset: ForecastDataset, cuts: Cut[], model: number[][], method: CombineMethod = this.meta.combination?.method ?? 'model'): number[][] {
    if (method !== 'model' && !this.partner) throw new ModelError(`this model combines with baseline '${this.meta.combination!.partner}', which is not registered; install the plugin that provides it`, 'missing-partner');
    const partner = method === 'model' ? undefined : cuts.map((c) => this.partner!.forecast(dataset.series[c.series]!.values.slice(0, c.cut), this.meta.horizon, dataset.seasonalPeriod));
    return applyOutputPolicy(dataset, cuts, model, { nonNegative: this.meta.nonNegative ?? 'auto', method, partner, intermittent: this.meta.intermittent ?? 'auto' });
  }

  /** The median block of each raw output row (the whole row for a point head). */
  private medianOf(raw: number[][]): number[][] {
    const H = this.meta.horizon;
    const mid = quantileLevels(this.meta.head).indexOf(0.5);
    return raw.map((row) => row.slice(mid * H, (mid + 1) * H));
  }

  /** Quantile levels this forecaster reports: those asked for, else the head's ([0.5] for a point head). */
  get quantileLevels(): number[] {
    return this.meta.quantiles ?? quantileLevels(this.meta.head);
  }

  /**
   * Quantile forecasts for each cut, [cut][level][step] in data units, ascending levels: the head's
   * quantiles (averaged level by level with the partner's when the model is combined with one that
   * forecasts quantiles), shifted so their median is the point forecast `predict` gives (combined,
   * intermittent rule), spread by the validation-fit scales (meta.quantileScale), then clipped at
   * zero where the point forecast is. Averaging, shifting, scaling (then sorting) and clipping all
   * keep them ordered.
   */
  predictQuantiles(dataset: ForecastDataset, cuts: Cut[], batchSize = 256): number[][][] {
    return this.predictWithQuantiles(dataset, cuts, batchSize).quantiles;
  }

  /** Point and quantile forecasts from one pass of the network (see predict and predictQuantiles). */
  predictWithQuantiles(dataset: ForecastDataset, cuts: Cut[], batchSize = 256): { point: number[][]; quantiles: number[][][] } {
    const method = this.meta.combination?.method ?? 'model';
    return this.quantilesFrom(dataset, cuts, this.predictRaw(dataset, cuts, batchSize), method, this.meta.quantileScale?.[method]);
  }

  /** Point and quantiles from the network's raw outputs, combined by `method`, spread by `scales` (none: the head's spread). */
  private quantilesFrom(dataset: ForecastDataset, cuts: Cut[], raw: number[][], method: CombineMethod, scales: number[] | undefined): { point: number[][]; quantiles: number[][][] } {
    const levels = quantileLevels(this.meta.head);
    const reported = this.quantileLevels.map((l) => levels.findIndex((p) => Math.abs(p - l) < 1e-9));
    const H = this.meta.horizon;
    const point = this.pointFrom(dataset, cuts, this.medianOf(raw), method);
    const mid = levels.indexOf(0.5);
    const mode = this.meta.nonNegative ?? 'auto';
    const quantiles = raw.map((row, i) => {
      const c = cuts[i]!;
      const history = dataset.series[c.series]!.values.slice(0, c.cut);
      const own = levels.map((_, k) => row.slice(k * H, (k + 1) * H));
      // Combined quantiles average level by level (Vincentization), as the point forecasts average.
      const other = method !== 'model' ? this.partner?.forecastQuantiles?.(history, H, dataset.seasonalPeriod, levels) : undefined;
      const q = !other ? own : method === 'partner' ? other : own.map((r, k) => r.map((v, h) => (v + other[k]![h]!) / 2));
      const clip = clipsAtZero(mode, history);
      const centred = reported.map((k) => q[k]!.map((v, h) => v - q[mid]![h]! + point[i]![h]!));
      return applySpread(point[i]!, centred, scales ?? reported.map(() => 1), clip);
    });
    return { point, quantiles };
  }

  /**
   * Fits the spread scales of `methods` on validation cuts (each cut's next `horizon` values must
   * be in the data) and records them in meta.quantileScale. The partner should be memoised: each
   * method forecasts the same windows again.
   */
  calibrateQuantiles(dataset: ForecastDataset, cuts: Cut[], methods: readonly CombineMethod[]): void {
    const H = this.meta.horizon;
    // One pass of the network serves every method; only the combination differs.
    const raw = this.predictRaw(dataset, cuts, 256);
    const scales: Partial<Record<CombineMethod, number[]>> = {};
    for (const method of methods) {
      const { point, quantiles } = this.quantilesFrom(dataset, cuts, raw, method, undefined);
      const windows: CalibrationWindow[] = cuts.map((c, i) => {
        const values = dataset.series[c.series]!.values;
        return { actual: values.slice(c.cut, c.cut + H), point: point[i]!, quantiles: quantiles[i]!, clip: clipsAtZero(this.meta.nonNegative ?? 'auto', values.slice(0, c.cut)) };
      });
      scales[method] = fitSpreadScales(windows, this.quantileLevels);
    }
    this.meta.quantileScale = scales;
  }

  /** The network's own point forecasts (its median for a quantile head), in data units. */
  predictModel(dataset: ForecastDataset, cuts: Cut[], batchSize = 256): number[][] {
    return this.medianOf(this.predictRaw(dataset, cuts, batchSize));
  }

  /** Every output (all quantile levels) for each cut, in data units: the network's, from the view backtests chose where meta.backtestSelection says so. */
  private predictRaw(dataset: ForecastDataset, cuts: Cut[], batchSize: number): number[][] {
    const selection = this.meta.backtestSelection;
    if (!selection || cuts.length === 0) return this.networkRaw(dataset, cuts, batchSize);
    const setting = { horizon: this.meta.horizon, contextLength: this.meta.contextLength, windows: selection.windows, median: (row: number[]) => this.medianOf([row])[0]! };
    return selectByBacktest(dataset, cuts, setting, (d, c) => this.networkRaw(d, c, batchSize)).rows;
  }

  /** Every output of the network (all quantile levels) for each cut, in data units, batched so memory stays bounded. */
  private networkRaw(dataset: ForecastDataset, cuts: Cut[], batchSize: number): number[][] {
    const windows = new ForecastWindows(dataset, cuts, { contextLength: this.meta.contextLength, horizon: this.meta.horizon, covariates: this.meta.covariates });
    const out: number[][] = [];
    for (let start = 0; start < windows.size; start += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, windows.size - start) }, (_, i) => start + i);
      const pred = tf.tidy(() => this.model.predict(windows.batch(idx).input));
      const scaled = pred.arraySync() as number[][];
      pred.dispose();
      scaled.forEach((row, i) => out.push(windows.descale(idx[i]!, row)));
    }
    for (const [i, row] of out.entries()) {
      if (!row.every(Number.isFinite)) {
        throw new ModelError(`${dataset.source}: the model produced a non-finite forecast for series '${dataset.series[cuts[i]!.series]!.id}'; check that series for extreme values, or retrain with a lower --learning-rate`, 'non-finite-forecast');
      }
    }
    return out;
  }

  /**
   * Forecasts the `horizon` steps after the end of every series. With covariates, their values for those
   * steps must be in `future`, starting at the step right after each series' history.
   */
  forecastFuture(dataset: ForecastDataset, future?: FutureCovariates): SeriesForecast[] {
    const H = this.meta.horizon;
    const names = this.meta.covariates?.names ?? [];
    const extended: ForecastDataset = { ...dataset, series: dataset.series.map((s) => ({ ...s, covariates: { ...s.covariates } })) };
    if (names.length > 0) {
      if (!future) throw new DataError(`this model uses known-future covariates (${names.join(', ')}); pass --future <csv> with their values for the next ${H} steps`, 'missing-future');
      for (const s of extended.series) {
        const f = future.bySeries.get(s.id) ?? future.bySeries.get('');
        const expected = nextTimestamps(s.timestamps[s.timestamps.length - 1]!, dataset.frequency, H);
        const start = f ? f.timestamps.indexOf(expected[0]!) : -1;
        if (!f || start < 0 || f.timestamps.length - start < H || f.timestamps[start + H - 1] !== expected[H - 1]) {
          throw new DataError(`${future.source}: series '${s.id}' needs ${names.join(', ')} for the ${H} ${dataset.frequency} steps ${formatTimestamp(expected[0]!, dataset.frequency)} to ${formatTimestamp(expected[H - 1]!, dataset.frequency)}; ${f ? 'they are not all there' : 'no rows for it'}`, 'missing-future');
        }
        for (const n of names) s.covariates[n] = [...(s.covariates[n] ?? []).slice(0, s.values.length), ...f.covariates[n]!.slice(start, start + H)];
      }
    }
    const cuts = extended.series.map((s, i) => ({ series: i, cut: s.values.length }));
    const both = this.quantileLevels.length > 1 ? this.predictWithQuantiles(extended, cuts) : undefined;
    const values = both?.point ?? this.predict(extended, cuts);
    const quantiles = both?.quantiles;
    return extended.series.map((s, i) => ({
      seriesId: s.id,
      timestamps: nextTimestamps(s.timestamps[s.timestamps.length - 1]!, dataset.frequency, H),
      values: values[i]!,
      ...(quantiles ? { quantiles: quantiles[i]! } : {}),
    }));
  }

  dispose(): void {
    this.model.dispose();
  }
}
