/**
 * Data savings of transfer for recommendation as a typed call: a backbone's pretrained weights
 * (sasrec-s: Amazon Sports, Video and MovieLens small, see its manifest) transferred to a target log (Amazon Beauty) with
 * zero-shot, probe and fine-tune, beside scratch (same architecture, random init) and the
 * most-popular, Markov and counting baselines, each fit on a seeded share of the target's training
 * users (head statistics and baselines on those users' events only) and ranked over the full
 * catalogue on the test item of ALL users, with each user's own history as input. Used by
 * `headstart bench recommend-savings` and `npm run bench:recsys`.
 *
 * Each (method, fraction, seed) result is appended to `<out>/recsys-savings-runs[-tag].jsonl` as it
 * finishes, so two processes can run disjoint parts (e.g. split by fractions, one skipping the
 * reference) and a crash loses one run; finished runs are skipped unless `fresh`.
 * "Reference" = zero-shot and the baselines, one evaluation per (fraction, seed). With `queue`, each
 * cell still to do (see recommend-savings-cell.ts) is a job for `headstart worker`s, and the runs
 * file gets the same rows in the same order as a local run's.
 */
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { UsageError } from '../../core/errors.js';
import { builtinPlugins } from '../../plugins/index.js';
import { RECOMMEND_SERVICE } from '../../plugins/recommendation/module.js';
import { RECOMMEND_DEFAULTS, type RecommendService } from '../../plugins/recommendation/services/recommend-service.js';
import { RecommendBenchCellJob, type RecommendBenchCellResult, type RecsysCellPayload } from '../jobs/recommend-bench-cell.js';
import { fileRef } from '../../core/queue/file-ref.js';
import type { QueueConnection } from '../../core/queue/connection.js';
import { loadEvents } from '../../plugins/recommendation/data/events-loader.js';
import { shippedWeights } from '../../core/io/weights-manifest.js';
import type { StrategyName } from '../../core/interfaces/index.js';
import type { EventsSplit } from '../../plugins/recommendation/contracts.js';
import { useWeightsFolder } from '../harness/weights.js';
import { machineInfo, machineSummary } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';
import { summariseRecsys, recsysMarkdown, COUNTING_SUFFIX, type RecsysRun, type RecsysSummary } from '../suites/recommend-data-savings-report.js';
import type { SuiteBudget } from '../suites/forecast-multi-data.js';
import { recommendSavingsCharts, writeReport } from '../report/index.js';
import { RunsFile, type BenchLog, type BenchProgress } from './bench-folder.js';
import { baseSplit, recsysCellLabel, runRecsysCell, type RecsysCell, type RecsysCellSettings } from './recommend-savings-cell.js';
import { runQueuedSweep, type QueuedCell } from './bench-queue.js';
import type { BenchResult } from './result.js';

export interface RecommendSavingsOptions {
  /** Results folder: runs file, JSON, markdown, SVG and HTML report. */
  out: string;
  /** Target events (user_id,item_id[,timestamp|position]). */
  events: string;
  /** Default 1,2,3 (quick: 1). */
  seeds?: number[];
  /** Shares of the training users; default 0.05,0.1,0.25,0.5,1 (quick: 0.05,0.1). */
  fractions?: number[];
  /** Strategies (the baselines always run); default all four. */
  strategies?: StrategyName[];
  backbone: string;
  /** Read the backbone's pretrained weights from this folder instead of the shipped ones (use with tag). */
  weights?: string;
  /** same-catalogue: the target uses the pretraining catalogue; items start from their pretrained embeddings. */
  itemTransfer?: 'never' | 'same-catalogue';
  /** Overrides of the per-fraction budget. */
  budget?: SuiteBudget;
  /** Default 128. */
  batch?: number;
  /** What keeps an epoch: validation loss, or validation NDCG@10 (default). */
  selectBy?: 'loss' | 'ndcg';
  /** Counting's share of the mixture trained through (RecommendTransferOptions.countingShare); default 0. */
  countingShare?: number;
  /** Below 100% of the users, this share of the chosen users validates only (default 0.2). */
  heldOutValidation?: number;
  /** Validation cases kept (seeded) for early stopping and the counting combination; default what `transfer recommend` validates on (RECOMMEND_DEFAULTS.validationUsers). */
  valCases?: number;
  /** Rank only this many test cases (seeded; default all users; quick 2000). */
  testCases?: number;
  /** Pipeline check: 1 seed, 2 fractions, a few steps, 2000 test cases; results tagged "quick". */
  quick?: boolean;
  /** Keeps runs apart: results and runs files get this suffix. */
  tag?: string;
  reportOnly?: boolean;
  /** Discard earlier runs of this benchmark. */
  fresh?: boolean;
  /** Leave zero-shot and the baselines to another process. */
  skipReference?: boolean;
  command?: string;
  log?: BenchLog;
  warn?: BenchLog;
  /** Units finished (a share and seed's reference, or one trained strategy) of those still to do. */
  progress?: BenchProgress;
  /** Run the cells still to do as jobs on this queue's workers instead of in this process. */
  queue?: QueueConnection;
}

