import type * as tf from '@tensorflow/tfjs';
import type { HeadModel } from './head.js';
import type { Encoding, TaskKind } from './task.js';

export type { Encoding, TaskKind } from './task.js';

/** How a backbone's weights start: from the shipped pretraining, or random (the scratch strategy). */
export type BackboneInit = 'pretrained' | 'random';

/** What a backbone declares about itself, so callers can validate before training. */
export interface BackboneInfo {
  /** Registry id, e.g. `patch-mixer-s`. */
  id: string;
  /** Version of the architecture + weights; saved models record it. */
  version: string;
  task: TaskKind;
  description: string;
  /** Number of past steps the encoder reads; a shorter history is padded and masked. */
  contextLength: number;
  /** Task-specific facts for listings (e.g. a forecaster's longest horizon), label -> value. */
  details?: Record<string, number | string>;
  /** Width of the flat encoding handed to a head. */
  embeddingSize: number;
  /** Trainable parameters of the encoder (without any head). */
  parameters: number;
  /** Short description of the pretraining corpus, from the weights manifest. */
  corpus: string;
  /** Whether pretrained weights ship with the plugin. */
  hasWeights: boolean;
  /** Settings of the head pretrained with the weights, when recorded (a new head shares its architecture). */
  pretrainedHeadOptions?: Record<string, unknown>;
}

/** A built encoder network, ready to encode batches of `TInput`. */
export interface BackboneModel<TInput> {
  readonly info: BackboneInfo;
  /** The tfjs network; its weights are what freezing and fine-tuning act on. */
  readonly network: tf.LayersModel;
  encode(input: TInput, training: boolean): Encoding;
  /** The head the encoder was pretrained with (zero-shot); absent for random init. */
  readonly pretrainedHead?: HeadModel<TInput>;
}

/** A registered backbone: describes itself and builds models (pretrained or random). */
export interface Backbone<TInput, TInfo extends BackboneInfo = BackboneInfo> {
  readonly id: string;
  describe(): TInfo;
  build(options: { init: BackboneInit; seed: number }): Promise<BackboneModel<TInput>>;
  /** Wraps a network reloaded from a saved model folder. */
  wrap(network: tf.LayersModel): BackboneModel<TInput>;
  /**
   * A small random input of the declared shape (GluonTS-style declared inputs), used by the contract
   * tests and the throughput benchmark. The caller disposes its tensors.
   */
  exampleInput(batchSize: number, seed: number): TInput;
}
