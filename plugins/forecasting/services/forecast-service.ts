import { MetaChecks } from '../../../core/io/meta-checks.js';
import { inject, injectable } from 'inversify';
import type { Backbone, Evaluator, Head, StrategyName, TrainCheckpoint, TrainProgress, TrainResult } from '../../../core/interfaces/index.js';
import type { ForecastBackboneInfo, ForecastBaseline, ForecastCase, ForecastDataset, ForecastHeadConfig, ForecastInput } from '../contracts.js';
import { TOKENS } from '../../../core/tokens.js';
import type { Registry } from '../../../core/registry.js';
import type { Trainer } from '../../../core/training/trainer.js';
import { strategyOf } from '../../../core/training/strategies.js';
import { TaskModel } from '../../../core/task/task-model.js';
import { composeTaskModel } from '../../../core/task/compose.js';
import { UsageError } from '../../../core/errors.js';
import { loadModelNetworks, readModelManifest, requireBackboneVersion, saveModelFolder } from '../../../core/io/model-folder.js';
import { ForecastWindows, covariateStats, splitCuts, validationWindowsFor, type Cut } from '../data/windows.js';
import { validateHorizon } from '../data/csv-loader.js';
import { seriesSubset } from '../data/train-share.js';
import { Forecaster, type ForecasterMeta } from '../forecaster.js';
import { FORECAST_EVALUATOR, baselineForecasts, relativeTo, score, type ScoredMethod } from './scoring.js';
import { baselineQuantiles, scoreQuantiles, type QuantileScores } from './quantile-scoring.js';
import { quantileLevels, quantileWarmStart, type QuantileForecastHeadModel } from '../heads/quantile-forecast-head.js';
import { memoisedBaseline } from '../baselines/memoised.js';
import { forecastPlotSvg } from './forecast-plot.js';
import { resolveTrainOptions } from '../../../core/training/train-options.js';
import { BACKTEST_WINDOWS } from '../backtest-select.js';
import { applyOutputPolicy, COMBINE_OPTIONS, type Combination, type CombineMethod, type CombineOption, type IntermittentMode, type NonNegativeMode } from '../output-policy.js';

export interface TransferOptions {
  backbone: string;
  strategy: StrategyName;
  horizon: number;
  /** Head id; default 'linear-forecast'. */
  head?: string;
  seed?: number;
  epochs?: number;
  batchSize?: number;
  /** Head learning rate; default: the strategy's (3e-4 for warm-started heads, 1e-3 for scratch). */
  learningRate?: number;
  patience?: number;
  maxStepsPerEpoch?: number;
  /** Use the dataset's known-future covariates (default: when it has any; zero-shot never does). */
  useCovariates?: boolean;
  /** Only these series contribute training windows (data-savings experiments); all are still forecast. */
  trainSeries?: (index: number) => boolean;
  /** Only this share of the series (a seeded subset, see seriesSubset) trains; all are still forecast. */
  trainShare?: number;
  /** Most recent training windows kept per series. */
  maxWindowsPerSeries?: number;
  /** Validation horizons per series before the test window (default: 1 with many series, up to 4 with few). */
  validationWindows?: number;
  /** Quantile levels to forecast besides the point (the median): a quantile head, trained with the pinball loss. */
  quantiles?: number[];
  /** Fit each quantile level's spread on the validation windows (default true; quantile-calibration.ts). */
  calibrateQuantiles?: boolean;
  /** Clip forecasts at zero: auto (default) where a series' history is never negative. */
  nonNegative?: NonNegativeMode;
  /** Intermittent series (over a quarter of recent steps zero): their recent median (auto, default) or the model's forecast. */
  intermittent?: IntermittentMode;
  /** Forecast each series from the view of its history that backtests best inside it (backtest-select.ts; default false: it runs the network 12 times as often). */
  backtestSelect?: boolean;
  /** Combine with a classical partner: none, mean, or select (model, mean or partner by validation); default none. */
  combine?: CombineOption;
  /** Partner baseline id for combine; default 'ets'. */
  partner?: string;
  /** How the data file's columns were mapped; saved so later commands read files the same way. */
  dataColumns?: ForecasterMeta['data'];
  onProgress?: (p: TrainProgress) => void;
  /**
   * Called at every training checkpoint (the start, then each epoch) with the forecaster as it
   * stands; its time is left out of the training clock (see TrainOptions.onCheckpoint).
   */
  onCheckpoint?: (c: TrainCheckpoint & { forecaster: Forecaster }) => void | Promise<void>;
}

