import { packagePath } from '../../core/io/package-root.js';
import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../base-command.js';
import { FORECAST_SERVICE, type ForecastService, compareStrategies, type ForecastDataset, type ForecastLoadOptions, SCORE_HEADER, markedScoreRows, readingOf, scoreSummary, COMBINE_OPTIONS, type CombineOption, FORECAST_DEFAULTS as DEFAULTS } from '../../plugins/forecasting/index.js';
import type { DataAdapter, StrategyName } from '../../core/interfaces/index.js';
import { renderTable } from '../../core/report/table.js';
import { STRATEGY_NAMES } from '../../core/training/strategies.js';

const DEMO_DATA = packagePath(import.meta.url, 'plugins', 'forecasting', 'datasets', 'chicago_ridership.csv');
const DEMO_COVARIATES = ['temp', 'percip', 'weather_rain', 'weather_snow', 'Cubs_Home', 'WhiteSox_Home', 'Bears_Home', 'Bulls_Home', 'Blackhawks_Home'];

export default class Demo extends HeadstartCommand {
  static override summary = 'The main job: every strategy and the baselines on the bundled Chicago ridership data';
  static override description = '20 stations of daily Chicago L ridership (modeldata, MIT) with weather and game covariates; the last 14 days of every station are the test window. Prints strategy, MASE, sMAPE, training seconds and trainable parameters.';
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --horizon 28 --json'];
  static override flags = {
    backbone: Flags.string({ default: 'patch-mixer-s' }),
    horizon: Flags.integer({ default: 14 }),
    seed: Flags.integer({ default: 42 }),
    strategies: Flags.string({ description: 'comma-separated', default: STRATEGY_NAMES.join(',') }),
    combine: Flags.string({ description: 'combine each strategy with ETS: mean (default), select, or none (each model alone)', options: [...COMBINE_OPTIONS], default: DEFAULTS.combine }),
    epochs: Flags.integer({ default: 15 }),
  };

  async run() {
    const { flags } = await this.parse(Demo);
    await this.setup(flags.backend);
    const dataset = await this.registry
      .get<DataAdapter<ForecastLoadOptions, ForecastDataset>>('adapter', 'forecast-csv')
      .load(DEMO_DATA, { format: 'wide', timestampColumn: 'date', covariateColumns: DEMO_COVARIATES });
    const service = this.container.get<ForecastService>(FORECAST_SERVICE);
    const strategies = flags.strategies.split(',').map((s) => s.trim()) as StrategyName[];
    this.say(`Chicago L ridership: ${dataset.series.length} stations, ${dataset.series[0]!.values.length} days, ${dataset.frequency} (period ${dataset.seasonalPeriod}), covariates ${dataset.covariateNames.join(', ')}; horizon ${flags.horizon}; backbone ${flags.backbone}; backend ${this.backend.active}`);
    let bar = this.progress(strategies[0]!);
    const cmp = await compareStrategies(service, dataset, {
      backbone: flags.backbone,
      horizon: flags.horizon,
      seed: flags.seed,
      epochs: flags.epochs,
      maxStepsPerEpoch: 30,
      patience: 6,
      strategies,
      combine: flags.combine as CombineOption,
      onProgress: (s, p) => bar.training(p, `${s} epoch ${p.epoch}`),
      onStrategyDone: (s) => {
        bar.done();
        const next = strategies[strategies.indexOf(s) + 1];
        if (next) bar = this.progress(next);
      },
    });
    bar.done();
    this.say(renderTable(SCORE_HEADER.map((h) => (h === 'MAE' || h === 'RMSE' ? `${h} (k rides)` : h)), markedScoreRows(cmp.rows)));
    this.say('* best on the test window (lowest rel. MASE). MAE and RMSE in thousands of boardings per station and day.');
    if (flags.combine !== 'none') this.say(`Each strategy's forecast is ${flags.combine === 'mean' ? 'averaged with' : 'combined (by validation) with'} ETS's (--combine ${flags.combine}); --combine none shows each model alone.`);
    this.say('MASE: mean over stations, scaled by the in-sample seasonal-naive error; rel. MASE: geometric mean of per-station MASE ratios to seasonal naive (< 1 beats it).');
    const windows = cmp.validation[0]?.windowsPerSeries ?? 1;
    this.say(`validation (the ${windows * flags.horizon} days before the test window, ${windows} × ${flags.horizon} per station), rel. MASE: ${cmp.validation.map((v) => `${v.strategy} ${v.relMASE.toFixed(3)}`).join(', ')}`);
    this.warnings(cmp.warnings);
    const reading = readingOf(cmp.rows, cmp.validation, 'thousand boardings');
    this.say('');
    this.say(reading);
    this.say('');
    this.say('Next, on your own CSV (long: one row per series and date, or wide: one column per series):');
    this.say('  headstart transfer forecast --data sales.csv --horizon 12 --strategy probe --out model/');
    this.say('  headstart forecast --model model/ --data sales.csv --out forecast.csv');
    return { backend: this.backend.active, reading, dataset: 'chicago_ridership', horizon: flags.horizon, results: scoreSummary(cmp.rows), validation: cmp.validation, warnings: cmp.warnings };
  }
}
