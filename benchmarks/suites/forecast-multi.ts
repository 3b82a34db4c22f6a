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
 */
import { appendFile, readFile } from 'node:fs/promises';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { builtinPlugins } from '../../plugins/index.js';
import { TOKENS } from '../../core/tokens.js';
import type { Registry } from '../../core/registry.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import type { ForecastBaseline, StrategyName } from '../../core/interfaces/index.js';
import type { CombineMethod } from '../../plugins/forecasting/output-policy.js';
import { parseArgs, machineInfo, writeResults, resultsDir, projectRoot, useWeightsFolder } from '../harness/index.js';
import { readSuite, loadSuiteDataset, atOrigin } from './forecast-multi-data.js';
import { parseQuantileLevels } from '../../plugins/forecasting/heads/quantile-forecast-head.js';
import { baselineQuantiles, scoreQuantiles } from '../../plugins/forecasting/services/quantile-scoring.js';
import { summariseMulti, multiMarkdown, type MultiRun } from './forecast-multi-report.js';

const args = parseArgs(process.argv.slice(2), {
  suite: { type: 'string', default: join(projectRoot(), 'benchmarks/suites/forecast-multi.json'), description: 'suite file (JSON)' },
  backbones: { type: 'list', default: ['patch-mixer-s'] },
  strategies: { type: 'list', default: ['zero-shot', 'probe'], choices: ['zero-shot', 'probe', 'fine-tune', 'scratch'] },
  seeds: { type: 'list', default: ['1'] },
  shares: { type: 'list', default: ['1'], description: 'training shares of the series for the trained strategies (data savings), e.g. 0.1,1' },
  'min-series-for-shares': { type: 'number', default: 50, integer: true, min: 1, description: 'shares below 1 only on datasets with at least this many series' },
  origins: { type: 'number', default: 3, integer: true, min: 1, description: 'origins for zero-shot and the baselines' },
  'train-origins': { type: 'number', default: 1, integer: true, min: 1, description: 'origins for the trained strategies' },
  datasets: { type: 'list', description: 'only these datasets of the suite' },
  out: { type: 'string', description: 'results folder (default benchmarks/results)' },
  quantiles: { type: 'string', description: 'also forecast and score these quantile levels (e.g. 0.1,0.5,0.9): WQL, MSIS, coverage, beside the baselines\' quantiles' },
  weights: { type: 'string', description: 'score the (single) --backbones backbone with this weights folder instead of its shipped one' },
  tag: { type: 'string', description: 'suffix for the method names (e.g. a candidate weights folder)' },
  fresh: { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false, description: 'two tiny epochs per trained strategy (smoke test)' },
}, { usage: 'npm run bench:forecast-multi -- [flags]' });

/** A partner that fits each history once: the same ETS forecasts serve the mean and the selection. */
function memoised(b: ForecastBaseline): ForecastBaseline {
  const cache = new Map<string, number[]>();
  const qcache = new Map<string, number[][]>();
  const keyOf = (history: number[], horizon: number, m: number) => `${history.length}|${horizon}|${m}|${history[0]}|${history[history.length - 1]}|${history[history.length >> 1]}`;
  return {
    id: b.id, task: b.task, description: b.description,
    forecast(history, horizon, m) {
      const key = keyOf(history, horizon, m);
      let f = cache.get(key);
      if (!f) cache.set(key, (f = b.forecast(history, horizon, m)));
      return f;
    },
    ...(b.forecastQuantiles
      ? {
          forecastQuantiles(history: number[], horizon: number, m: number, levels: readonly number[]) {
            const key = `${keyOf(history, horizon, m)}|${levels.join(',')}`;
            let q = qcache.get(key);
            if (!q) qcache.set(key, (q = b.forecastQuantiles!(history, horizon, m, levels)));
            return q;
          },
        }
      : {}),
  };
}

