// Public surface of the built-in forecasting plugin.
export { forecastingPlugin, FORECAST_SERVICE } from './module.js';
export { ForecastService, DEFAULTS as FORECAST_DEFAULTS, type TransferOptions, type TransferOutcome } from './services/forecast-service.js';
export { compareStrategies, type Comparison, type CompareOptions } from './services/compare.js';
export { type ScoredMethod } from './services/scoring.js';
export { Forecaster, type ForecasterMeta, type SeriesForecast } from './forecaster.js';
export { PatchMixerBackbone } from './backbones/patch-mixer.js';
export { LinearForecastHead } from './heads/linear-forecast-head.js';
export { loadForecastCsv, type ForecastLoadOptions } from './data/csv-loader.js';
export { ForecastWindows, splitCuts, type Cut } from './data/windows.js';
export { kernelSynthSeries } from './pretraining/kernel-synth.js';
export { forecastOnQueue, DEFAULT_FORECAST_SHARD, type QueuedForecastOptions, type QueuedForecast } from './services/queued-forecast.js';
export { ForecastShardJob, type ForecastShardPayload, type ForecastShardResult } from './jobs/forecast-shard.js';
export { forecastCsvHeader, forecastCsvRows } from './forecast-csv.js';
export type * from './contracts.js';
export { ForecastEvaluator, compareToBaseline } from './evaluation/forecast-evaluator.js';
export { mae, rmse, smape, mase, seasonalNaiveScale } from './evaluation/forecast-metrics.js';
