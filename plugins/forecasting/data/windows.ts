import * as tf from '@tensorflow/tfjs';
import type { Batch, ExampleSet } from '../../../core/interfaces/index.js';
import type { ForecastDataset, ForecastInput } from '../contracts.js';
import { fillContext, maseWeight, seasonalDiffScale } from './scaling.js';
import { PERIOD_BUCKETS, fillPeriod } from './period.js';

/** One forecast origin: predict series `series` from step `cut` on. */
export interface Cut {
  series: number;
  cut: number;
}

/** Mean and standard deviation of each covariate over the training data; saved with the model. */
export interface CovariateStats {
  names: string[];
  mean: number[];
  std: number[];
}

export interface WindowSpec {
  contextLength: number;
  horizon: number;
  covariates?: CovariateStats;
}

/**
 * Forecast windows as flat typed arrays: scaled context + mask (instance-normalised, left-padded),
 * scaled target, standardised future covariates, and the loc/scale to undo the normalisation.
 */
export class ForecastWindows implements ExampleSet<ForecastInput> {
  readonly size: number;
  readonly context: Float32Array;
  readonly mask: Float32Array;
  readonly target: Float32Array;
  readonly covariates: Float32Array;
  readonly period: Float32Array;
  /** Per-window loss weight: 1 / the context's seasonal-naive error (floored), so training minimises MASE. */
  readonly weight: Float32Array;
  readonly loc: Float64Array;
  readonly scale: Float64Array;

  constructor(
    readonly dataset: ForecastDataset,
    readonly cuts: Cut[],
    readonly spec: WindowSpec,
  ) {
    const { contextLength: L, horizon: H } = spec;
    const C = spec.covariates?.names.length ?? 0;
    this.size = cuts.length;
    this.context = new Float32Array(this.size * L);
    this.mask = new Float32Array(this.size * L);
    this.target = new Float32Array(this.size * H);
    this.covariates = new Float32Array(this.size * H * C);
    this.period = new Float32Array(this.size * PERIOD_BUCKETS);
    this.weight = new Float32Array(this.size);
    this.loc = new Float64Array(this.size);
    this.scale = new Float64Array(this.size);
    cuts.forEach(({ series, cut }, r) => {
      const s = dataset.series[series]!;
      const sc = fillContext(s.values, cut, L, this.context, this.mask, r * L);
      fillPeriod(this.period, r, dataset.seasonalPeriod);
      this.weight[r] = maseWeight(seasonalDiffScale(this.context, this.mask, r * L, L, dataset.seasonalPeriod));
      this.loc[r] = sc.loc;
      this.scale[r] = sc.scale;
      for (let h = 0; h < H; h++) {
        const v = s.values[cut + h];
        // Beyond the data (true forecasting) the target is unknown; it is never used for loss there.
        this.target[r * H + h] = v === undefined ? 0 : (v - sc.loc) / sc.scale;
        for (let c = 0; c < C; c++) {
          const name = spec.covariates!.names[c]!;
          const raw = s.covariates[name]?.[cut + h] ?? spec.covariates!.mean[c]!;
          this.covariates[(r * H + h) * C + c] = (raw - spec.covariates!.mean[c]!) / spec.covariates!.std[c]!;
        }
      }
    });
  }

  batch(indices: number[]): Batch<ForecastInput> {
    const { contextLength: L, horizon: H } = this.spec;
    const C = this.spec.covariates?.names.length ?? 0;
    const n = indices.length;
    const pick = (src: Float32Array, width: number) => {
      const out = new Float32Array(n * width);
      indices.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
      return out;
    };
    const input: ForecastInput = {
      context: tf.tensor2d(pick(this.context, L), [n, L]),
      mask: tf.tensor2d(pick(this.mask, L), [n, L]),
      period: tf.tensor2d(pick(this.period, PERIOD_BUCKETS), [n, PERIOD_BUCKETS]),
    };
    if (C > 0) input.covariates = tf.tensor3d(pick(this.covariates, H * C), [n, H, C]);
    return { input, target: tf.tensor2d(pick(this.target, H), [n, H]), weight: tf.tensor1d(pick(this.weight, 1)) };
  }

  /** Undoes the instance normalisation of row r's predictions. */
  descale(r: number, scaled: ArrayLike<number>): number[] {
    return Array.from(scaled, (v) => v * this.scale[r]! + this.loc[r]!);
  }
}

/** Where each split's windows start: test = last horizon, validation = the horizon before it, training before that. */
export interface SplitCuts {
  train: Cut[];
  val: Cut[];
  test: Cut[];
}

/**
 * Cuts for the protocol: the last `horizon` steps of every series are the test window and never train;
 * the `valWindows` horizons before them validate (one window each, newest first); training windows
 * have targets entirely before validation. `maxPerSeries` keeps the most recent training windows.
 */
export function splitCuts(
  ds: ForecastDataset,
  horizon: number,
  opts: { minHistory?: number; maxPerSeries?: number; seriesFilter?: (i: number) => boolean; valWindows?: number } = {},
): SplitCuts {
  const minHistory = opts.minHistory ?? 8;
  const k = opts.valWindows ?? 1;
  const out: SplitCuts = { train: [], val: [], test: [] };
  ds.series.forEach((s, i) => {
    const n = s.values.length;
    out.test.push({ series: i, cut: n - horizon });
    if (opts.seriesFilter && !opts.seriesFilter(i)) return;
    for (let j = 0; j < k; j++) if (n - (2 + j) * horizon >= 2) out.val.push({ series: i, cut: n - (2 + j) * horizon });
    const last = n - (2 + k) * horizon;
    const first = Math.max(minHistory, last - (opts.maxPerSeries ?? Infinity) + 1);
    for (let c = first; c <= last; c++) out.train.push({ series: i, cut: c });
  });
  return out;
}

/** Validation windows wanted in total before early stopping is trusted (few series → more windows each). */
const MIN_VALIDATION_WINDOWS = 60;
/** At most this many validation horizons per series (each one is held back from training). */
const MAX_VALIDATION_WINDOWS = 4;

/**
 * Validation windows per series for `trainingSeries` series: one when there are many series, up to 4
 * when there are few, so early stopping is not decided by a handful of windows.
 */
export function validationWindowsFor(trainingSeries: number): number {
  return Math.min(MAX_VALIDATION_WINDOWS, Math.max(1, Math.ceil(MIN_VALIDATION_WINDOWS / Math.max(1, trainingSeries))));
}

/** Covariate means and standard deviations over the given series' history before `end(i)`. */
export function covariateStats(ds: ForecastDataset, names: string[], end: (i: number) => number): CovariateStats {
  const mean: number[] = [];
  const std: number[] = [];
  for (const name of names) {
    let sum = 0;
    let sq = 0;
    let n = 0;
    ds.series.forEach((s, i) => {
      const xs = s.covariates[name] ?? [];
      for (let t = 0; t < Math.min(end(i), xs.length); t++) {
        sum += xs[t]!;
        sq += xs[t]! ** 2;
        n++;
      }
    });
    const m = n > 0 ? sum / n : 0;
    const v = n > 0 ? sq / n - m * m : 0;
    mean.push(m);
    std.push(v > 1e-12 ? Math.sqrt(v) : 1);
  }
  return { names, mean, std };
}
