import type { StrategyName, TrainProgress } from '../../../core/interfaces/index.js';
import type { EventsSplit } from '../contracts.js';
import type { RankedMethod, RecommendService, RecommendTransferOptions, RecommendTransferOutcome } from './recommend-service.js';
import { scratchWarning, validationWarnings } from './report.js';

export interface CheckedTransferOptions {
  /** Also train the same model from scratch on the same data and budget, to detect negative transfer. */
  compareScratch: boolean;
  /** 'better': keep the scratch model when it ranks validation clearly better; 'asked': keep the asked strategy. */
  keep: 'better' | 'asked';
  /** Progress of one training run (`comparison`: the scratch run); its `done` is called when the run ends. */
  progress?: (strategy: StrategyName, comparison: boolean) => { onProgress: (p: TrainProgress) => void; done: () => void };
}

export interface CheckedTransfer extends RecommendTransferOutcome {
  /** The strategy of the kept model (scratch when the comparison won under keep 'better'). */
  strategy: StrategyName;
  /** Validation ranking of the asked model, the scratch comparison (when run) and the baselines. */
  validation: RankedMethod[];
  /** Whether the scratch comparison ranked validation better; absent when it was not run. */
  negativeTransfer?: boolean;
  /** What a user must know before trusting the model, in order. */
  warnings: string[];
}

/**
 * `transfer recommend`'s use case: transfer, compare on validation with the baselines and (unless
 * asked not to) with the same model trained from scratch, keep the better model when asked to, say
 * plainly when transfer did worse or training kept its starting weights, and refit the kept model's
 * statistics on every event before the test targets (what it is saved with).
 */
export async function checkedTransfer(service: RecommendService, catalogueSize: number, split: EventsSplit, options: RecommendTransferOptions, o: CheckedTransferOptions): Promise<CheckedTransfer> {
  const train = async (strategy: StrategyName, comparison: boolean): Promise<RecommendTransferOutcome> => {
    const bar = o.progress?.(strategy, comparison);
    try {
      return await service.transfer(catalogueSize, split, { ...options, strategy, ...(bar ? { onProgress: bar.onProgress } : {}) });
    } finally {
      bar?.done();
    }
  };
  const asked = await train(options.strategy, false);
  const scratch = o.compareScratch && options.strategy !== 'scratch' ? await train('scratch', true) : undefined;
  // Validation ranking beside the baselines, all fit on the training events only.
  const validation = service.validate(catalogueSize, split, [{ name: options.strategy, recommender: asked.recommender }, ...(scratch ? [{ name: 'scratch (comparison)', recommender: scratch.recommender }] : [])]);
  const mine = validation[0]!;
  // A user who asked for transfer wants the better model; the one the data says is better is kept, and said so.
  const advice = o.keep === 'better' ? `saved the scratch model instead (--keep asked keeps ${options.strategy})` : undefined;
  // A comparison that kept its starting weights is the random initialisation: whatever edge it shows
  // comes from the counting share chosen on these same users, not from this log being far away.
  const scratchTrained = scratch !== undefined && !keptStartingWeights(scratch.training);
  const negative = scratch && scratchTrained ? scratchWarning(mine, validation[1]!, advice) : undefined;
  const keepScratch = negative !== undefined && o.keep === 'better';
  const kept = keepScratch ? scratch! : asked;
  (keepScratch ? asked : scratch)?.recommender.dispose();
  const strategy: StrategyName = keepScratch ? 'scratch' : options.strategy;
  const warnings = validationWarnings(keepScratch ? validation[1]! : mine, validation.filter((r) => r.kind === 'baseline'));
  if (negative) warnings.unshift(negative);
  if (scratch && !scratchTrained) warnings.push('the scratch comparison kept its random starting weights (no epoch improved on validation), so it cannot tell whether transfer hurt here; give it more --epochs or --max-minutes to check');
  const t = kept.training;
  if (keptStartingWeights(t)) {
    warnings.push(`${strategy} kept its starting weights: no epoch of ${t.epochsRun} improved on validation (${t.selectedBy})${strategy === 'scratch' ? '; try more --epochs or a higher --learning-rate' : '; the transferred head already ranks this data as well as this training budget could make it'}`);
  }
  kept.recommender.refit(split.beforeTest);
  return { ...kept, strategy, validation, ...(scratch ? { negativeTransfer: negative !== undefined } : {}), warnings };
}

/** Training ran but no epoch beat the starting weights, so the model is what it started as. */
function keptStartingWeights(t: RecommendTransferOutcome['training']): boolean {
  return t.epochsRun > 0 && t.bestEpoch === 0;
}
