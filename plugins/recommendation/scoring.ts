import * as tf from '@tensorflow/tfjs';
import type { RankingCase, RecommendInput } from './contracts.js';
import type { TaskModel } from '../../core/task/task-model.js';
import { NextItemExamples } from './data/examples.js';
import type { EventFeaturizer } from './data/features.js';

/**
 * A batch scorer for rankCases: the model's logits over the whole catalogue for each case's history,
 * row-major [cases × catalogue]. The data is read outside tf.tidy (tidy walks a returned TypedArray
 * element by element).
 */
export function modelScorer(model: TaskModel<RecommendInput>, featurizer: EventFeaturizer, contextLength: number): (cases: RankingCase[]) => Float32Array {
  return (cases) => {
    const set = NextItemExamples.fromCases(cases, featurizer, { contextLength, holdOutTargets: false });
    const logits = tf.tidy(() => {
      const { input } = set.batch(cases.map((_, i) => i));
      return model.predict(input, false);
    });
    const out = logits.dataSync() as Float32Array;
    logits.dispose();
    return out;
  };
}