async function main(): Promise<void> {
  const out = resolve(args.out ?? resultsDir());
  mkdirSync(out, { recursive: true });
  const runsFile = join(out, 'forecast-multi-runs.jsonl');
  const backend = await useBackend('auto');
  const container = createContainer(builtinPlugins);
  const service = container.get<ForecastService>(FORECAST_SERVICE);
  const registry = container.get<Registry>(TOKENS.Registry);
  if (args.weights !== undefined) {
    if (args.backbones.length !== 1) throw new Error('--weights needs exactly one --backbones id');
    useWeightsFolder(registry.get('backbone', args.backbones[0]!), args.backbones[0]!, args.weights);
  }
  const suite = readSuite(args.suite);
  const done: MultiRun[] = !args.fresh && existsSync(runsFile) ? (await readFile(runsFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as MultiRun) : [];
  const key = (r: Pick<MultiRun, 'dataset' | 'origin' | 'method' | 'seed'>) => `${r.dataset}|${r.origin}|${r.method}|${r.seed}`;
  const have = new Set(done.map(key));
  const record = async (run: MultiRun) => {
    await appendFile(runsFile, JSON.stringify(run) + '\n');
    done.push(run);
    have.add(key(run));
    console.log(`${run.dataset.padEnd(18)} origin ${run.origin} ${run.method.padEnd(34)} seed ${run.seed}  relMASE ${run.relMASE.toFixed(3)}  ${run.seconds.toFixed(1)}s`);
  };
  const selected = suite.datasets.filter((d) => !args.datasets?.length || args.datasets.includes(d.name));
  const train = args.quick ? { epochs: 2, maxStepsPerEpoch: 5 } : {};
  const levels = args.quantiles !== undefined ? parseQuantileLevels(args.quantiles) : undefined;
  for (const d of selected) {
    const full = await loadSuiteDataset(d, suite.dir);
    const H = d.horizon;
    for (let origin = 0; origin < args.origins; origin++) {
      const ds = atOrigin(full, H, origin);
      if (ds.series.length === 0) continue;
      const base = { dataset: d.name, frequency: ds.frequency, origin, series: ds.series.length, horizon: H };
      const testCuts = service.testCuts(ds, H);
      const probabilistic = (name: string, forecasts: number[][][] | undefined) => (levels && forecasts ? { quantileScores: scoreQuantiles(name, ds, testCuts, levels, forecasts, H) } : {});
      if (!have.has(key({ dataset: d.name, origin, method: 'ets', seed: 0 }))) {
        for (const row of service.evaluate(ds, H, [])) {
          const b = registry.get<ForecastBaseline>('baseline', row.name);
          await record({ ...base, method: row.name, seed: 0, relMASE: row.relMASE, MASE: row.report.aggregate.MASE!, seconds: row.trainSeconds, ...probabilistic(row.name, levels ? baselineQuantiles(b, ds, testCuts, H, levels) : undefined) });
        }
      }
      const ets = memoised(registry.get<ForecastBaseline>('baseline', 'ets'));
      for (const backbone of args.backbones) {
        for (const strategy of args.strategies as StrategyName[]) {
          if (strategy !== 'zero-shot' && origin >= args['train-origins']) continue;
          const shares = strategy === 'zero-shot' ? [1] : args.shares.map(Number).filter((x) => x === 1 || ds.series.length >= args['min-series-for-shares']);
          const cells = shares.flatMap((share) => (strategy === 'zero-shot' ? ['0'] : args.seeds).map((seed) => ({ share, seed: Number(seed) })));
          for (const { share, seed } of cells) {
            const name = `${backbone}${args.tag ? `[${args.tag}]` : ''} ${strategy}${share < 1 ? ` @${Math.round(share * 100)}%` : ''}`;
            if (have.has(key({ dataset: d.name, origin, method: name, seed }))) continue;
            const t0 = performance.now();
            let o: Awaited<ReturnType<ForecastService['transfer']>>;
            try {
              o = await service.transfer(ds, { backbone, strategy, horizon: H, seed: seed || undefined, combine: 'select', trainShare: share, ...(levels ? { quantiles: levels } : {}), ...train });
            } catch (e) {
              // A dataset too short to train on is a finding for this strategy, not the end of the suite.
              if ((e as { code?: string }).code !== 'too-short') throw e;
              console.log(`${d.name.padEnd(18)} origin ${origin} ${name}: skipped (${(e as Error).message})`);
              continue;
            }
            const transferSeconds = (performance.now() - t0) / 1000;
            const f = o.forecaster;
            const chosen = f.meta.combination!;
            f.partner = ets;
            const variants: [string, CombineMethod][] = [[name, 'model'], [`${name} + ETS mean`, 'mean'], [`${name} + ETS select`, chosen.method]];
            for (const [method, combine] of variants) {
              f.meta.combination = { ...chosen, method: combine };
              const [row] = service.evaluate(ds, H, [{ name: method, forecaster: f, trainSeconds: o.training.seconds }], []);
              await record({ ...base, method, seed, ...probabilistic(method, levels ? f.predictQuantiles(ds, testCuts) : undefined), relMASE: row!.relMASE, MASE: row!.report.aggregate.MASE!, seconds: combine === 'model' ? o.training.seconds + row!.predictSeconds : transferSeconds + row!.predictSeconds, bestEpoch: o.training.bestEpoch, chosen: chosen.method, valRelMASE: chosen.validation });
            }
            f.dispose();
          }
        }
      }
    }
  }
  const summary = summariseMulti(done.filter((r) => selected.some((d) => d.name === r.dataset)));
  const md = multiMarkdown(summary, { backend: backend.active, suite: suite.description });
  console.log('\n' + md);
  const written = await writeResults('forecast-multi', { machine: machineInfo(), backend: backend.active, summary, runs: done }, md, { dir: out });
  console.log(`wrote ${written.json}, ${written.markdown}`);
}

await main();
