/**
 * Data savings of transfer on aus_retail (152 monthly retail series, ABS via tsibbledata, GPL-3):
 * probe, fine-tune and scratch trained on 10/25/50/100% of the series (seeded subsets), 3 seeds,
 * plus zero-shot and the baselines; every method is scored on the last 12 months of ALL 152 series.
 * The script's flags over benchmarks/services/forecast-savings.ts (also `headstart bench forecast-savings`);
 * the defaults are the suite file benchmarks/suites/forecast-savings.json.
 *
 *   npm run bench:savings -- [--data ../shared/data/forecasting/aus_retail.csv] [--seeds 1,2,3]
 *                            [--fractions 0.1,0.25,0.5,1] [--quick] [--report-only] [--suite file.json] [--out folder]
 *
 * Each (seed, fraction, strategy) run is appended to benchmarks/results/savings-runs.jsonl as it
 * finishes, so several processes (e.g. one per seed) can share the work and a crash loses one run.
 */
import { join, resolve } from 'node:path';
import type { StrategyName } from '../../core/interfaces/index.js';
import { parseArgs } from '../harness/args.js';
import { projectRoot, resultsDir, scriptCommand } from '../harness/results.js';
import { readSuite } from './forecast-multi-data.js';
import { forecastSavingsFromSuite, runForecastSavings } from '../services/forecast-savings.js';

const args = parseArgs(process.argv.slice(2), {
  suite: { type: 'string', default: join(projectRoot(), 'benchmarks/suites/forecast-savings.json'), description: 'suite file (JSON): the dataset and the default seeds, shares, strategies' },
  data: { type: 'string', description: 'another CSV with the suite dataset\'s columns (default: the suite\'s aus_retail)' },
  seeds: { type: 'string', description: 'default the suite\'s (1,2,3)' },
  fractions: { type: 'string', description: 'default the suite\'s shares (0.1,0.25,0.5,1)' },
  strategies: { type: 'string', description: 'default the suite\'s (probe,fine-tune,scratch)' },
  backbone: { type: 'string', description: 'default the suite\'s (patch-mixer-s)' },
  out: { type: 'string', description: 'results folder (default benchmarks/results)' },
  quick: { type: 'boolean', default: false },
  'report-only': { type: 'boolean', default: false },
  fresh: { type: 'boolean', default: false },
  'skip-reference': { type: 'boolean', default: false, description: 'leave zero-shot and the baselines to another process' },
});

const fromSuite = forecastSavingsFromSuite(readSuite(args.suite), args.suite);
const numbers = (s: string) => s.split(',').map(Number);
const result = await runForecastSavings({
  out: args.out ?? resultsDir(),
  dataset: args.data ? { ...fromSuite.dataset, path: resolve(args.data), name: args.data.split('/').pop()!.replace(/\.\w+$/, '') } : fromSuite.dataset,
  seeds: args.seeds ? numbers(args.seeds) : (fromSuite.seeds ?? [1, 2, 3]),
  fractions: args.fractions ? numbers(args.fractions) : (fromSuite.fractions ?? [0.1, 0.25, 0.5, 1]),
  strategies: (args.strategies ? args.strategies.split(',') : (fromSuite.strategies ?? ['probe', 'fine-tune', 'scratch'])) as StrategyName[],
  backbone: args.backbone ?? fromSuite.backbone ?? 'patch-mixer-s',
  ...(fromSuite.budget ? { budget: fromSuite.budget } : {}),
  quick: args.quick,
  reportOnly: args['report-only'],
  fresh: args.fresh,
  skipReference: args['skip-reference'],
  command: scriptCommand('bench:savings'),
});
console.log('\n' + result.markdown);
console.log(`wrote ${[result.files.json, result.files.markdown, result.files.html, result.files.svg].filter(Boolean).join(', ')}`);
