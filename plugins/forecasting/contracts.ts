import type * as tf from '@tensorflow/tfjs';
import type { Baseline, BackboneInfo, HeadConfig } from '../../core/interfaces/index.js';

/** Sampling frequency of a series. */
export type Frequency = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';

/** One univariate series with optional known-future covariates aligned to its timestamps. */
export interface Series {
  id: string;
  /** Epoch milliseconds (UTC), strictly increasing. */
  timestamps: number[];
  values: number[];
  /** Covariate name -> values aligned with `timestamps`. */
  covariates: Record<string, number[]>;
}

/** A loaded forecasting dataset. */
export interface ForecastDataset {
  /** The file it came from (for error messages and manifests). */
  source: string;
  frequency: Frequency;
  /** Seasonal period in steps (7 for daily, 12 for monthly…), inferred or given. */
  seasonalPeriod: number;
  series: Series[];
  covariateNames: string[];
  /** Things the loader fixed and the user should know (sorted timestamps, filled gaps…). */
  notices: string[];
  /** How the file wrote its timestamps (a template such as `YYYY-MM-DD HH:mm:ss`), for output in the same form. */
  timestampStyle?: string;
  /** The file's column names for the series id (long format, several joined with '/'), timestamps and values (long format). */
  columns?: { id?: string; timestamp: string; value?: string };
}

/** What a forecasting backbone and head read for a batch; values are already instance-normalised. */
export interface ForecastInput {
  /** [batch, contextLength] scaled history, zeros where padded. */
  context: tf.Tensor2D;
  /** [batch, contextLength] 1 where observed, 0 where padded. */
  mask: tf.Tensor2D;
  /** [batch, horizon, covariates] standardised known-future covariates, when the head uses them. */
  covariates?: tf.Tensor3D;
  /** [batch, PERIOD_BUCKETS] one-hot of the seasonal period (TTM-style frequency token). */
  period: tf.Tensor2D;
}

/** A forecasting baseline fit per series (naive, seasonal naive, ETS…). */
export interface ForecastBaseline extends Baseline {
  readonly task: 'forecast';
  forecast(history: number[], horizon: number, seasonalPeriod: number): number[];
  /**
   * Quantile forecasts, one row per level in `levels` (each in (0, 1)), non-crossing: row k is at
   * or below row k+1 at every step when levels ascend. Optional: point-only baselines leave it out.
   */
  forecastQuantiles?(history: number[], horizon: number, seasonalPeriod: number, levels: readonly number[]): number[][];
}

/** One series' test case for the forecasting evaluator. */
export interface ForecastCase {
  seriesId: string;
  /** In-sample history (everything before the forecast window). */
  history: number[];
  actual: number[];
  forecast: number[];
  seasonalPeriod: number;
}

/** A forecast head's config: the generic one plus the known-future covariates it reads per step. */
export interface ForecastHeadConfig extends HeadConfig {
  /** Names of the extra per-step inputs (known-future covariates) the head reads; none when absent. */
  covariates?: string[];
}

/** The covariates a forecast head config names (none when it names none). */
export function covariateNames(config: HeadConfig): string[] {
  return (config as ForecastHeadConfig).covariates ?? [];
}

/** What a forecasting backbone declares beyond the generic info: the longest horizon its pretrained head produces. */
export interface ForecastBackboneInfo extends BackboneInfo {
  maxHorizon: number;
}
