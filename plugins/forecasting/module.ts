import { definePlugin } from '../../core/plugin.js';
import { PATCH_MIXER_M, PATCH_MIXER_S } from './backbones/patch-mixer.js';
import { registerPatchMixer } from './backbones/define-patch-mixer.js';
import { LinearForecastHead } from './heads/linear-forecast-head.js';
import { ResidualMlpForecastHead } from './heads/residual-mlp-forecast-head.js';
import { QuantileForecastHead } from './heads/quantile-forecast-head.js';
import { ForecastEvaluator } from './evaluation/forecast-evaluator.js';
import { NaiveBaseline } from './baselines/naive.js';
import { SeasonalNaiveBaseline } from './baselines/seasonal-naive.js';
import { EtsBaseline } from './baselines/ets.js';
import { TsbBaseline } from './baselines/tsb.js';
import { ForecastCsvAdapter } from './data/adapter.js';
import { ForecastService } from './services/forecast-service.js';

import { ForecastShardJob } from './jobs/forecast-shard.js';
import { FORECAST_SERVICE } from './tokens.js';

export { FORECAST_SERVICE };

/** The built-in forecasting plugin, registered through the same API a third-party plugin uses. */
export const forecastingPlugin = definePlugin('forecasting', (r) => {
  registerPatchMixer(r, PATCH_MIXER_S);
  registerPatchMixer(r, PATCH_MIXER_M);
  r.head(LinearForecastHead);
  r.head(ResidualMlpForecastHead);
  r.head(QuantileForecastHead);
  r.evaluator(ForecastEvaluator);
  r.baseline(NaiveBaseline);
  r.baseline(SeasonalNaiveBaseline);
  r.baseline(EtsBaseline);
  r.baseline(TsbBaseline);
  r.adapter(ForecastCsvAdapter);
  r.service(FORECAST_SERVICE, ForecastService);
  r.job(ForecastShardJob.id, ForecastShardJob);
});
