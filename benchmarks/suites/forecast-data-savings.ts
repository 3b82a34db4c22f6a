/**
 * Data savings of transfer on aus_retail (152 monthly retail series, ABS via tsibbledata, GPL-3):
 * probe, fine-tune and scratch trained on 10/25/50/100% of the series (seeded subsets), 3 seeds,
 * plus zero-shot and the baselines; every method is scored on the last 12 months of ALL 152 series.
 *
 *   npm run bench:savings -- [--data ../shared/data/forecasting/aus_retail.csv] [--seeds 1,2,3]
 *                            [--fractions 0.1,0.25,0.5,1] [--quick] [--report-only]
 *
 * Each (seed, fraction, strategy) run is appended to benchmarks/results/savings-runs.jsonl as it
 * finishes, so several processes (e.g. one per seed) can share the work and a crash loses one run.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { existsSync, mkdirSync } from 'node:fs';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { builtinPlugins } from '../../plugins/index.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import { loadForecastCsv } from '../../plugins/forecasting/data/csv-loader.js';
import { seriesSubset } from '../../plugins/forecasting/data/train-share.js';
import type { ForecastDataset, StrategyName } from '../../core/interfaces/index.js';
import { parseArgs } from '../harness/args.js';
import { machineInfo } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';
import { summariseSavings, savingsMarkdown, savingsChartSvg, type SavingsRun } from './forecast-data-savings-report.js';
import { writeFileAtomic } from '../../core/io/atomic.js';

const RUNS_FILE = 'benchmarks/results/savings-runs.jsonl';
const HORIZON = 12;

const args = parseArgs(process.argv.slice(2), {
  data: { type: 'string', default: '../shared/data/forecasting/aus_retail.csv' },
  seeds: { type: 'string', default: '1,2,3' },
  fractions: { type: 'string', default: '0.1,0.25,0.5,1' },
  strategies: { type: 'string', default: 'probe,fine-tune,scratch' },
  backbone: { type: 'string', default: 'patch-mixer-s' },
  quick: { type: 'boolean', default: false },
  'report-only': { type: 'boolean', default: false },
  fresh: { type: 'boolean', default: false },
  'skip-reference': { type: 'boolean', default: false, description: 'leave zero-shot and the baselines to another process' },
});

async function loadRuns(): Promise<SavingsRun[]> {
  if (!existsSync(RUNS_FILE)) return [];
  return (await readFile(RUNS_FILE, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as SavingsRun);
}

async function main(): Promise<void> {
  mkdirSync('benchmarks/results', { recursive: true });
  const backend = await useBackend('auto');
  const container = createContainer(builtinPlugins);
  const service = container.get<ForecastService>(FORECAST_SERVICE);
  const ds: ForecastDataset = await loadForecastCsv(String(args.data), { idColumn: 'Series ID', timestampColumn: 'Month', valueColumn: 'Turnover' });
  const done = args.fresh ? [] : await loadRuns();
  const key = (r: Pick<SavingsRun, 'method' | 'fraction' | 'seed'>) => `${r.method}|${r.fraction}|${r.seed}`;
  const have = new Set(done.map(key));
  const record = async (run: SavingsRun) => {
    await appendFile(RUNS_FILE, JSON.stringify(run) + '\n');
    done.push(run);
    have.add(key(run));
    console.log(`${run.method.padEnd(14)} fraction ${String(run.fraction).padEnd(4)} seed ${run.seed}  MASE ${run.MASE.toFixed(3)}  rel ${run.relMASE.toFixed(3)}  ${run.trainSeconds.toFixed(1)}s`);
  };

  if (!args['report-only']) {
    const quick = Boolean(args.quick);
    const train = quick ? { epochs: 2, maxStepsPerEpoch: 10 } : {};
    // Zero-shot and the baselines do not depend on the training fraction or the seed.
    if (!args['skip-reference'] && !have.has(key({ method: 'zero-shot', fraction: 0, seed: 0 }))) {
      const z = await service.transfer(ds, { backbone: String(args.backbone), strategy: 'zero-shot', horizon: HORIZON, combine: 'none' });
      const [row, ...baselines] = service.evaluate(ds, HORIZON, [{ name: 'zero-shot', forecaster: z.forecaster, trainSeconds: z.training.seconds }]);
      await record({ method: 'zero-shot', fraction: 0, seed: 0, MASE: row!.report.aggregate.MASE!, relMASE: row!.relMASE, sMAPE: row!.report.aggregate.sMAPE!, trainSeconds: row!.trainSeconds, predictSeconds: row!.predictSeconds, epochs: 0 });
      for (const b of baselines) {
        await record({ method: b.name, fraction: 0, seed: 0, MASE: b.report.aggregate.MASE!, relMASE: b.relMASE, sMAPE: b.report.aggregate.sMAPE!, trainSeconds: b.trainSeconds, predictSeconds: 0, epochs: 0 });
      }
      z.forecaster.dispose();
    }
    const seeds = String(args.seeds).split(',').map(Number);
    const fractions = String(args.fractions).split(',').map(Number);
    const strategies = String(args.strategies).split(',') as StrategyName[];
    for (const seed of seeds) {
      for (const fraction of fractions) {
        const subset = seriesSubset(ds.series.length, fraction, seed);
        for (const strategy of strategies) {
          if (have.has(key({ method: strategy, fraction, seed }))) continue;
          const o = await service.transfer(ds, { backbone: String(args.backbone), strategy, horizon: HORIZON, seed, trainSeries: (i) => subset.has(i), combine: 'none', ...train });
          const [row] = service.evaluate(ds, HORIZON, [{ name: strategy, forecaster: o.forecaster, trainSeconds: o.training.seconds }], []);
          await record({ method: strategy, fraction, seed, MASE: row!.report.aggregate.MASE!, relMASE: row!.relMASE, sMAPE: row!.report.aggregate.sMAPE!, trainSeconds: o.training.seconds, predictSeconds: row!.predictSeconds, epochs: o.training.epochsRun, valRelMASE: o.validation.relMASE });
          o.forecaster.dispose();
        }
      }
    }
  }
  const summary = summariseSavings(done);
  const md = savingsMarkdown(summary, { series: ds.series.length, backend: backend.active });
  console.log('\n' + md);
  const written = await writeResults('forecast-data-savings', { machine: machineInfo(), backend: backend.active, dataset: String(args.data).split('/').pop(), horizon: HORIZON, runs: done, summary }, md);
  const svg = written.json.replace(/\.json$/, '.svg');
  await writeFileAtomic(svg, savingsChartSvg(summary, done));
  console.log(`wrote ${written.json}, ${written.markdown}, ${svg}`);
}

await main();
