import { Flags } from '@oclif/core';
import { packagePath } from '../../../core/io/package-root.js';
import { STRATEGY_NAMES } from '../../../core/training/strategies.js';
import { checkDataFiles, readSuite } from '../../../benchmarks/suites/forecast-multi-data.js';
import { FORECAST_SAVINGS_RUNS, forecastSavingsFromSuite, runForecastSavings } from '../../../benchmarks/services/forecast-savings.js';
import { BenchCommand } from '../../bench-command.js';
import { benchFlags, benchQueue, benchQueueFlag, nameList, openBenchOut, seedList, shareList } from '../../flags/bench.js';

export default class BenchForecastSavings extends BenchCommand {
  static override summary = 'Forecasting data savings: transfer vs scratch on shares of the series, beside the baselines';
  static override description =
    'probe, fine-tune and scratch trained on seeded shares of one dataset\'s series, several seeds, beside zero-shot, ETS, seasonal naive and naive; every method is scored on the last horizon of all series. The dataset and defaults come from a suite file (--suite; the built-in one is aus_retail). Writes a resumable runs file, JSON, markdown and an HTML report with the error-vs-share chart into --out.';
  static override examples = [
    '<%= config.bin %> bench forecast-savings --out r/',
    '<%= config.bin %> bench forecast-savings --quick --seeds 1 --shares 0.1,1 --out r/',
    '<%= config.bin %> bench forecast-savings --suite my-suite.json --out r/ --resume',
    '<%= config.bin %> bench forecast-savings --seeds 1,2 --queue redis://localhost:6379 --out r/',
  ];
  static override flags = {
    suite: Flags.string({ description: 'suite file (JSON): one dataset {name, path, horizon, load}, and optionally strategies, shares, seeds, backbones, budget' }),
    seeds: Flags.string({ description: 'seeds, e.g. 1,2,3 (default the suite\'s)' }),
    shares: Flags.string({ description: 'shares of the series that train, e.g. 0.1,0.25,0.5,1 (default the suite\'s)' }),
    strategies: Flags.string({ description: 'trained strategies, e.g. probe,fine-tune,scratch (default the suite\'s)' }),
    backbone: Flags.string({ description: 'backbone id (default the suite\'s first)' }),
    quick: Flags.boolean({ description: 'two tiny epochs per trained run: checks the pipeline, measures nothing' }),
    ...benchFlags('forecast-savings'),
    ...benchQueueFlag(),
  };

  async run() {
    const { flags } = await this.parse(BenchForecastSavings);
    const suiteFile = flags.suite ?? packagePath(import.meta.url, 'benchmarks', 'suites', 'forecast-savings.json');
    const suite = readSuite(suiteFile);
    checkDataFiles(suite, suite.datasets, suiteFile);
    const fromSuite = forecastSavingsFromSuite(suite, suiteFile);
    const options = {
      dataset: fromSuite.dataset,
      seeds: seedList(flags.seeds) ?? fromSuite.seeds ?? [1, 2, 3],
      fractions: shareList(flags.shares) ?? fromSuite.fractions ?? [0.1, 0.25, 0.5, 1],
      strategies: nameList('strategies', flags.strategies, STRATEGY_NAMES) ?? fromSuite.strategies ?? ['probe', 'fine-tune', 'scratch'],
      backbone: flags.backbone ?? fromSuite.backbone ?? 'patch-mixer-s',
      quick: flags.quick,
      ...(fromSuite.budget ? { budget: fromSuite.budget } : {}),
    };
    const queue = await benchQueue(flags.queue);
    const { dir, fresh } = await openBenchOut('forecast-savings', flags, [FORECAST_SAVINGS_RUNS], { suite: suiteFile, ...options });
    await this.useBackend(flags.backend);
    const bar = this.runProgress('bench forecast-savings');
    // The bar ends before the summary prints, also when the suite fails.
    const result = await runForecastSavings({ ...options, out: dir, fresh, queue, progress: bar.progress, command: `headstart bench forecast-savings ${this.argv.join(' ')}`.trim(), log: this.line }).finally(bar.stop);
    return this.finish(result);
  }
}
