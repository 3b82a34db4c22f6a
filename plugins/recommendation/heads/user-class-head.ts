import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import type { Encoding, Head, HeadConfig, HeadModel } from '../../../core/interfaces/index.js';
import type { RecommendInput } from '../contracts.js';
import { Linear } from '../../../core/nn/index.js';
import { softmaxCrossEntropy } from './next-item-head.js';

/** Head settings (HeadConfig.options) and their defaults. */
export interface UserClassOptions {
  /** Width of the hidden ReLU layer; 0 makes the head a plain linear (softmax-regression) layer. */
  hidden: number;
}

export const USER_CLASS_DEFAULTS: UserClassOptions = { hidden: 32 };

export function userClassOptions(config: HeadConfig): UserClassOptions {
  return { ...USER_CLASS_DEFAULTS, ...(config.options as Partial<UserClassOptions> | undefined) };
}

/** A user-level classifier: logits [B, outputs] over the classes, read from the encoding alone. */
export class UserClassHeadModel implements HeadModel<RecommendInput> {
  constructor(
    readonly config: HeadConfig,
    readonly network: tf.LayersModel,
  ) {}

  /** Logits; the history reaches the head only through the encoding (items and mask are not read). */
  predict(encoding: Encoding, _input: RecommendInput, training: boolean): tf.Tensor {
    return this.network.apply(encoding.hidden, { training }) as tf.Tensor;
  }

  /** Class probabilities (softmax of the logits). */
  probabilities(encoding: Encoding, input: RecommendInput): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.predict(encoding, input, false)) as tf.Tensor2D);
  }

  /** A random class index per row ([batch] int32). */
  exampleTarget(batchSize: number, seed: number): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.floor(tf.randomUniform([batchSize], 0, this.config.outputs, 'float32', seed)), 'int32'));
  }

  /** Softmax cross-entropy; `target` holds each row's class index. */
  loss(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
    return softmaxCrossEntropy(prediction, target);
  }
}

function buildNetwork(config: HeadConfig, o: UserClassOptions, seed: number): tf.LayersModel {
  const encoding = tf.input({ shape: [config.embeddingSize], name: 'encoding' });
  let x: tf.SymbolicTensor = encoding;
  if (o.hidden > 0) x = new Linear({ units: o.hidden, activation: 'relu', seed, name: 'user_hidden' }).apply(x) as tf.SymbolicTensor;
  const logits = new Linear({ units: config.outputs, seed: seed + 1, name: 'user_logits' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: encoding, outputs: logits, name: 'user_class_head' });
}

/**
 * A user-level head: classifies a user (an attribute, or whether they come back)
 * from the backbone's state after their last event, to show one pretrained behaviour encoder serving
 * a task other than next-item. Dense → ReLU → dense to `outputs` classes, softmax cross-entropy.
 * It is always new: no pretraining head has its shape, so a warm start is ignored and zero-shot is
 * not available (the user-level service rejects it).
 */
@injectable()
export class UserClassHead implements Head<RecommendInput> {
  readonly id = 'user-class';
  readonly task = 'recommend' as const;
  readonly description = 'User-level classifier on the encoding after the last event (e.g. does the user return, a user attribute); dense-ReLU-dense, softmax cross-entropy';

  create(config: HeadConfig, options: { seed: number; warmStart?: HeadModel<RecommendInput> }): HeadModel<RecommendInput> {
    return new UserClassHeadModel(config, buildNetwork(config, userClassOptions(config), options.seed));
  }

  wrap(config: HeadConfig, network: tf.LayersModel): HeadModel<RecommendInput> {
    return new UserClassHeadModel(config, network);
  }
}
