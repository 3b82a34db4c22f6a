import { Flags, type Interfaces } from '@oclif/core';
import { eventsColumnFlags, eventsLoadOptions } from '../flags/events-data.js';
import { readModelManifest } from '../../core/io/model-folder.js';
import { UsageError } from '../../core/errors.js';
import { RECOMMEND_SERVICE, type RecommendService, type EventsDataset, type EventsLoadOptions, mapToCatalogue, leaveOneOut, temporalSplit, RANKING_HEADER, rankingRows, rankingSummary } from '../../plugins/recommendation/index.js';
import { HeadstartCommand } from '../base-command.js';
import { forecastDataFlags, forecastLoadOptions } from '../flags/forecast-data.js';
import { FORECAST_SERVICE, type ForecastService, type ForecastDataset, type ForecastLoadOptions, SCORE_HEADER, scoreRows, scoreSummary } from '../../plugins/forecasting/index.js';
import type { DataAdapter } from '../../core/interfaces/index.js';
import { renderTable } from '../../core/report/table.js';
import { writeFileAtomic } from '../../core/io/atomic.js';

export default class Evaluate extends HeadstartCommand {
  static override summary = 'Score a saved model on its test data beside the baselines (forecast: last horizon of every series; recommend: each user\'s last event)';
  static override description =
    'Forecast models (--data): MAE, RMSE, sMAPE and MASE (scaled by the in-sample seasonal-naive error), averaged over series, plus MASE relative to seasonal naive as a geometric mean of per-series ratios; baselines naive, seasonal naive, ETS (augurs). Recommend models (--events): full-ranking HR, NDCG and MRR at 5/10/20 and catalogue coverage on each user\'s last event (leave-one-out), beside most-popular and Markov fit on the same events.';
  static override examples = [
    '<%= config.bin %> evaluate --model model/ --data sales.csv',
    '<%= config.bin %> evaluate --model model/ --data sales.csv --json --per-series',
    '<%= config.bin %> evaluate --model model/ --data sales.csv --plot forecasts.svg',
    '<%= config.bin %> evaluate --model recs-model/ --events clicks.csv --exclude-seen',
  ];
  static override flags = {
    ...forecastDataFlags,
    data: Flags.string({ description: 'forecast models: CSV, Arrow or Parquet file, long (series_id,timestamp,value[,covariates]) or wide (timestamp + one column per series)' }),
    events: Flags.string({ description: 'recommend models: events file (CSV, Arrow, Parquet or RecBole .inter)' }),
    ...eventsColumnFlags,
    'exclude-seen': Flags.boolean({ description: "recommend models: remove each user's history items from the ranking" }),
    strict: Flags.boolean({ description: "recommend models: reject events whose item is not in the model's catalogue instead of ignoring them" }),
    model: Flags.string({ description: 'model folder written by `transfer`', required: true }),
    'per-series': Flags.boolean({ description: 'include per-series metrics in --json output' }),
    plot: Flags.string({ description: 'forecast models: write an SVG of history, actuals and forecasts (model, seasonal naive, ETS; the interval band for quantile models) for the first --plot-series series, one panel each, dates on the x axis' }),
    'plot-series': Flags.integer({ description: 'how many series to plot', default: 6 }),
  };

  async run() {
    const { flags } = await this.parse(Evaluate);
    const task = readModelManifest(flags.model).task;
    await this.setup(flags.backend);
    if (task === 'recommend') return this.evaluateRecommend(flags);
    if (task === 'forecast') return this.evaluateForecast(flags);
    // Another task's plugin scores its own models with its own command.
    throw new UsageError(`${flags.model} is a ${task} model; \`headstart evaluate\` scores forecast and recommend models: use the command of the plugin that serves ${task}`, 'unknown-task');
  }