export interface TransferOutcome {
  forecaster: Forecaster;
  training: TrainResult;
  /** Validation windows (the `windowsPerSeries` horizons before the test window): the model (as combined) and seasonal naive. */
  validation: { MASE: number; seasonalNaiveMASE: number; relMASE: number; windowsPerSeries: number; combination?: Combination };
  warnings: string[];
}

export const DEFAULTS = { seed: 42, epochs: 25, batchSize: 64, patience: 4, maxStepsPerEpoch: 40, maxWindowsPerSeries: 400, combine: 'mean' as CombineOption };

/** Forecasting use cases over the container's components: transfer, evaluate, save and load. */
@injectable()
export class ForecastService {
  constructor(
    @inject(TOKENS.Registry) private readonly registry: Registry,
    @inject(TOKENS.Trainer) private readonly trainer: Trainer,
  ) {}

  backbone(id: string): Backbone<ForecastInput, ForecastBackboneInfo> {
    return this.registry.backboneFor<ForecastInput, ForecastBackboneInfo>('forecast', id);
  }

  /** Scores forecasts with the registered forecast evaluator (the one `headstart` lists, not a private copy). */
  private score(dataset: ForecastDataset, cuts: Cut[], forecasts: number[][], horizon: number) {
    return score(this.registry.get<Evaluator<ForecastCase>>('evaluator', FORECAST_EVALUATOR), dataset, cuts, forecasts, horizon);
  }

