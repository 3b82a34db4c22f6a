/**
 * Data savings of transfer for recommendation: Sports → Beauty. The sasrec-s backbone's shipped
 * weights (pretrained on Amazon Sports, see its manifest) are transferred to Amazon Beauty with
 * zero-shot, probe and fine-tune, beside scratch (same architecture, random init) and the
 * most-popular and Markov baselines, each fit on a seeded share of Beauty's training users
 * (head statistics and baselines on those users' events only) and ranked over the full catalogue on
 * the test item of ALL users, with each user's own history as input.
 *
 *   npm run bench:recsys -- [--events ../shared/data/recsys/amazon_beauty.csv] [--seeds 1,2,3]
 *                           [--fractions 0.05,0.1,0.25,0.5,1] [--strategies zero-shot,probe,fine-tune,scratch]
 *                           [--skip-reference] [--quick] [--report-only] [--fresh]
 *
 * Each (method, fraction, seed) result is appended to benchmarks/results/recsys-savings-runs.jsonl as
 * it finishes, so two processes can run disjoint parts (e.g. split by --fractions, one with
 * --skip-reference) and a crash loses one run; finished runs are skipped unless --fresh.
 * "Reference" = zero-shot and the baselines, one evaluation per (fraction, seed).
 */
import { appendFile, readFile } from 'node:fs/promises';
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { builtinPlugins } from '../../plugins/index.js';
import { RECOMMEND_SERVICE } from '../../plugins/recommendation/module.js';
import type { RecommendService, RankedMethod, Recommender } from '../../plugins/recommendation/services/recommend-service.js';
import { loadEvents } from '../../plugins/recommendation/data/events-loader.js';
import { capValidation, leaveOneOut, restrictTrainingUsers } from '../../plugins/recommendation/data/splits.js';
import { shippedWeights } from '../../core/io/weights-manifest.js';
import { Rng } from '../../core/random.js';
import type { EventsSplit, StrategyName } from '../../core/interfaces/index.js';
import { parseArgs } from '../harness/args.js';
import { useWeightsFolder } from '../harness/weights.js';
import { machineInfo, machineSummary } from '../harness/machine.js';
import { resultsDir, writeResults } from '../harness/results.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { summariseRecsys, recsysMarkdown, recsysChartSvg, COUNTING_SUFFIX, type RecsysRun } from './recommend-data-savings-report.js';

const args = parseArgs(
  process.argv.slice(2),
  {
    events: { type: 'string', default: '../shared/data/recsys/amazon_beauty.csv', description: 'target events (user_id,item_id[,timestamp|position])' },
    seeds: { type: 'list', description: 'default 1,2,3 (--quick: 1)' },
    fractions: { type: 'list', description: 'shares of the training users; default 0.05,0.1,0.25,0.5,1 (--quick: 0.05,0.1)' },
    strategies: { type: 'list', default: ['zero-shot', 'probe', 'fine-tune', 'scratch'], choices: ['zero-shot', 'probe', 'fine-tune', 'scratch'], description: 'strategies (the baselines always run)' },
    backbone: { type: 'string', default: 'sasrec-s' },
    weights: { type: 'string', description: 'read the backbone\'s pretrained weights from this folder (a `pretrain recommend --out`) instead of the shipped ones; use with --tag' },
    'item-transfer': { type: 'string', default: 'never', choices: ['never', 'same-catalogue'], description: 'same-catalogue: the target uses the pretraining catalogue (e.g. --events amazon_sports.csv); items start from their pretrained embeddings' },
    epochs: { type: 'number', integer: true, min: 1, description: 'override the per-fraction epochs' },
    steps: { type: 'number', integer: true, min: 1, description: 'override the per-fraction max steps per epoch' },
    patience: { type: 'number', integer: true, min: 1, description: 'override the per-fraction patience' },
    batch: { type: 'number', default: 128, integer: true, min: 1 },
    'select-by': { type: 'string', default: 'ndcg', choices: ['loss', 'ndcg'], description: 'what keeps an epoch: validation loss, or validation NDCG@10 (full ranking of the validation cases)' },
    'held-out-validation': { type: 'number', default: 0.2, min: 0, description: 'below 100% of the users, this share of the chosen users validates only (never trained on), as most test users are unseen then; 0: validate on the trained users' },
    'val-cases': { type: 'number', default: 1000, integer: true, min: 1, description: 'validation cases kept (seeded) for early stopping' },
    'test-cases': { type: 'number', integer: true, min: 1, description: 'rank only this many test cases (seeded; default all users; --quick 2000)' },
    quick: { type: 'boolean', default: false, description: 'pipeline check: 1 seed, 2 fractions, a few steps, 2000 test cases; results tagged "quick"' },
    tag: { type: 'string', description: 'keep these runs apart: results and runs files get this suffix (e.g. for other budgets)' },
    'report-only': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false, description: 'discard earlier runs of this benchmark' },
    'skip-reference': { type: 'boolean', default: false, description: 'leave zero-shot and the baselines to another process' },
  },
  { usage: 'npm run bench:recsys -- [flags]' },
);

