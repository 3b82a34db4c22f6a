import type { TrainOptions } from '../interfaces/index.js';

/** The training settings a use case accepts; any left out take the use case's defaults. */
export type TrainSettings = Partial<Omit<TrainOptions, 'seed' | 'onCheckpoint'>>;

/** Fills a use case's training settings from its defaults; the learning rate falls back to `learningRate` (usually the strategy's). */
export function resolveTrainOptions(
  o: TrainSettings,
  seed: number,
  defaults: Pick<TrainOptions, 'epochs' | 'batchSize' | 'patience' | 'maxStepsPerEpoch'>,
  learningRate: number,
): TrainOptions {
  return {
    seed,
    epochs: o.epochs ?? defaults.epochs,
    batchSize: o.batchSize ?? defaults.batchSize,
    learningRate: o.learningRate ?? learningRate,
    patience: o.patience ?? defaults.patience,
    maxStepsPerEpoch: o.maxStepsPerEpoch ?? defaults.maxStepsPerEpoch,
    selectBy: o.selectBy,
    maxSeconds: o.maxSeconds,
    onProgress: o.onProgress,
  };
}