  /** Puts a new head on a backbone and trains it on `dataset` under a strategy; the test window never trains. */
  async transfer(dataset: ForecastDataset, o: TransferOptions): Promise<TransferOutcome> {
    if (o.combine !== undefined && !COMBINE_OPTIONS.includes(o.combine)) {
      throw new UsageError(`combine '${String(o.combine)}' is not one of ${COMBINE_OPTIONS.join(', ')}`, 'bad-option');
    }
    const backbone = this.backbone(o.backbone);
    const info = backbone.describe();
    const strategy = strategyOf(o.strategy);
    if (o.horizon > (info.maxHorizon ?? Infinity)) {
      throw new UsageError(`--horizon ${o.horizon} is beyond backbone ${info.id}'s maximum of ${info.maxHorizon}; use a shorter horizon`, 'horizon-too-long');
    }
    validateHorizon(dataset, o.horizon, o.horizon + 2);
    const seed = o.seed ?? DEFAULTS.seed;
    if (o.trainShare !== undefined && o.trainShare < 1) {
      const subset = seriesSubset(dataset.series.length, o.trainShare, seed);
      const given = o.trainSeries;
      o = { ...o, trainSeries: (i) => subset.has(i) && (!given || given(i)) };
    }
    const covNames = strategy.name !== 'zero-shot' && (o.useCovariates ?? true) ? dataset.covariateNames : [];
    const trainingSeries = dataset.series.filter((_, i) => !o.trainSeries || o.trainSeries(i)).length;
    const split = (valWindows: number) => splitCuts(dataset, o.horizon, { maxPerSeries: o.maxWindowsPerSeries ?? DEFAULTS.maxWindowsPerSeries, seriesFilter: o.trainSeries, valWindows });
    // Short series cannot spare several validation horizons: take fewer rather than leave nothing to train on.
    let valWindows = o.validationWindows ?? validationWindowsFor(trainingSeries);
    let cuts = split(valWindows);
    while (o.validationWindows === undefined && strategy.trainHead && cuts.train.length === 0 && valWindows > 1) cuts = split(--valWindows);
    if (strategy.trainHead && cuts.train.length === 0) {
      throw new UsageError(`no training windows: every training series is shorter than ${2 + valWindows} × horizon + 8 (${(2 + valWindows) * o.horizon + 8}); use a shorter --horizon or --strategy zero-shot`, 'too-short');
    }
    const covariates = covNames.length ? covariateStats(dataset, covNames, (i) => dataset.series[i]!.values.length - (1 + valWindows) * o.horizon) : undefined;
    const spec = { contextLength: info.contextLength, horizon: o.horizon, covariates };

    // A pretrained quantile head whose levels include the ones asked for starts every warm-started
    // strategy (zero-shot needs it); other levels start from the point head's median only.
    const pretrainedQuantiles = o.quantiles && strategy.warmStartHead ? await this.pretrainedQuantileHead(backbone, o.quantiles) : undefined;
    const headKind = this.registry.headFor<ForecastInput>('forecast', this.headFor(o, strategy.name, pretrainedQuantiles !== undefined));
    const levels = pretrainedQuantiles?.levels ?? o.quantiles;
    const headConfig: ForecastHeadConfig = { head: headKind.id, embeddingSize: info.embeddingSize, outputs: o.horizon, covariates: covNames, ...(levels ? { options: { levels: levels.join(',') } } : {}) };
    const model = await composeTaskModel(backbone, headKind, headConfig, strategy, seed, (head) => {
      if (pretrainedQuantiles) {
        quantileWarmStart(head.network, pretrainedQuantiles, headConfig);
        pretrainedQuantiles.network.dispose();
      }
      return head;
    });

    const meta: ForecasterMeta = {
      backbone: { id: info.id, version: info.version },
      head: headConfig,
      strategy: strategy.name,
      horizon: o.horizon,
      contextLength: info.contextLength,
      covariates,
      frequency: dataset.frequency,
      seasonalPeriod: dataset.seasonalPeriod,
      data: o.dataColumns ?? {},
      nonNegative: o.nonNegative ?? 'auto',
      intermittent: o.intermittent ?? 'auto',
      ...(o.backtestSelect ? { backtestSelection: { windows: BACKTEST_WINDOWS } } : {}),
      ...(o.quantiles ? { quantiles: o.quantiles } : {}),
    };
    const forecaster = new Forecaster(model, meta);
    const checkpoints = o.onCheckpoint ? { onCheckpoint: (c: TrainCheckpoint) => o.onCheckpoint!({ ...c, forecaster }) } : {};
    const training = await this.trainer.fit(model, strategy, new ForecastWindows(dataset, cuts.train, spec), new ForecastWindows(dataset, cuts.val, spec), { ...resolveTrainOptions(o, seed, DEFAULTS, strategy.learningRate), ...checkpoints });
    meta.training = { ...training, history: undefined } as ForecasterMeta['training'];
    const chosen = this.chooseCombination(dataset, forecaster, cuts.val, o.combine ?? DEFAULTS.combine, o.partner ?? 'ets');
    if (chosen) {
      meta.combination = chosen.combination;
      forecaster.partner = chosen.partner;
    }
    if (o.quantiles && (o.calibrateQuantiles ?? true) && cuts.val.length > 0) this.calibrate(dataset, forecaster, cuts.val);
    const validation = { ...this.validate(dataset, forecaster, cuts.val), windowsPerSeries: valWindows, ...(chosen ? { combination: chosen.combination } : {}) };
    meta.validation = { MASE: validation.MASE, seasonalNaiveMASE: validation.seasonalNaiveMASE, relMASE: validation.relMASE, windowsPerSeries: valWindows };
    const warnings: string[] = [];
    if (strategy.trainHead && training.bestEpoch === 0) {
      warnings.push(`${strategy.name} kept its starting weights: no epoch of ${training.epochsRun} lowered the validation loss (${strategy.warmStartHead ? 'the pretrained head already fits this data as well as training could make it' : 'try a higher --learning-rate or more --epochs'})`);
    }
    if (o.backtestSelect && strategy.trainHead) {
      warnings.push(`--backtest-select was measured to help zero-shot only: a trained head scored worse with it on the 14-dataset benchmark (its backtest horizons lie inside the training windows); compare with and without it on your validation`);
    }
    if (dataset.seasonalPeriod > info.contextLength) {
      warnings.push(`the seasonal period ${dataset.seasonalPeriod} is longer than ${info.id}'s context of ${info.contextLength} steps: the model cannot see a full season (use a backbone with a longer context, or set --seasonal-period)`);
    }
    if (strategy.backboneInit === 'pretrained' && validation.relMASE > 1) {
      warnings.push(`${strategy.name} does worse than seasonal naive on the validation window (relative MASE ${validation.relMASE.toFixed(3)} > 1): the pretrained backbone may be far from this data — compare with --strategy scratch and the baselines (\`headstart evaluate\`)`);
    }
    return { forecaster, training, validation, warnings };
  }

