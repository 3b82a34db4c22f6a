import type * as tf from '@tensorflow/tfjs';
import type { BackboneInit } from './backbone.js';

export type StrategyName = 'zero-shot' | 'probe' | 'fine-tune' | 'scratch';

/** A strategy is data: which weights start where and which of them learn, at what rate. */
export interface Strategy {
  name: StrategyName;
  description: string;
  backboneInit: BackboneInit;
  /** Whether the backbone's weights learn. */
  trainBackbone: boolean;
  /** Whether the head learns (false only for zero-shot). */
  trainHead: boolean;
  /** Default learning rate of the head (Adam); warm-started heads want a gentler one than random ones. */
  learningRate: number;
  /** Backbone learning rate as a fraction of the head's. */
  backboneLrScale: number;
  /**
   * Learning rate of the head's fresh weights (HeadModel.freshVariables) as a multiple of the head's:
   * new parameters beside transferred ones learn at about the rate they would from scratch.
   */
  freshLrScale: number;
  /** Warm-start the new head from the backbone's pretrained head where shapes allow. */
  warmStartHead: boolean;
  /** Encode once with the frozen backbone and train the head on cached encodings (exact when frozen). */
  cacheEncodings: boolean;
}

/** A batch the trainer can feed: the task input and the target tensor. */
export interface Batch<TInput> {
  input: TInput;
  target: tf.Tensor;
  /** [batch] per-example loss weights, when the data defines them (e.g. forecasting's MASE scaling). */
  weight?: tf.Tensor1D;
}

/** A collection of examples that can be cut into batches (owning tensors are created per batch). */
export interface ExampleSet<TInput> {
  readonly size: number;
  batch(indices: number[]): Batch<TInput>;
}

/**
 * A validation metric that chooses the epoch to keep instead of the validation loss (e.g. NDCG@10 when
 * ranking is what counts and the loss can improve while the ranking gets worse). Higher is better.
 */
export interface EpochSelector {
  /** Metric name, recorded in the result (e.g. "val NDCG@10"). */
  name: string;
  /** Scores the model as it is now, on validation data. */
  score(): number;
}

export interface TrainOptions {
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without validation improvement before stopping. */
  patience: number;
  /** Cap on optimiser steps per epoch (large datasets are subsampled per epoch). */
  maxStepsPerEpoch?: number;
  /** Keep the epoch that scores best on this metric (epoch 0 included); default: the lowest validation loss. */
  selectBy?: EpochSelector;
  /**
   * Wall-clock budget of the optimiser steps: when reached, the epoch in progress ends early, is
   * validated like any other, and training stops. Results then depend on the machine's speed.
   */
  maxSeconds?: number;
  onProgress?: (p: TrainProgress) => void;
  /**
   * Called at each checkpoint (the start, then the end of every epoch, after validation) with the
   * model's weights as they are then. Its own time is left out of every `seconds`, so a benchmark
   * can score test error along training without slowing the clock it plots against.
   */
  onCheckpoint?: (c: TrainCheckpoint) => void | Promise<void>;
}

/** One point of the training curve: validation as the model stood after `seconds` of training. */
export interface TrainCheckpoint {
  /** 0 at the start (the pretrained or random weights). */
  epoch: number;
  /** Training wall time so far (validation included, checkpoint callbacks left out). */
  seconds: number;
  /** Mean training loss of the epoch (absent at the start). */
  trainLoss?: number;
  valLoss: number;
  valScore?: number;
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  trainLoss: number;
  valLoss?: number;
  /** The epoch selector's validation score, with one. */
  valScore?: number;
  /** The best epoch so far (0: the start) and the patience: training ends by epoch bestEpoch + patience unless validation improves. */
  bestEpoch: number;
  patience: number;
  /** Seconds left of the time budget (maxSeconds), when there is one. */
  secondsLeft?: number;
}

export interface TrainResult {
  strategy: StrategyName;
  epochsRun: number;
  bestEpoch: number;
  bestValLoss: number;
  /** What chose the kept epoch: "val loss" or the selector's name. */
  selectedBy: string;
  /** The selector's score of the kept epoch (with a selector). */
  bestValScore?: number;
  /** Every checkpoint, the start (epoch 0) included; valScore: the selector's score, with a selector. */
  history: TrainCheckpoint[];
  seconds: number;
  trainableParameters: number;
  /** Set when the time budget (maxSeconds) ended training. */
  stoppedByTime?: boolean;
}