const quick = args.quick;
const tag = args.tag ?? (quick ? 'quick' : undefined);
if (tag !== undefined && !/^[\w.-]+$/.test(tag)) throw new Error(`--tag: letters, digits, . _ - only (got "${tag}")`);
const NAME = tag ? `recommend-data-savings-${tag}` : 'recommend-data-savings';
const RUNS_FILE = join(resultsDir(), tag ? `recsys-savings-runs-${tag}.jsonl` : 'recsys-savings-runs.jsonl');

/**
 * Training budget per fraction, the same for every strategy at a fraction (fair comparison). Steps
 * grow with the data but much slower than it: one step (batch 128, full softmax over ~12k items) takes
 * ~0.6 s on one wasm core, so a full pass over 100% of Beauty (~1,050 steps) alone would exceed the
 * whole benchmark's time. An "epoch" is maxStepsPerEpoch batches followed by a validation check.
 */
function budgetFor(fraction: number): { epochs: number; maxStepsPerEpoch: number; patience: number } {
  const base = quick
    ? { epochs: 1, maxStepsPerEpoch: 5, patience: 1 }
    : fraction <= 0.05
      ? { epochs: 4, maxStepsPerEpoch: 40, patience: 2 }
      : fraction <= 0.1
        ? { epochs: 4, maxStepsPerEpoch: 60, patience: 2 }
        : fraction <= 0.25
          ? { epochs: 4, maxStepsPerEpoch: 75, patience: 2 }
          : fraction <= 0.5
            ? { epochs: 4, maxStepsPerEpoch: 90, patience: 2 }
            : { epochs: 4, maxStepsPerEpoch: 100, patience: 2 };
  return { epochs: args.epochs ?? base.epochs, maxStepsPerEpoch: args.steps ?? base.maxStepsPerEpoch, patience: args.patience ?? base.patience };
}

/** A seeded subset of `n` cases, in their original order (all when n ≥ length). */
function seededSubset<T>(xs: T[], n: number, seed: number): T[] {
  if (n >= xs.length) return xs;
  const keep = new Set(new Rng(seed).shuffle(xs.map((_, i) => i)).slice(0, n));
  return xs.filter((_, i) => keep.has(i));
}

