import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { packagePath } from '../../../core/io/package-root.js';
import { UsageError } from '../../../core/errors.js';
import { STRATEGY_NAMES } from '../../../core/training/strategies.js';
import { checkDataFiles, readSuite } from '../../../benchmarks/suites/forecast-multi-data.js';
import { recommendSavingsRunsFile, runRecommendSavings } from '../../../benchmarks/services/recommend-savings.js';
import { BenchCommand } from '../../bench-command.js';
import { benchFlags, benchQueue, benchQueueFlag, nameList, openBenchOut, seedList, shareList } from '../../flags/bench.js';

export default class BenchRecommendSavings extends BenchCommand {
  static override summary = 'Recommendation data savings: transfer vs scratch on shares of the users, beside the baselines';
  static override description =
    'A backbone\'s pretrained weights transferred to a target events log with zero-shot, probe and fine-tune, beside scratch and the counting, Markov and most-popular baselines, each fit on a seeded share of the training users and ranked over the full catalogue on every user\'s test item. Defaults come from a suite file (--suite; the built-in one is Amazon Sports → Beauty). Writes a resumable runs file, JSON, markdown and an HTML report with the NDCG-vs-share chart into --out.';
  static override examples = [
    '<%= config.bin %> bench recommend-savings --out r2/',
    '<%= config.bin %> bench recommend-savings --quick --out r2/',
    '<%= config.bin %> bench recommend-savings --events clicks.csv --shares 0.1,1 --seeds 1 --out r2/ --resume',
    '<%= config.bin %> bench recommend-savings --seeds 1,2 --queue redis://localhost:6379 --out r2/',
  ];
  static override flags = {
    suite: Flags.string({ description: 'suite file (JSON): one dataset {name, path} (an events file), and optionally strategies, shares, seeds, backbones, budget' }),
    events: Flags.string({ description: 'target events file instead of the suite\'s (user_id,item_id[,timestamp|position])' }),
    seeds: Flags.string({ description: 'seeds, e.g. 1,2,3 (default the suite\'s; --quick: 1)' }),
    shares: Flags.string({ description: 'shares of the training users, e.g. 0.05,0.1,1 (default the suite\'s; --quick: 0.05,0.1)' }),
    strategies: Flags.string({ description: 'strategies, e.g. zero-shot,probe (the baselines always run; default the suite\'s)' }),
    backbone: Flags.string({ description: 'backbone id (default the suite\'s first)' }),
    'test-cases': Flags.integer({ description: 'rank only this many test cases (seeded; default all users, --quick 2000)', min: 1 }),
    quick: Flags.boolean({ description: 'pipeline check: 1 seed, 2 shares, a few steps, 2000 test cases; files tagged "quick"' }),
    ...benchFlags('recommend-savings'),
    ...benchQueueFlag(),
  };

  async run() {
    const { flags } = await this.parse(BenchRecommendSavings);
    const suiteFile = flags.suite ?? packagePath(import.meta.url, 'benchmarks', 'suites', 'recommend-savings.json');
    const suite = readSuite(suiteFile, { events: true });
    if (suite.datasets.length !== 1) throw new UsageError(`${suiteFile}: recommend-savings runs exactly one events dataset`, 'bad-suite');
    if (flags.events === undefined) checkDataFiles(suite, suite.datasets, suiteFile);
    else if (!existsSync(flags.events)) throw new UsageError(`--events ${flags.events}: file not found`, 'file-not-found');
    const quick = flags.quick;
    // Under --quick the suite's full seeds and shares give way to the quick defaults, as in the script.
    const options = {
      events: flags.events ?? resolve(suite.dir, suite.datasets[0]!.path!),
      seeds: seedList(flags.seeds) ?? (quick ? undefined : suite.seeds),
      fractions: shareList(flags.shares) ?? (quick ? undefined : suite.shares),
      strategies: nameList('strategies', flags.strategies, STRATEGY_NAMES) ?? (suite.strategies as typeof STRATEGY_NAMES | undefined),
      backbone: flags.backbone ?? suite.backbones?.[0] ?? 'sasrec-s',
      testCases: flags['test-cases'],
      quick,
      ...(suite.budget ? { budget: suite.budget } : {}),
    };
    const queue = await benchQueue(flags.queue);
    const { dir, fresh } = await openBenchOut('recommend-savings', flags, [recommendSavingsRunsFile({ quick })], { suite: suiteFile, ...options });
    await this.useBackend(flags.backend);
    const bar = this.runProgress('bench recommend-savings');
    // The bar ends before the summary prints, also when the suite fails.
    const result = await runRecommendSavings({ ...options, out: dir, fresh, queue, progress: bar.progress, command: `headstart bench recommend-savings ${this.argv.join(' ')}`.trim(), log: this.line, warn: (w) => this.logToStderr(w) }).finally(bar.stop);
    return this.finish(result);
  }
}
