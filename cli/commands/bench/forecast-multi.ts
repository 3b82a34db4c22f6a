import { Flags } from '@oclif/core';
import { packagePath } from '../../../core/io/package-root.js';
import { STRATEGY_NAMES } from '../../../core/training/strategies.js';
import { checkDataFiles, readSuite, selectDatasets } from '../../../benchmarks/suites/forecast-multi-data.js';
import { FORECAST_MULTI_RUNS, runForecastMulti } from '../../../benchmarks/services/forecast-multi.js';
import { BenchCommand } from '../../bench-command.js';
import { benchFlags, benchQueue, benchQueueFlag, nameList, openBenchOut, seedList, shareList } from '../../flags/bench.js';

export default class BenchForecastMulti extends BenchCommand {
  static override summary = 'The multi-dataset forecasting benchmark: relative MASE per dataset for each strategy and baseline';
  static override description =
    'Every dataset of a suite file (--suite; the built-in one has 14), on the last window and on earlier origins: relative MASE (MASE / seasonal naive\'s, geometric mean over series) per dataset and over datasets, for each backbone × strategy (alone, averaged with ETS, selected on validation) beside naive, seasonal naive, ETS and TSB. Writes a resumable runs file, JSON, markdown and an HTML report with per-dataset bars into --out.';
  static override examples = [
    '<%= config.bin %> bench forecast-multi --out r3/',
    '<%= config.bin %> bench forecast-multi --quick --datasets aus_retail --origins 1 --out r3/',
    '<%= config.bin %> bench forecast-multi --suite my-suite.json --strategies zero-shot --out r3/ --resume',
    '<%= config.bin %> bench forecast-multi --quick --datasets aus_retail,drinks --origins 1 --queue redis://localhost:6379 --out r3/',
  ];
  static override flags = {
    suite: Flags.string({ description: 'suite file (JSON): datasets [{name, path, horizon, load}], and optionally strategies, shares, seeds, backbones, budget' }),
    datasets: Flags.string({ description: 'only these datasets of the suite, e.g. aus_retail,drinks' }),
    seeds: Flags.string({ description: 'seeds of the trained strategies, e.g. 1,2 (default the suite\'s, else 1)' }),
    shares: Flags.string({ description: 'training shares of the series for the trained strategies, e.g. 0.1,1 (default the suite\'s, else 1)' }),
    strategies: Flags.string({ description: 'e.g. zero-shot,probe (default the suite\'s, else zero-shot,probe)' }),
    backbones: Flags.string({ description: 'backbone ids, e.g. patch-mixer-s (default the suite\'s)' }),
    origins: Flags.integer({ description: 'origins for zero-shot and the baselines', default: 3, min: 1 }),
    'train-origins': Flags.integer({ description: 'origins for the trained strategies', default: 1, min: 1 }),
    quantiles: Flags.string({ description: 'also forecast and score these quantile levels, e.g. 0.1,0.5,0.9 (WQL, MSIS, coverage)' }),
    'calibrate-quantiles': Flags.boolean({ description: "with --quantiles: fit each level's spread on the validation windows, as transfer does (--no-calibrate-quantiles keeps the heads' spread)", allowNo: true, default: true }),
    'backtest-select': Flags.boolean({ description: 'forecast each series from the view of its history its own backtests choose (transfer forecast --backtest-select); use --tag to keep the runs apart' }),
    quick: Flags.boolean({ description: 'two tiny epochs per trained strategy: checks the pipeline, measures little' }),
    ...benchFlags('forecast-multi'),
    ...benchQueueFlag(),
  };

  async run() {
    const { flags } = await this.parse(BenchForecastMulti);
    const suite = flags.suite ?? packagePath(import.meta.url, 'benchmarks', 'suites', 'forecast-multi.json');
    const list = (s: string | undefined) => s?.split(',').map((x) => x.trim()).filter(Boolean);
    // A bad suite file, an unknown dataset or a missing data file fails before --out is touched.
    const parsed = readSuite(suite);
    const datasets = list(flags.datasets);
    checkDataFiles(parsed, selectDatasets(parsed, datasets, suite), suite);
    const options = {
      suite,
      datasets,
      seeds: seedList(flags.seeds),
      shares: shareList(flags.shares),
      strategies: nameList('strategies', flags.strategies, STRATEGY_NAMES),
      backbones: list(flags.backbones),
      origins: flags.origins,
      trainOrigins: flags['train-origins'],
      quantiles: flags.quantiles,
      calibrateQuantiles: flags['calibrate-quantiles'],
      backtestSelect: flags['backtest-select'],
      quick: flags.quick,
    };
    const queue = await benchQueue(flags.queue);
    const { dir, fresh } = await openBenchOut('forecast-multi', flags, [FORECAST_MULTI_RUNS], options);
    await this.useBackend(flags.backend);
    const result = await runForecastMulti({ ...options, out: dir, fresh, queue, command: `headstart bench forecast-multi ${this.argv.join(' ')}`.trim(), log: this.line });
    return this.finish(result);
  }
}