async function loadRuns(): Promise<RecsysRun[]> {
  if (!existsSync(RUNS_FILE)) return [];
  return (await readFile(RUNS_FILE, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as RecsysRun);
}

const metric = (row: RankedMethod, name: string) => row.report.aggregate[name] ?? NaN;

/**
 * The model alone (method = strategy) and, when transfer chose a combination with counting on
 * validation, the combination (strategy + counting), each with its evaluation seconds. A model share
 * of 1 means the combination is the model alone: its row repeats the model's figures.
 */
function evaluateVariants(service: RecommendService, C: number, split: EventsSplit, strategy: string, recommender: Recommender, aloneDone: boolean): [RankedMethod, number][] {
  const timed = (name: string, r: Recommender): [RankedMethod, number] => {
    const t0 = performance.now();
    const [row] = service.evaluate(C, split, [{ name, recommender: r }], {}, []);
    return [row!, (performance.now() - t0) / 1000];
  };
  // A deterministic model's row recorded by an earlier run (zero-shot) is not ranked again.
  if (aloneDone && recommender.blend && recommender.blend.modelWeight < 1) return [timed(`${strategy}${COUNTING_SUFFIX}`, recommender)];
  const alone = timed(strategy, { ...recommender, blend: undefined });
  if (!recommender.blend) return [alone];
  if (recommender.blend.modelWeight >= 1) return [alone, [{ ...alone[0], name: `${strategy}${COUNTING_SUFFIX}`, blend: { ...recommender.blend } }, alone[1]]];
  return [alone, timed(`${strategy}${COUNTING_SUFFIX}`, recommender)];
}

async function main(): Promise<void> {
  mkdirSync(resultsDir(), { recursive: true });
  if (args.fresh && existsSync(RUNS_FILE)) unlinkSync(RUNS_FILE);
  const backend = await useBackend('auto');
  const container = createContainer(builtinPlugins);
  const service = container.get<RecommendService>(RECOMMEND_SERVICE);
  const backboneId = String(args.backbone);
  const chosen = service.backbone(backboneId) as { weightsDir?: string };
  if (args.weights !== undefined) useWeightsFolder(chosen, backboneId, String(args.weights));
  const weightsDir = chosen.weightsDir;
  const weights = weightsDir ? shippedWeights(weightsDir) : { hasWeights: false, corpus: 'unknown' };
  const source = weights.manifest
    ? `${backboneId} pretrained on ${weights.manifest.corpus.description} for ${weights.manifest.steps.toLocaleString('en-US')} steps (${Math.round(weights.manifest.wallSeconds / 60)} min, created ${weights.manifest.createdAt})`
    : `${backboneId}: no pretrained weights found (only scratch and the baselines can run)`;
  console.log(`source: ${source}`);

  const ds = await loadEvents(String(args.events));
  const full = leaveOneOut(ds);
  const C = ds.items.length;
  const testCases = args['test-cases'] ?? (quick ? 2000 : undefined);
  const base: EventsSplit = testCases ? { ...full, test: seededSubset(full.test, testCases, 12345) } : full;
  const dataset = String(args.events).split('/').pop() ?? String(args.events);
  console.log(`${dataset}: ${ds.users.length} users, ${C} items, ${ds.events} events; ranking ${base.test.length} test cases`);

  let done = await loadRuns();
  const stale = [...new Set(done.filter((r) => r.weightsSteps !== undefined && r.weightsSteps !== weights.manifest?.steps).map((r) => r.weightsSteps))];
  if (stale.length) console.warn(`warning: ${RUNS_FILE} holds pretrained runs from checkpoints of ${stale.join(', ')} steps, the weights now have ${weights.manifest?.steps ?? 'none'}; they count as done and enter the report — use --fresh to re-run everything on the current weights`);
  const key = (r: Pick<RecsysRun, 'method' | 'fraction' | 'seed'>) => `${r.method}|${r.fraction}|${r.seed}`;
  const have = new Set(done.map(key));
  const record = async (run: RecsysRun) => {
    if (have.has(key(run))) return;
    await appendFile(RUNS_FILE, JSON.stringify(run) + '\n');
    done.push(run);
    have.add(key(run));
    console.log(
      `${run.method.padEnd(13)} fraction ${String(run.fraction).padEnd(5)} seed ${run.seed}  NDCG@10 ${run['NDCG@10'].toFixed(4)}  HR@10 ${run['HR@10'].toFixed(4)}  train ${run.trainSeconds.toFixed(1)}s (${run.epochs} epochs)  eval ${run.evalSeconds.toFixed(1)}s`,
    );
  };
  const seeds = (args.seeds.length ? args.seeds : quick ? ['1'] : ['1', '2', '3']).map(Number);
  const fractions = (args.fractions.length ? args.fractions : quick ? ['0.05', '0.1'] : ['0.05', '0.1', '0.25', '0.5', '1']).map(Number);
  if ([...seeds, ...fractions].some((x) => !Number.isFinite(x))) throw new Error('--seeds and --fractions take numbers');
  const strategies = args.strategies as StrategyName[];
  const selectBy = args['select-by'] as 'loss' | 'ndcg';
  if (!args['report-only']) {
    for (const fraction of fractions) {
      for (const seed of seeds) {
        const restricted = restrictTrainingUsers(base, fraction, seed, fraction < 1 ? Number(args['held-out-validation']) : 0);
        const split: EventsSplit = capValidation(restricted, args['val-cases'], seed + 1);
        const trainUsers = split.train.filter((s) => s.length > 0).length;
        const trainExamples = split.train.reduce((a, s) => a + Math.max(0, s.length - 1), 0);
        const b = { ...budgetFor(fraction), batchSize: args.batch, validationCases: split.validation.length, selectBy };
        const common = { fraction, seed, trainUsers, trainExamples, testCases: split.test.length, backend: backend.active };
        const row = (r: RankedMethod, extra: Partial<RecsysRun> & Pick<RecsysRun, 'trainSeconds' | 'evalSeconds'>): RecsysRun => ({
          method: r.name,
          kind: r.kind,
          ...common,
          'NDCG@5': metric(r, 'NDCG@5'),
          'NDCG@10': metric(r, 'NDCG@10'),
          'NDCG@20': metric(r, 'NDCG@20'),
          'HR@10': metric(r, 'HR@10'),
          'MRR@10': metric(r, 'MRR@10'),
          'coverage@10': metric(r, 'coverage@10'),
          epochs: 0,
          bestEpoch: 0,
          trainableParameters: 0,
          ...extra,
        });
        const transferOpts = { backbone: backboneId, seed, epochs: b.epochs, maxStepsPerEpoch: b.maxStepsPerEpoch, patience: b.patience, batchSize: b.batchSize, items: ds.items, itemTransfer: args['item-transfer'] as 'never' | 'same-catalogue', epochSelection: selectBy };

        // Zero-shot and the baselines: no training, fit on the same users' events, one ranking pass each.
        if (!args['skip-reference']) {
          if (strategies.includes('zero-shot') && weights.hasWeights && !(have.has(key({ method: 'zero-shot', fraction, seed })) && have.has(key({ method: `zero-shot${COUNTING_SUFFIX}`, fraction, seed })))) {
            const z = await service.transfer(C, split, { ...transferOpts, strategy: 'zero-shot' });
            for (const [r, evalSeconds] of evaluateVariants(service, C, split, 'zero-shot', z.recommender, have.has(key({ method: 'zero-shot', fraction, seed })))) {
              await record(row(r, { trainSeconds: 0, evalSeconds, weightsSteps: weights.manifest?.steps, ...(r.blend ? { modelWeight: r.blend.modelWeight } : {}) }));
            }
            z.recommender.model.dispose();
          }
          for (const id of service.recommendBaselineIds()) {
            if (have.has(key({ method: id, fraction, seed }))) continue;
            // Fitting a baseline is counting; its time is part of evalSeconds.
            const t0 = performance.now();
            const [r] = service.evaluate(C, split, [], {}, [id]);
            await record(row(r!, { trainSeconds: 0, evalSeconds: (performance.now() - t0) / 1000 }));
          }
        }

        for (const strategy of strategies) {
          if (strategy === 'zero-shot' || (have.has(key({ method: strategy, fraction, seed })) && have.has(key({ method: `${strategy}${COUNTING_SUFFIX}`, fraction, seed })))) continue;
          if (strategy !== 'scratch' && !weights.hasWeights) {
            console.log(`skipping ${strategy}: ${backboneId} has no pretrained weights`);
            continue;
          }
          const o = await service.transfer(C, split, { ...transferOpts, strategy });
          for (const [r, evalSeconds] of evaluateVariants(service, C, split, strategy, o.recommender, false)) {
            await record(
              row(r, {
                trainSeconds: o.training.seconds,
                evalSeconds,
                epochs: o.training.epochsRun,
                bestEpoch: o.training.bestEpoch,
                trainableParameters: o.training.trainableParameters,
                budget: b,
                weightsSteps: strategy === 'scratch' ? undefined : weights.manifest?.steps,
                ...(r.blend ? { modelWeight: r.blend.modelWeight } : {}),
              }),
            );
          }
          o.recommender.model.dispose();
        }
      }
    }
  }

  // Other processes may have appended runs meanwhile: report on the whole file.
  done = await loadRuns();
  // The budgets the recorded runs actually used (several per fraction only if runs were mixed).
  const budgets = [...new Set(done.map((r) => r.fraction))]
    .sort((a, b) => a - b)
    .map((f) => {
      const used = [...new Set(done.filter((r) => r.fraction === f && r.budget).map((r) => `≤ ${r.budget!.epochs} × ${r.budget!.maxStepsPerEpoch} steps, patience ${r.budget!.patience}, kept epoch by validation ${r.budget!.selectBy === 'ndcg' ? 'NDCG@10' : 'loss'}`))];
      return used.length ? `${+(100 * f).toFixed(1)}%: ${used.join(' / ')}` : undefined;
    })
    .filter(Boolean);
  const summary = summariseRecsys(done);
  const checkpoints = [...new Set(done.map((r) => r.weightsSteps).filter((s): s is number => s !== undefined))].sort((a, b) => a - b);
  const sourceText = checkpoints.length > 1 ? `${source}; NOTE: the pretrained runs used checkpoints of ${checkpoints.join(', ')} steps — re-run them with --fresh on final weights` : source;
  const md = recsysMarkdown(summary, {
    dataset,
    users: ds.users.length,
    items: C,
    events: ds.events,
    backend: backend.active,
    source: sourceText,
    budgets: budgets.join('; ') + `; batch ${args.batch}, ≤ ${args['val-cases']} validation cases` + (testCases ? `; **${base.test.length} test cases only**` : ''),
    machine: machineSummary(machineInfo()),
  });
  console.log('\n' + md);
  const written = await writeResults(
    NAME,
    { machine: machineInfo(), backend: backend.active, dataset, users: ds.users.length, items: C, events: ds.events, testCases: base.test.length, source: sourceText, manifest: weights.manifest ? { corpus: weights.manifest.corpus, steps: weights.manifest.steps, command: weights.manifest.command, createdAt: weights.manifest.createdAt } : undefined, budgets, runs: done, summary },
    md,
  );
  const svg = written.json.replace(/\.json$/, '.svg');
  if (summary.cells.length) await writeFileAtomic(svg, recsysChartSvg(summary, done, dataset));
  console.log(`wrote ${written.json}, ${written.markdown}, ${svg}`);
}

await main();
