/**
 * One cell of the recommendation data-savings benchmark: zero-shot and the baselines of a (share,
 * seed), or one trained strategy there. The local run and the `recommend-bench-cell` job kind both
 * call runRecsysCell, so a queued run computes each cell exactly as a local one does.
 */
import type { StrategyName } from '../../core/interfaces/index.js';
import type { EventsDataset, EventsSplit } from '../../plugins/recommendation/contracts.js';
import { Rng } from '../../core/random.js';
import type { RankedMethod, Recommender, RecommendService } from '../../plugins/recommendation/services/recommend-service.js';
import { capValidation, leaveOneOut, restrictTrainingUsers } from '../../plugins/recommendation/data/splits.js';
import { COUNTING_SUFFIX, type RecsysRun } from '../suites/recommend-data-savings-report.js';
import type { SuiteBudget } from '../suites/forecast-multi-data.js';

/** Zero-shot (when asked for and pretrained) with the baselines, or one trained strategy, at a (share, seed). */
export type RecsysCell = { fraction: number; seed: number } & ({ kind: 'reference'; zeroShot: boolean } | { kind: 'trained'; strategy: StrategyName });

/** What every cell of one run shares, resolved by the submitting run. */
export interface RecsysCellSettings {
  backbone: string;
  /** Pretraining steps of the weights the run started from: a worker with other weights refuses the cell. */
  weightsSteps?: number;
  quick: boolean;
  budget?: SuiteBudget;
  batch: number;
  valCases: number;
  heldOutValidation: number;
  testCases?: number;
  itemTransfer: 'never' | 'same-catalogue';
  selectBy: 'loss' | 'ndcg';
  countingShare?: number;
}

/**
 * Training budget per fraction, the same for every strategy at a fraction (fair comparison). Steps
 * grow with the data but much slower than it: one step (batch 128, full softmax over ~12k items) takes
 * ~0.6 s on one wasm core, so a full pass over 100% of Beauty (~1,050 steps) alone would exceed the
 * whole benchmark's time. An "epoch" is maxStepsPerEpoch batches followed by a validation check.
 */
export function budgetFor(o: { quick?: boolean; budget?: SuiteBudget }, fraction: number): { epochs: number; maxStepsPerEpoch: number; patience: number } {
  const quick = o.quick;
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
  return { epochs: o.budget?.epochs ?? base.epochs, maxStepsPerEpoch: o.budget?.maxStepsPerEpoch ?? base.maxStepsPerEpoch, patience: o.budget?.patience ?? base.patience };
}

/** A seeded subset of `n` cases, in their original order (all when n ≥ length). */
function seededSubset<T>(xs: T[], n: number, seed: number): T[] {
  if (n >= xs.length) return xs;
  const keep = new Set(new Rng(seed).shuffle(xs.map((_, i) => i)).slice(0, n));
  return xs.filter((_, i) => keep.has(i));
}

/** The leave-one-out split every cell starts from: all test cases, or a seeded `testCases` of them. */
export function baseSplit(ds: EventsDataset, testCases: number | undefined): EventsSplit {
  const full = leaveOneOut(ds);
  return testCases ? { ...full, test: seededSubset(full.test, testCases, 12345) } : full;
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
  const alone = timed(strategy, recommender.with({ blend: undefined }));
  if (!recommender.blend) return [alone];
  if (recommender.blend.modelWeight >= 1) return [alone, [{ ...alone[0], name: `${strategy}${COUNTING_SUFFIX}`, blend: { ...recommender.blend } }, alone[1]]];
  return [alone, timed(`${strategy}${COUNTING_SUFFIX}`, recommender)];
}

/**
 * A cell's runs, in the order the runs file gets them. `done` names the methods of this (share,
 * seed) the runs file holds already: they are not computed again (the local run's resume rule).
 */
export async function runRecsysCell(service: RecommendService, ds: EventsDataset, base: EventsSplit, cell: RecsysCell, s: RecsysCellSettings, backend: string, done: ReadonlySet<string>): Promise<RecsysRun[]> {
  const { fraction, seed } = cell;
  const C = ds.items.length;
  const restricted = restrictTrainingUsers(base, fraction, seed, fraction < 1 ? s.heldOutValidation : 0);
  const split: EventsSplit = capValidation(restricted, s.valCases, seed + 1);
  const trainUsers = split.train.filter((x) => x.length > 0).length;
  const trainExamples = split.train.reduce((a, x) => a + Math.max(0, x.length - 1), 0);
  const b = { ...budgetFor(s, fraction), batchSize: s.batch, validationCases: split.validation.length, selectBy: s.selectBy };
  const common = { fraction, seed, trainUsers, trainExamples, testCases: split.test.length, backend };
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
  const transferOpts = { backbone: s.backbone, seed, epochs: b.epochs, maxStepsPerEpoch: b.maxStepsPerEpoch, patience: b.patience, batchSize: b.batchSize, items: ds.items, itemTransfer: s.itemTransfer, epochSelection: s.selectBy, countingShare: s.countingShare };
  const runs: RecsysRun[] = [];
  if (cell.kind === 'reference') {
    // Zero-shot and the baselines: no training, fit on the same users' events, one ranking pass each.
    if (cell.zeroShot && !(done.has('zero-shot') && done.has(`zero-shot${COUNTING_SUFFIX}`))) {
      const z = await service.transfer(C, split, { ...transferOpts, strategy: 'zero-shot' });
      try {
        for (const [r, evalSeconds] of evaluateVariants(service, C, split, 'zero-shot', z.recommender, done.has('zero-shot'))) {
          runs.push(row(r, { trainSeconds: 0, evalSeconds, weightsSteps: s.weightsSteps, ...(r.blend ? { modelWeight: r.blend.modelWeight } : {}) }));
        }
      } finally {
        z.recommender.model.dispose();
      }
    }
    for (const id of service.recommendBaselineIds()) {
      if (done.has(id)) continue;
      // Fitting a baseline is counting; its time is part of evalSeconds.
      const t0 = performance.now();
      const [r] = service.evaluate(C, split, [], {}, [id]);
      runs.push(row(r!, { trainSeconds: 0, evalSeconds: (performance.now() - t0) / 1000 }));
    }
    return runs;
  }
  const { strategy } = cell;
  const outcome = await service.transfer(C, split, { ...transferOpts, strategy });
  try {
    for (const [r, evalSeconds] of evaluateVariants(service, C, split, strategy, outcome.recommender, false)) {
      runs.push(row(r, {
        trainSeconds: outcome.training.seconds,
        evalSeconds,
        epochs: outcome.training.epochsRun,
        bestEpoch: outcome.training.bestEpoch,
        trainableParameters: outcome.training.trainableParameters,
        budget: b,
        weightsSteps: strategy === 'scratch' ? undefined : s.weightsSteps,
        ...(r.blend ? { modelWeight: r.blend.modelWeight } : {}),
        // The validation checkpoints (start and every epoch) by training seconds: the time savings.
        curve: outcome.training.history.map(({ epoch, seconds, valLoss, valScore }) => ({ epoch, seconds, valLoss, ...(valScore === undefined ? {} : { valScore }) })),
      }));
    }
  } finally {
    outcome.recommender.model.dispose();
  }
  return runs;
}

/** What progress lines and errors call a cell. */
export function recsysCellLabel(cell: RecsysCell): string {
  const pct = `${+(cell.fraction * 100).toFixed(1)}%`;
  return cell.kind === 'reference' ? `zero-shot and the baselines on ${pct} of the users, seed ${cell.seed}` : `${cell.strategy} on ${pct} of the users, seed ${cell.seed}`;
}
