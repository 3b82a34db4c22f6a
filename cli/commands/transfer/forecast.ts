import { useWeightsFolder } from '../../../core/io/weights-folder.js';
import { checkOutput, forceFlag } from '../../flags/output.js';
import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../../base-command.js';
import { forecastDataFlags, forecastLoadOptions, savedColumns } from '../../flags/forecast-data.js';
import { FORECAST_SERVICE, type ForecastService, FORECAST_DEFAULTS as DEFAULTS, type ForecastDataset, type ForecastLoadOptions, parseQuantileLevels, COMBINE_OPTIONS, INTERMITTENT_MODES, NON_NEGATIVE_MODES, type CombineOption, type IntermittentMode, type NonNegativeMode } from '../../../plugins/forecasting/index.js';
import type { DataAdapter } from '../../../core/interfaces/index.js';
import { STRATEGY_NAMES } from '../../../core/training/strategies.js';
import { trainSettings, trainingFlags } from '../../flags/training.js';

export default class TransferForecast extends HeadstartCommand {
  static override summary = 'Put a new forecast head on a pretrained backbone and train it on your series';
  static override description = 'The last --horizon steps of every series are held out as the test window (never trained on); the horizon before it validates (early stopping). Writes a model folder that `evaluate` and `forecast` reload.';
  static override examples = [
    '<%= config.bin %> transfer forecast --data sales.csv --backbone patch-mixer-s --strategy probe --horizon 12 --out model/',
    '<%= config.bin %> transfer forecast --data retail.csv --id-column "Series ID" --timestamp-column Month --value-column Turnover --strategy fine-tune --horizon 12 --out model/ --json',
  ];
  static override flags = {
    ...forecastDataFlags,
    backbone: Flags.string({ description: 'backbone id (see `headstart backbones`)', default: 'patch-mixer-s' }),
    head: Flags.string({ description: 'head id: linear-forecast (PatchTST flatten head, the default), residual-mlp-forecast, or quantile-forecast (the default with --quantiles)' }),
    strategy: Flags.string({ description: 'zero-shot, probe (frozen backbone), fine-tune, scratch (random init)', options: STRATEGY_NAMES, default: 'probe' }),
    horizon: Flags.integer({ description: 'steps to forecast', required: true }),
    out: Flags.string({ description: 'model folder to write', required: true }),
    ...forceFlag,
    weights: Flags.string({ description: "start from this weights folder (a `headstart pretrain … --out`) instead of the backbone's shipped weights" }),
    ...trainingFlags(DEFAULTS),
    'no-covariates': Flags.boolean({ description: 'ignore covariate columns even if given' }),
    quantiles: Flags.string({ description: 'also forecast these quantile levels, e.g. 0.1,0.5,0.9 (a quantile head trained with the pinball loss; never crossing; the point forecast is the median)' }),
    'calibrate-quantiles': Flags.boolean({ description: "with --quantiles: scale each level's spread so it fits the validation windows (pinball loss; --no-calibrate-quantiles keeps the head's spread)", allowNo: true, default: true }),
    'train-share': Flags.string({ description: 'train and validate on this share of the series only (a seeded subset; every series is still forecast and tested), e.g. 0.1 for a data-savings run' }),
    'non-negative': Flags.string({ description: 'clip forecasts at zero: auto (series whose history is never negative), always, never', options: [...NON_NEGATIVE_MODES], default: 'auto' }),
    intermittent: Flags.string({ description: 'intermittent series (over a quarter of the last two seasons zero): auto forecasts their recent median (what absolute-error metrics reward; usually 0), model leaves them to the model', options: [...INTERMITTENT_MODES], default: 'auto' }),
    'backtest-select': Flags.boolean({ description: "forecast each series from the view of its history (plain; averaged with no season; averaged with its recent half) that forecast its own last 3 horizons best; for zero-shot (a trained head did worse with it); runs the network 12 times as often", default: false }),
    combine: Flags.string({ description: 'combine with a classical forecast: none, mean (model and partner averaged), select (model, mean or partner, whichever validates best)', options: [...COMBINE_OPTIONS], default: DEFAULTS.combine }),
    'combine-with': Flags.string({ description: 'baseline id of the combination partner', default: 'ets' }),
  };