  private async evaluateForecast(flags: Interfaces.InferredFlags<typeof Evaluate.flags>) {
    if (!flags.data) throw new UsageError(`${flags.model} is a forecast model: pass the series with --data <file.csv>`);
    const service = this.container.get<ForecastService>(FORECAST_SERVICE);
    const forecaster = await service.load(flags.model);
    const dataset = await this.registry
      .get<DataAdapter<ForecastLoadOptions, ForecastDataset>>('adapter', 'forecast-csv')
      .load(flags.data, forecastLoadOptions(flags, forecaster.meta.data));
    const check = service.dataCheck(forecaster, dataset);
    this.notices(check.notices);
    this.warnings(check.warnings);
    const t = forecaster.meta.training;
    const rows = service.evaluate(dataset, forecaster.meta.horizon, [{ name: `${forecaster.meta.strategy} (${forecaster.meta.backbone.id})${forecaster.combinationLabel()}`, forecaster, trainSeconds: t?.seconds ?? 0 }]);
    this.say(`${dataset.series.length} series, horizon ${forecaster.meta.horizon}, seasonal period ${dataset.seasonalPeriod}, backend ${this.backend.active}`);
    this.say(renderTable(SCORE_HEADER, scoreRows(rows)));
    const quantiles = forecaster.quantileLevels.length > 1 ? service.evaluateQuantiles(dataset, forecaster, `${forecaster.meta.strategy}${forecaster.combinationLabel()}`) : undefined;
    if (quantiles) {
      const q = quantiles[0]!;
      this.say(`\nquantiles ${q.levels.join(', ')}: WQL (lower is better), MSIS of the ${Math.round(q.interval * 100)}% interval, coverage per level (ideal: the level)`);
      this.say(renderTable(['method', 'WQL', 'MSIS', ...q.levels.map((l) => `cov q${l}`)], quantiles.map((r) => [r.name, r.WQL.toFixed(4), r.MSIS.toFixed(3), ...r.coverage.map((c) => c.toFixed(3))])));
    }
    if (flags.plot) {
      await writeFileAtomic(flags.plot, await service.plotTestWindow(dataset, forecaster, { count: flags['plot-series'], interval: quantiles !== undefined }));
      this.say(`plot written to ${flags.plot}`);
    }
    return {
      backend: this.backend.active,
      horizon: forecaster.meta.horizon,
      series: dataset.series.length,
      results: scoreSummary(rows),
      ...check,
      // Per-series quantile scores only under --per-series: they are most of the JSON otherwise.
      ...(quantiles ? { quantiles: quantiles.map(({ perSeries, ...q }) => (flags['per-series'] ? { ...q, perSeries } : q)) } : {}),
      ...(flags['per-series'] ? { perSeries: Object.fromEntries(rows.map((r) => [r.name, r.report.perItem])) } : {}),
    };
  }

  private async evaluateRecommend(flags: Interfaces.InferredFlags<typeof Evaluate.flags>) {
    if (!flags.events) throw new UsageError(`${flags.model} is a recommend model: pass the events with --events <file>`);
    const service = this.container.get<RecommendService>(RECOMMEND_SERVICE);
    const { recommender, meta } = await service.load(flags.model);
    const raw = await this.registry.get<DataAdapter<EventsLoadOptions, EventsDataset>>('adapter', 'events').load(flags.events, eventsLoadOptions(flags, meta.data));
    const { dataset } = mapToCatalogue(raw, meta.catalogue.items, { model: flags.model, strict: flags.strict });
    // Scored under the split the model was trained with (folders from before it was recorded: leave-one-out).
    const split = meta.split === 'temporal' ? temporalSplit(dataset) : leaveOneOut(dataset);
    this.notices([...dataset.notices, ...split.notices]);
    const rows = service.evaluate(dataset.items.length, split, [{ name: `${meta.strategy} (${meta.backbone.id})`, recommender }], { excludeSeen: flags['exclude-seen'] });
    this.say(`${split.test.length} test users, ${dataset.items.length} items, ${split.kind} split, full ranking${flags['exclude-seen'] ? ', seen items excluded' : ''}, backend ${this.backend.active}`);
    this.say(renderTable(RANKING_HEADER, rankingRows(rows)));
    return { backend: this.backend.active, split: split.kind, users: split.test.length, items: dataset.items.length, excludeSeen: flags['exclude-seen'], results: rankingSummary(rows) };
  }
}