  /** The head id: the one asked for, the quantile head when quantiles are asked for, else the linear head. */
  private headFor(o: TransferOptions, strategy: StrategyName, hasPretrainedQuantiles: boolean): string {
    if (!o.quantiles) return o.head ?? 'linear-forecast';
    if (o.head !== undefined && o.head !== 'quantile-forecast') throw new UsageError(`--quantiles needs the quantile-forecast head, not --head ${o.head}`, 'bad-quantiles');
    if (strategy === 'zero-shot' && !hasPretrainedQuantiles) {
      throw new UsageError(`zero-shot quantiles need a quantile head pretrained on ${o.backbone} at the levels asked for (${o.quantiles.join(', ')}); use its pretrained levels (pretrainedHeadOptions.quantiles in \`headstart backbones --json\`), --strategy probe (about a minute), or drop --quantiles`, 'bad-quantiles');
    }
    return 'quantile-forecast';
  }

  /** The backbone's pretrained quantile head, when it has one whose levels include `wanted`. */
  private async pretrainedQuantileHead(backbone: Backbone<ForecastInput>, wanted: number[]): Promise<QuantileForecastHeadModel | undefined> {
    const source = backbone as Partial<{ pretrainedQuantileHead(): Promise<QuantileForecastHeadModel | undefined> }>;
    const head = source.pretrainedQuantileHead ? await source.pretrainedQuantileHead() : undefined;
    if (head && wanted.every((l) => head.levels.some((p) => Math.abs(p - l) < 1e-9))) return head;
    head?.network.dispose();
    return undefined;
  }

  /**
   * The combination with the partner baseline that `option` asks for: `mean` always, `select` the
   * lowest validation relative MASE among the model alone, the mean and the partner alone (the model
   * wins ties). Undefined for `none` or when there are no validation windows.
   */
  private chooseCombination(dataset: ForecastDataset, f: Forecaster, cuts: Cut[], option: CombineOption, partnerId: string): { combination: Combination; partner: ForecastBaseline } | undefined {
    if (option === 'none' || cuts.length === 0) return undefined;
    const partner = this.registry.get<ForecastBaseline>('baseline', partnerId);
    if (option === 'mean') return { combination: { method: 'mean', partner: partnerId }, partner };
    const H = f.meta.horizon;
    const model = f.predictModel(dataset, cuts);
    const other = baselineForecasts(partner, dataset, cuts, H).forecasts;
    const snaive = this.registry.get<ForecastBaseline>('baseline', 'seasonal-naive');
    const ref = this.score(dataset, cuts, baselineForecasts(snaive, dataset, cuts, H).forecasts, H);
    const mode = f.meta.nonNegative ?? 'auto';
    const validation: Partial<Record<CombineMethod, number>> = {};
    for (const method of ['model', 'mean', 'partner'] as const) {
      const fc = applyOutputPolicy(dataset, cuts, model, { nonNegative: mode, method, partner: other, intermittent: f.meta.intermittent });
      validation[method] = relativeTo(this.score(dataset, cuts, fc, H), ref).relMASE;
    }
    const best = (['model', 'mean', 'partner'] as const).reduce((a, b) => ((validation[b] ?? Infinity) < (validation[a] ?? Infinity) ? b : a));
    return { combination: { method: best, partner: partnerId, validation }, partner };
  }

  /** Spread scales for the model alone and, with a partner, for every way of combining with it (the benchmark scores all three). */
  private calibrate(dataset: ForecastDataset, f: Forecaster, cuts: Cut[]): void {
    const partner = f.partner;
    if (partner) f.partner = memoisedBaseline(partner);
    try {
      f.calibrateQuantiles(dataset, cuts, partner ? ['model', 'mean', 'partner'] : ['model']);
    } finally {
      f.partner = partner;
    }
  }

