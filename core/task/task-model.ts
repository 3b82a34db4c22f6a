import * as tf from '@tensorflow/tfjs';
import type { BackboneModel, HeadModel } from '../interfaces/index.js';

/** A task model is a backbone plus a head, composed, never subclassed. */
export class TaskModel<TInput> {
  constructor(
    readonly backbone: BackboneModel<TInput>,
    readonly head: HeadModel<TInput>,
  ) {}

  predict(input: TInput, training = false): tf.Tensor {
    return this.head.predict(this.backbone.encode(input, training), input, training);
  }

  /** Trainable parameters under a strategy: the head's, plus the backbone's when it trains. */
  trainableParameters(trainBackbone: boolean): number {
    const count = (m: tf.LayersModel) => m.trainableWeights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
    return count(this.head.network) + (trainBackbone ? count(this.backbone.network) : 0);
  }

  dispose(): void {
    this.backbone.network.dispose();
    this.head.network.dispose();
  }
}