  async run() {
    const { flags } = await this.parse(TransferForecast);
    checkOutput(flags);
    await this.setup(flags.backend);
    if (flags.weights) useWeightsFolder(this.registry.get<object>('backbone', flags.backbone), flags.backbone, flags.weights);
    const loadOptions = forecastLoadOptions(flags);
    const dataset = await this.registry.get<DataAdapter<ForecastLoadOptions, ForecastDataset>>('adapter', 'forecast-csv').load(flags.data, loadOptions);
    this.notices(dataset.notices);
    const service = this.container.get<ForecastService>(FORECAST_SERVICE);
    const bar = this.progress(`${flags.strategy}`);
    const outcome = await service.transfer(dataset, {
      backbone: flags.backbone,
      strategy: flags.strategy as 'probe',
      head: flags.head,
      horizon: flags.horizon,
      ...trainSettings(flags),
      useCovariates: !flags['no-covariates'],
      nonNegative: flags['non-negative'] as NonNegativeMode,
      intermittent: flags.intermittent as IntermittentMode,
      quantiles: flags.quantiles !== undefined ? parseQuantileLevels(flags.quantiles) : undefined,
      calibrateQuantiles: flags['calibrate-quantiles'],
      trainShare: flags['train-share'] !== undefined ? Number(flags['train-share']) : undefined,
      backtestSelect: flags['backtest-select'],
      combine: flags.combine as CombineOption,
      partner: flags['combine-with'],
      dataColumns: savedColumns(loadOptions),
      onProgress: (p) => bar.training(p, `epoch ${p.epoch} loss ${p.trainLoss.toFixed(4)}${p.valLoss !== undefined ? ` val ${p.valLoss.toFixed(4)}` : ''}`),
    });
    bar.done();
    await service.save(outcome.forecaster, flags.out, { force: flags.force });
    const t = outcome.training;
    this.say(`${flags.strategy} on ${flags.backbone}: ${dataset.series.length} series (${dataset.frequency}, period ${dataset.seasonalPeriod}), horizon ${flags.horizon}${outcome.forecaster.meta.covariates ? `, covariates ${outcome.forecaster.meta.covariates.names.join(', ')}` : ''}`);
    this.say(`trained ${t.epochsRun} epochs (best ${t.bestEpoch}) in ${t.seconds.toFixed(1)}s, ${t.trainableParameters.toLocaleString('en-US')} trainable parameters, backend ${this.backend.active}`);
    this.say(`validation MASE ${outcome.validation.MASE.toFixed(3)} (seasonal naive ${outcome.validation.seasonalNaiveMASE.toFixed(3)}, relative ${outcome.validation.relMASE.toFixed(3)})`);
    const c = outcome.validation.combination;
    const spread = outcome.forecaster.meta.quantileScale?.[c?.method ?? 'model'];
    if (spread) this.say(`quantile spread fit on validation: ${outcome.forecaster.quantileLevels.map((l, k) => `q${l} ×${spread[k]!.toFixed(2)}`).join(', ')}`);
    if (c) this.say(`combination with ${c.partner}: ${c.method}${c.validation ? ` (validation relative MASE: ${Object.entries(c.validation).map(([k, v]) => `${k} ${v!.toFixed(3)}`).join(', ')})` : ''}`);
    this.warnings(outcome.warnings);
    this.say(`model written to ${flags.out}`);
    return { out: flags.out, backend: this.backend.active, strategy: flags.strategy, training: { ...t, history: undefined }, validation: outcome.validation, warnings: outcome.warnings, notices: dataset.notices };
  }
}
