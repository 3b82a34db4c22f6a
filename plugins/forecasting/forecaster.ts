import * as tf from '@tensorflow/tfjs';
import type { ForecastDataset, ForecastInput, Frequency, HeadConfig, StrategyName, TrainResult } from '../../core/interfaces/index.js';
import type { TaskModel } from '../../core/task/task-model.js';
import { DataError } from '../../core/errors.js';
import { ForecastWindows, type CovariateStats, type Cut } from './data/windows.js';
import { nextTimestamps } from './data/frequency.js';

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
}

export interface SeriesForecast {
  seriesId: string;
  timestamps: number[];
  values: number[];
}

/** A trained backbone + head with its normalisation recipe: predicts, and is what `transfer` saves. */
export class Forecaster {
  constructor(
    readonly model: TaskModel<ForecastInput>,
    readonly meta: ForecasterMeta,
  ) {}

  /** Forecasts (in data units) for each cut, batched so memory stays bounded. */
  predict(dataset: ForecastDataset, cuts: Cut[], batchSize = 256): number[][] {
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
      if (!row.every(Number.isFinite)) throw new Error(`non-finite forecast for series ${dataset.series[cuts[i]!.series]!.id}`);
    }
    return out;
  }

  /**
   * Forecasts the `horizon` steps after the end of every series. With covariates, their future values
   * must be present in `future` (same series ids).
   */
  forecastFuture(dataset: ForecastDataset, future?: ForecastDataset): SeriesForecast[] {
    const H = this.meta.horizon;
    const names = this.meta.covariates?.names ?? [];
    const extended: ForecastDataset = { ...dataset, series: dataset.series.map((s) => ({ ...s, covariates: { ...s.covariates } })) };
    if (names.length > 0) {
      if (!future) throw new DataError(`this model uses known-future covariates (${names.join(', ')}); pass --future <csv> with their values for the next ${H} steps`, 'missing-future');
      const byId = new Map(future.series.map((s) => [s.id, s]));
      for (const s of extended.series) {
        const f = byId.get(s.id);
        if (!f || f.timestamps.length < H) throw new DataError(`${future.source}: series ${s.id} needs ${H} future rows of ${names.join(', ')}; found ${f?.timestamps.length ?? 0}`, 'missing-future');
        for (const n of names) s.covariates[n] = [...(s.covariates[n] ?? []), ...(f.covariates[n] ?? []).slice(0, H)];
      }
    }
    const values = this.predict(extended, extended.series.map((s, i) => ({ series: i, cut: s.values.length })));
    return extended.series.map((s, i) => ({
      seriesId: s.id,
      timestamps: nextTimestamps(s.timestamps[s.timestamps.length - 1]!, dataset.frequency, H),
      values: values[i]!,
    }));
  }

  dispose(): void {
    this.model.dispose();
  }
}
