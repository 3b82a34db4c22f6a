import type * as tf from '@tensorflow/tfjs';
import type { Encoding, TaskKind } from './task.js';

/** Serialisable description of a head instance; saved in a model manifest and enough to rebuild it. */
export interface HeadConfig {
  /** Registry id of the head. */
  head: string;
  embeddingSize: number;
  /** Output width (the horizon for forecasting). */
  outputs: number;
  /** Free-form, head-specific settings (a task's own config type may add typed fields, e.g. a forecaster's covariates). */
  options?: Record<string, number | string | boolean>;
}

/** A built head: maps an encoding (plus task extras) to predictions, and scores them. */
export interface HeadModel<TInput> {
  readonly config: HeadConfig;
  readonly network: tf.LayersModel;
  predict(encoding: Encoding, input: TInput, training: boolean): tf.Tensor;
  /** Mean loss of a batch; `weight` ([batch]) scales each example's term when the data gives one. */
  loss(prediction: tf.Tensor, target: tf.Tensor, weight?: tf.Tensor1D): tf.Scalar;
  /** A random target of the kind `loss` expects (values, or class ids), for contract tests and benchmarks. */
  exampleTarget(batchSize: number, seed: number): tf.Tensor;
  /**
   * Trainable weights that start untrained even in a warm-started head (a new catalogue's item
   * rows): the trainer gives them Strategy.freshLrScale times the head's learning rate.
   */
  freshVariables?(): tf.Variable[];
}

/** A registered head kind: builds heads, optionally warm-started from a pretrained head. */
export interface Head<TInput> {
  readonly id: string;
  readonly task: TaskKind;
  readonly description: string;
  create(config: HeadConfig, options: { seed: number; warmStart?: HeadModel<TInput> }): HeadModel<TInput>;
  /** Wraps a network reloaded from a saved model folder. */
  wrap(config: HeadConfig, network: tf.LayersModel): HeadModel<TInput>;
}
