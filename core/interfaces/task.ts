import type * as tf from '@tensorflow/tfjs';

/**
 * A task's name ('forecast', 'recommend', …). Core knows no task: each plugin declares the tasks its
 * components serve, and the Registry matches backbones and heads by this name.
 */
export type TaskKind = string;

/** The encoder's output for a batch: a flat hidden vector per sequence. */
export interface Encoding {
  hidden: tf.Tensor2D;
}
