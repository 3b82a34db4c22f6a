/**
 * The multi-dataset forecasting benchmark: every dataset of a suite file (default
 * benchmarks/suites/forecast-multi.json), on the last window and on earlier origins; relative MASE
 * (geometric mean over series of MASE / seasonal-naive MASE) per dataset and the geometric mean over
 * datasets, for each backbone × strategy (alone, averaged with ETS, and selected among those by the
 * validation windows) and the baselines (naive, seasonal naive, ETS, TSB), with time per method.
 *
 *   npm run bench:forecast-multi -- [--suite file.json] [--backbones patch-mixer-s,patch-mixer-m]
 *       [--strategies zero-shot,probe] [--seeds 1] [--origins 3] [--train-origins 1]
 *       [--datasets aus_retail,ansett] [--shares 0.1,1] [--weights folder --tag name] [--out folder] [--fresh]
 *
 * Every run (dataset, origin, method, seed) is appended to <out>/forecast-multi-runs.jsonl as it
 * finishes; a re-run resumes from it (--fresh starts over).
 * The flags over benchmarks/services/forecast-multi.ts (also `headstart bench forecast-multi`).
 */
import { join } from 'node:path';
import type { StrategyName } from '../../core/interfaces/index.js';
import { parseArgs, resultsDir, projectRoot } from '../harness/index.js';
import { scriptCommand } from '../harness/results.js';
import { runForecastMulti } from '../services/forecast-multi.js';

const args = parseArgs(process.argv.slice(2), {
  suite: { type: 'string', default: join(projectRoot(), 'benchmarks/suites/forecast-multi.json'), description: 'suite file (JSON)' },
  backbones: { type: 'list', description: 'default the suite\'s, else patch-mixer-s' },
  strategies: { type: 'list', choices: ['zero-shot', 'probe', 'fine-tune', 'scratch'], description: 'default the suite\'s, else zero-shot,probe' },
  seeds: { type: 'list', description: 'default the suite\'s, else 1' },
  shares: { type: 'list', description: 'training shares of the series for the trained strategies (data savings), e.g. 0.1,1; default the suite\'s, else 1' },
  'min-series-for-shares': { type: 'number', default: 50, integer: true, min: 1, description: 'shares below 1 only on datasets with at least this many series' },
  origins: { type: 'number', default: 3, integer: true, min: 1, description: 'origins for zero-shot and the baselines' },
  'train-origins': { type: 'number', default: 1, integer: true, min: 1, description: 'origins for the trained strategies' },
  datasets: { type: 'list', description: 'only these datasets of the suite' },
  out: { type: 'string', description: 'results folder (default benchmarks/results)' },
  quantiles: { type: 'string', description: 'also forecast and score these quantile levels (e.g. 0.1,0.5,0.9): WQL, MSIS, coverage, beside the baselines\' quantiles' },
  'no-calibrate-quantiles': { type: 'boolean', default: false, description: 'with --quantiles: keep the heads\' spread (no fit on the validation windows)' },
  'backtest-select': { type: 'boolean', default: false, description: 'forecast each series from the view of its history its own backtests choose (transfer --backtest-select); tag the run to keep it apart' },
  weights: { type: 'string', description: 'score the (single) --backbones backbone with this weights folder instead of its shipped one' },
  tag: { type: 'string', description: 'suffix for the method names (e.g. a candidate weights folder)' },
  fresh: { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false, description: 'two tiny epochs per trained strategy (smoke test)' },
}, { usage: 'npm run bench:forecast-multi -- [flags]' });

const list = (xs: string[]) => (xs.length ? xs : undefined);
const result = await runForecastMulti({
  out: args.out ?? resultsDir(),
  suite: args.suite,
  backbones: list(args.backbones),
  strategies: list(args.strategies) as StrategyName[] | undefined,
  seeds: list(args.seeds)?.map(Number),
  shares: list(args.shares)?.map(Number),
  minSeriesForShares: args['min-series-for-shares'],
  origins: args.origins,
  trainOrigins: args['train-origins'],
  datasets: args.datasets,
  quantiles: args.quantiles,
  calibrateQuantiles: !args['no-calibrate-quantiles'],
  backtestSelect: args['backtest-select'],
  weights: args.weights,
  tag: args.tag,
  fresh: args.fresh,
  quick: args.quick,
  command: scriptCommand('bench:forecast-multi'),
});
console.log('\n' + result.markdown);
console.log(`wrote ${[result.files.json, result.files.markdown, result.files.html, result.files.svg].filter(Boolean).join(', ')}`);
