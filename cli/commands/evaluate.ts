import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../base-command.js';
import { forecastDataFlags, forecastLoadOptions } from '../flags/forecast-data.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import type { DataAdapter, ForecastBaseline, ForecastDataset } from '../../core/interfaces/index.js';
import type { ForecastLoadOptions } from '../../plugins/forecasting/data/csv-loader.js';
import { SCORE_HEADER, scoreRows, scoreSummary } from '../../plugins/forecasting/services/report.js';
import { renderTable } from '../../core/report/table.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { forecastPlotSvg } from '../../plugins/forecasting/services/forecast-plot.js';
import { baselineForecasts } from '../../plugins/forecasting/services/scoring.js';

export default class Evaluate extends HeadstartCommand {
  static override summary = 'Score a saved model on the test window (last horizon of every series) beside the baselines';
  static override description = 'MAE, RMSE, sMAPE and MASE (scaled by the in-sample seasonal-naive error), averaged over series, plus MASE relative to seasonal naive as a geometric mean of per-series ratios. Baselines: naive, seasonal naive, ETS (augurs).';
  static override examples = ['<%= config.bin %> evaluate --model model/ --data sales.csv', '<%= config.bin %> evaluate --model model/ --data sales.csv --json --per-series', '<%= config.bin %> evaluate --model model/ --data sales.csv --plot forecasts.svg'];
  static override flags = {
    ...forecastDataFlags,
    model: Flags.string({ description: 'model folder written by `transfer`', required: true }),
    'per-series': Flags.boolean({ description: 'include per-series metrics in --json output' }),
    plot: Flags.string({ description: 'write an SVG of history, actuals and forecasts (model, seasonal naive) for the first series' }),
    'plot-series': Flags.integer({ description: 'how many series to plot', default: 6 }),
  };

  async run() {
    const { flags } = await this.parse(Evaluate);
    await this.setup(flags.backend);
    const service = this.container.get<ForecastService>(FORECAST_SERVICE);
    const forecaster = await service.load(flags.model);
    const dataset = await this.registry
      .get<DataAdapter<ForecastLoadOptions, ForecastDataset>>('adapter', 'forecast-csv')
      .load(flags.data, forecastLoadOptions(flags, forecaster.meta.data));
    const t = forecaster.meta.training;
    const rows = service.evaluate(dataset, forecaster.meta.horizon, [{ name: `${forecaster.meta.strategy} (${forecaster.meta.backbone.id})`, forecaster, trainSeconds: t?.seconds ?? 0 }]);
    this.say(`${dataset.series.length} series, horizon ${forecaster.meta.horizon}, seasonal period ${dataset.seasonalPeriod}, backend ${this.backend.active}`);
    this.say(renderTable(SCORE_HEADER, scoreRows(rows)));
    if (flags.plot) {
      const cuts = service.testCuts(dataset, forecaster.meta.horizon);
      const snaive = this.registry.get<ForecastBaseline>('baseline', 'seasonal-naive');
      const methods = [
        { name: forecaster.meta.strategy, forecasts: forecaster.predict(dataset, cuts) },
        { name: 'seasonal naive', forecasts: baselineForecasts(snaive, dataset, cuts, forecaster.meta.horizon).forecasts },
      ];
      await writeFileAtomic(flags.plot, forecastPlotSvg(dataset, cuts, forecaster.meta.horizon, methods, flags['plot-series']));
      this.say(`plot written to ${flags.plot}`);
    }
    return {
      backend: this.backend.active,
      horizon: forecaster.meta.horizon,
      series: dataset.series.length,
      results: scoreSummary(rows),
      ...(flags['per-series'] ? { perSeries: Object.fromEntries(rows.map((r) => [r.name, r.report.perItem])) } : {}),
    };
  }
}