const tagOf = (o: Pick<RecommendSavingsOptions, 'tag' | 'quick'>) => o.tag ?? (o.quick ? 'quick' : undefined);
/** `recommend-data-savings[-tag]`: the results' base name. */
export const recommendSavingsName = (o: Pick<RecommendSavingsOptions, 'tag' | 'quick'>) => (tagOf(o) ? `recommend-data-savings-${tagOf(o)}` : 'recommend-data-savings');
/** `recsys-savings-runs[-tag].jsonl`: the resumable runs file. */
export const recommendSavingsRunsFile = (o: Pick<RecommendSavingsOptions, 'tag' | 'quick'>) => (tagOf(o) ? `recsys-savings-runs-${tagOf(o)}.jsonl` : 'recsys-savings-runs.jsonl');

export async function runRecommendSavings(o: RecommendSavingsOptions): Promise<BenchResult<RecsysSummary>> {
  const log = o.log ?? ((line: string) => console.log(line));
  const quick = Boolean(o.quick);
  const tag = tagOf(o);
  if (tag !== undefined && !/^[\w.-]+$/.test(tag)) throw new UsageError(`--tag: letters, digits, . _ - only (got "${tag}")`);
  const NAME = recommendSavingsName(o);
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const runsFile = new RunsFile<RecsysRun>(join(out, recommendSavingsRunsFile(o)));
  const RUNS_FILE = runsFile.path;
  const batch = o.batch ?? 128;
  const valCases = o.valCases ?? RECOMMEND_DEFAULTS.validationUsers;
  if (o.fresh) runsFile.remove();
  const backend = await useBackend('auto');
  const container = createContainer(builtinPlugins);
  const service = container.get<RecommendService>(RECOMMEND_SERVICE);
  const backboneId = o.backbone;
  const chosen = service.backbone(backboneId) as { weightsDir?: string };
  if (o.weights !== undefined) useWeightsFolder(chosen, backboneId, o.weights);
  const weightsDir = chosen.weightsDir;
  const weights = weightsDir ? shippedWeights(weightsDir) : { hasWeights: false, corpus: 'unknown' };
  const source = weights.manifest
    ? `${backboneId} pretrained on ${weights.manifest.corpus.description} for ${weights.manifest.steps.toLocaleString('en-US')} steps (${Math.round(weights.manifest.wallSeconds / 60)} min, created ${weights.manifest.createdAt})`
    : `${backboneId}: no pretrained weights found (only scratch and the baselines can run)`;
  log(`source: ${source}`);

  const ds = await loadEvents(o.events);
  const C = ds.items.length;
  const testCases = o.testCases ?? (quick ? 2000 : undefined);
  const base: EventsSplit = baseSplit(ds, testCases);
  const dataset = basename(o.events);
  log(`${dataset}: ${ds.users.length} users, ${C} items, ${ds.events} events; ranking ${base.test.length} test cases`);

  let done = await runsFile.load();
  const stale = [...new Set(done.filter((r) => r.weightsSteps !== undefined && r.weightsSteps !== weights.manifest?.steps).map((r) => r.weightsSteps))];
  if (stale.length) (o.warn ?? console.warn)(`warning: ${RUNS_FILE} holds pretrained runs from checkpoints of ${stale.join(', ')} steps, the weights now have ${weights.manifest?.steps ?? 'none'}; they count as done and enter the report — use --fresh to re-run everything on the current weights`);
  const key = (r: Pick<RecsysRun, 'method' | 'fraction' | 'seed'>) => `${r.method}|${r.fraction}|${r.seed}`;
  const have = new Set(done.map(key));
  const record = async (run: RecsysRun) => {
    if (have.has(key(run))) return;
    await runsFile.append(run);
    done.push(run);
    have.add(key(run));
    log(
      `${run.method.padEnd(13)} fraction ${String(run.fraction).padEnd(5)} seed ${run.seed}  NDCG@10 ${run['NDCG@10'].toFixed(4)}  HR@10 ${run['HR@10'].toFixed(4)}  train ${run.trainSeconds.toFixed(1)}s (${run.epochs} epochs)  eval ${run.evalSeconds.toFixed(1)}s`,
    );
  };
  const seeds = o.seeds ?? (quick ? [1] : [1, 2, 3]);
  const fractions = o.fractions ?? (quick ? [0.05, 0.1] : [0.05, 0.1, 0.25, 0.5, 1]);
  if ([...seeds, ...fractions].some((x) => !Number.isFinite(x))) throw new UsageError('--seeds and --shares take numbers');
  const strategies = o.strategies ?? ['zero-shot', 'probe', 'fine-tune', 'scratch'];
  const selectBy = o.selectBy ?? 'ndcg';
  // The loop's own conditions, counted ahead: what is still to run, for the progress.
  const bothDone = (method: string, fraction: number, seed: number) => have.has(key({ method, fraction, seed })) && have.has(key({ method: `${method}${COUNTING_SUFFIX}`, fraction, seed }));
  const referenceDue = (fraction: number, seed: number) =>
    !o.skipReference && ((strategies.includes('zero-shot') && weights.hasWeights && !bothDone('zero-shot', fraction, seed)) || service.recommendBaselineIds().some((id) => !have.has(key({ method: id, fraction, seed }))));
  const strategyDue = (strategy: StrategyName, fraction: number, seed: number) => strategy !== 'zero-shot' && !bothDone(strategy, fraction, seed) && (strategy === 'scratch' || weights.hasWeights);
  const total = o.reportOnly ? 0 : fractions.flatMap((f) => seeds.map((seed) => (referenceDue(f, seed) ? 1 : 0) + strategies.filter((st) => strategyDue(st, f, seed)).length)).reduce((a, b) => a + b, 0);
  let finished = 0;
  const tick = (detail: string) => o.progress?.(++finished, total, detail);
  if (!o.reportOnly) o.progress?.(0, total, 'loading');
  if (!o.reportOnly) {
    if (o.queue && o.weights !== undefined) throw new UsageError('--weights is not yet supported with --queue: workers load the shipped weights; run it locally', 'queue-unsupported');
    const settings: RecsysCellSettings = {
      backbone: backboneId,
      ...(weights.manifest ? { weightsSteps: weights.manifest.steps } : {}),
      quick,
      ...(o.budget ? { budget: o.budget } : {}),
      batch,
      valCases,
      heldOutValidation: o.heldOutValidation ?? 0.2,
      ...(testCases ? { testCases } : {}),
      itemTransfer: o.itemTransfer ?? 'never',
      selectBy,
      ...(o.countingShare !== undefined ? { countingShare: o.countingShare } : {}),
    };
    // The local loop's cells, in its order: per (share, seed) the reference, then each strategy.
    const cells: RecsysCell[] = [];
    for (const fraction of fractions) {
      for (const seed of seeds) {
        if (referenceDue(fraction, seed)) cells.push({ kind: 'reference', fraction, seed, zeroShot: strategies.includes('zero-shot') && weights.hasWeights });
        for (const strategy of strategies) {
          if (strategy !== 'zero-shot' && strategy !== 'scratch' && !weights.hasWeights && !bothDone(strategy, fraction, seed)) log(`skipping ${strategy}: ${backboneId} has no pretrained weights`);
          if (strategyDue(strategy, fraction, seed)) cells.push({ kind: 'trained', fraction, seed, strategy });
        }
      }
    }
    const doneAt = (c: RecsysCell) => new Set(done.filter((r) => r.fraction === c.fraction && r.seed === c.seed).map((r) => r.method));
    if (o.queue) {
      // The cells become jobs; the events file travels by reference, checked by sha256 on the worker.
      const events = await fileRef(o.events);
      const queued: QueuedCell[] = cells.map((cell) => {
        const payload: RecsysCellPayload = { events, cell, settings, done: [...doneAt(cell)] };
        return { label: recsysCellLabel(cell), job: { kind: RecommendBenchCellJob.id, payload } };
      });
      await runQueuedSweep<RecommendBenchCellResult>(o.queue, queued, {
        log,
        progress: (n, total, label) => o.progress?.(n, total, label),
        take: async (_i, r) => {
          for (const run of r.runs) await record(run);
        },
      });
    } else {
      for (const cell of cells) {
        for (const run of await runRecsysCell(service, ds, base, cell, settings, backend.active, doneAt(cell))) await record(run);
        tick(recsysCellLabel(cell));
      }
    }
  }

  // Other processes may have appended runs meanwhile: report on the whole file.
  done = await runsFile.load();
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
    budgets: budgets.join('; ') + `; batch ${batch}, ≤ ${valCases} validation cases` + (testCases ? `; **${base.test.length} test cases only**` : ''),
    machine: machineSummary(machineInfo()),
  });
  const machine = machineInfo();
  const written = await writeResults(
    NAME,
    { machine, backend: backend.active, dataset, users: ds.users.length, items: C, events: ds.events, testCases: base.test.length, source: sourceText, manifest: weights.manifest ? { corpus: weights.manifest.corpus, steps: weights.manifest.steps, command: weights.manifest.command, createdAt: weights.manifest.createdAt } : undefined, budgets, runs: done, summary },
    md,
    { dir: out },
  );
  const report = await writeReport(out, NAME, {
    title: `Recommendation data savings: ${dataset}`,
    markdown: md,
    charts: summary.cells.length ? recommendSavingsCharts(summary, done, { dataset }) : [],
    machine,
    backend: backend.active,
    command: o.command,
  });
  return { files: { ...written, ...report, runs: RUNS_FILE }, markdown: md, summary, runs: done.length };
}