  private validate(dataset: ForecastDataset, f: Forecaster, cuts: Cut[]): Omit<TransferOutcome['validation'], 'windowsPerSeries'> {
    if (cuts.length === 0) return { MASE: NaN, seasonalNaiveMASE: NaN, relMASE: NaN };
    const report = this.score(dataset, cuts, f.predict(dataset, cuts), f.meta.horizon);
    const snaive = this.registry.get<ForecastBaseline>('baseline', 'seasonal-naive');
    const ref = this.score(dataset, cuts, baselineForecasts(snaive, dataset, cuts, f.meta.horizon).forecasts, f.meta.horizon);
    return { MASE: report.aggregate.MASE!, seasonalNaiveMASE: ref.aggregate.MASE!, relMASE: relativeTo(report, ref).relMASE };
  }

  /** Test-window cuts: the last `horizon` steps of every series. */
  testCuts(dataset: ForecastDataset, horizon: number): Cut[] {
    validateHorizon(dataset, horizon, 2);
    return dataset.series.map((s, i) => ({ series: i, cut: s.values.length - horizon }));
  }

  /**
   * SVG of the test window for the first `count` series: history, actuals, the forecaster (with its
   * outermost quantile band when it forecasts quantiles), seasonal naive and ETS, dates on the x axis.
   * Only the plotted series are forecast again (ETS fits are the slow part).
   */
  async plotTestWindow(dataset: ForecastDataset, forecaster: Forecaster, o: { count: number; interval: boolean }): Promise<string> {
    const H = forecaster.meta.horizon;
    const cuts = this.testCuts(dataset, H).slice(0, o.count);
    const baseline = (id: string) => baselineForecasts(this.registry.get<ForecastBaseline>('baseline', id), dataset, cuts, H).forecasts;
    const levels = forecaster.quantileLevels;
    const band = (q: number[][][]) => ({ lo: q.map((c) => c[0]!), hi: q.map((c) => c[c.length - 1]!), label: `q${levels[0]}–q${levels[levels.length - 1]}` });
    const methods = [
      { name: `${forecaster.meta.strategy}${forecaster.combinationLabel()}`, forecasts: forecaster.predict(dataset, cuts), ...(o.interval ? { interval: band(forecaster.predictQuantiles(dataset, cuts)) } : {}) },
      { name: 'seasonal naive', forecasts: baseline('seasonal-naive') },
      { name: 'ETS', forecasts: baseline('ets') },
    ];
    const valueColumn = forecaster.meta.data?.valueColumn;
    return forecastPlotSvg(dataset, cuts, H, methods, { count: o.count, valueTitle: valueColumn ? `${valueColumn} (units of the data)` : undefined });
  }

  /** Scores forecasters and baselines on the test window, with relative scores against seasonal naive. */
  evaluate(dataset: ForecastDataset, horizon: number, forecasters: { name: string; forecaster: Forecaster; trainSeconds: number }[], baselineIds = this.forecastBaselineIds()): ScoredMethod[] {
    const cuts = this.testCuts(dataset, horizon);
    const snaive = this.registry.get<ForecastBaseline>('baseline', 'seasonal-naive');
    const reference = this.score(dataset, cuts, baselineForecasts(snaive, dataset, cuts, horizon).forecasts, horizon);
    const rows: ScoredMethod[] = [];
    for (const { name, forecaster, trainSeconds } of forecasters) {
      const t0 = performance.now();
      const fc = forecaster.predict(dataset, cuts);
      const predictSeconds = (performance.now() - t0) / 1000;
      const report = this.score(dataset, cuts, fc, horizon);
      const strategy = strategyOf(forecaster.meta.strategy);
      rows.push({ name, kind: 'transfer', report, ...relativeTo(report, reference), trainSeconds, predictSeconds, trainableParameters: strategy.trainHead ? forecaster.model.trainableParameters(strategy.trainBackbone) : 0 });
    }
    for (const id of baselineIds) {
      const b = this.registry.get<ForecastBaseline>('baseline', id);
      const { forecasts, seconds } = baselineForecasts(b, dataset, cuts, horizon);
      const report = this.score(dataset, cuts, forecasts, horizon);
      rows.push({ name: id, kind: 'baseline', report, ...relativeTo(report, reference), trainSeconds: seconds, predictSeconds: 0, trainableParameters: 0 });
    }
    return rows;
  }

  /**
   * Probabilistic scores on the test window: the forecaster's quantiles beside every registered
   * baseline that forecasts quantiles (ETS's intervals, seasonal naive's residual quantiles).
   */
  evaluateQuantiles(dataset: ForecastDataset, f: Forecaster, name: string): QuantileScores[] {
    const H = f.meta.horizon;
    const cuts = this.testCuts(dataset, H);
    const levels = f.quantileLevels;
    const rows = [scoreQuantiles(name, dataset, cuts, levels, f.predictQuantiles(dataset, cuts), H)];
    for (const id of this.forecastBaselineIds()) {
      const q = baselineQuantiles(this.registry.get<ForecastBaseline>('baseline', id), dataset, cuts, H, levels);
      if (q) rows.push(scoreQuantiles(id, dataset, cuts, levels, q, H));
    }
    return rows;
  }

  /** Registered baselines of the forecast task (other plugins register baselines for other tasks). */
  forecastBaselineIds(): string[] {
    return this.registry.all<{ task?: string }>('baseline').filter((r) => r.component.task === 'forecast').map((r) => r.id);
  }

  /** Writes the model folder atomically; an existing `dir` that is not a headstart folder is refused unless `force`. */
  async save(f: Forecaster, dir: string, o: { force?: boolean } = {}): Promise<void> {
    await saveModelFolder(dir, 'forecast', f.meta, { backbone: f.model.backbone.network, head: f.model.head.network }, {}, o);
  }

  /** Reloads a model folder; checks format, task, backbone version and every file's sha256. */
  /**
   * What a user should hear before a saved model forecasts this data: the loader's notices, and a
   * warning when the data's frequency is not the one the model was trained on (its context then
   * spans another stretch of time, and its seasonal period is that of other data).
   */
  dataCheck(forecaster: Forecaster, dataset: ForecastDataset): { notices: string[]; warnings: string[] } {
    const m = forecaster.meta;
    const warnings = dataset.frequency !== m.frequency
      ? [`${dataset.source} looks ${dataset.frequency} (seasonal period ${dataset.seasonalPeriod}); the model was trained on ${m.frequency} data (period ${m.seasonalPeriod}): its forecasts may not carry over — transfer a model on ${dataset.frequency} data`]
      : [];
    return { notices: [...dataset.notices], warnings };
  }

  async load(dir: string): Promise<Forecaster> {
    const manifest = readModelManifest<ForecasterMeta>(dir, 'forecast');
    const meta = manifest.meta;
    const backbone = this.backbone(meta.backbone.id);
    const info = backbone.describe();
    requireBackboneVersion(dir, meta.backbone, info.version, 'headstart transfer');
    const check = new MetaChecks(`${dir}/manifest.json`);
    check.equal('meta.contextLength', meta.contextLength, info.contextLength);
    check.int('meta.horizon', meta.horizon, 1, info.maxHorizon ?? 10_000);
    check.int('meta.seasonalPeriod', meta.seasonalPeriod, 1, 100_000);
    check.int('meta.head.outputs', meta.head.outputs, 1, 100_000);
    if (meta.quantiles !== undefined) check.levels('meta.quantiles', meta.quantiles);
    for (const [method, scales] of Object.entries(meta.quantileScale ?? {})) check.numbers(`meta.quantileScale.${method}`, scales, (meta.quantiles ?? quantileLevels(meta.head)).length, 1e-3, 1e3);
    const nets = await loadModelNetworks(dir, manifest, ['backbone', 'head']);
    const head = this.registry.get<Head<ForecastInput>>('head', meta.head.head).wrap(meta.head, nets.head!);
    const partner = meta.combination && meta.combination.method !== 'model' ? this.registry.get<ForecastBaseline>('baseline', meta.combination.partner) : undefined;
    return new Forecaster(new TaskModel(backbone.wrap(nets.backbone!), head), meta, partner);
  }
}
