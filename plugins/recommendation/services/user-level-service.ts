import * as tf from '@tensorflow/tfjs';
import { inject, injectable } from 'inversify';
import type { Backbone, Head, HeadConfig, MethodResult, StrategyName, TrainProgress, TrainResult } from '../../../core/interfaces/index.js';
import type { RecommendInput } from '../contracts.js';
import { TOKENS } from '../../../core/tokens.js';
import type { Registry } from '../../../core/registry.js';
import type { Trainer } from '../../../core/training/trainer.js';
import { strategyOf } from '../../../core/training/strategies.js';
import { TaskModel } from '../../../core/task/task-model.js';
import { composeTaskModel } from '../../../core/task/compose.js';
import { UsageError } from '../../../core/errors.js';
import { fitFeaturizer, scoringFeaturizer, type EventFeaturizer } from '../data/features.js';
import { classificationMetrics, type ClassificationMetrics } from '../evaluation/classification-metrics.js';
import { logisticBaseline, majorityProbabilities } from '../baselines/user-level.js';
import { UserExamples, type LabelledHistory, type UserLevelSplit } from '../data/user-examples.js';
import { NEXT_ITEM_DEFAULTS } from '../heads/next-item-head.js';
import { USER_CLASS_DEFAULTS, type UserClassOptions } from '../heads/user-class-head.js';
import { resolveTrainOptions } from '../../../core/training/train-options.js';

export interface UserLevelTransferOptions {
  /** probe, fine-tune or scratch (zero-shot has no pretrained classifier to use). */
  strategy: StrategyName;
  /** Backbone id; default 'sasrec-s'. */
  backbone?: string;
  /** Head id; default 'user-class'. */
  head?: string;
  headOptions?: Partial<UserClassOptions>;
  seed?: number;
  epochs?: number;
  batchSize?: number;
  /** Head learning rate; default 1e-3 for every strategy (the head is always new; the backbone gets the strategy's share of it). */
  learningRate?: number;
  patience?: number;
  maxStepsPerEpoch?: number;
  onProgress?: (p: TrainProgress) => void;
}

/** A trained user-level classifier with what it needs to read new users' histories. */
export interface UserClassifier {
  model: TaskModel<RecommendInput>;
  strategy: StrategyName;
  classes: string[];
  catalogueSize: number;
  contextLength: number;
  headConfig: HeadConfig;
  /** Features with the training users' statistics (what the model was trained on). */
  featurizer: EventFeaturizer;
  /** The training users' histories the statistics were fit on; scored users' own events join them (see predict). */
  statsSequences: number[][];
  /** Successors per item kept in the statistics (as in pretraining). */
  successors: number;
}

export interface UserLevelTransferOutcome {
  classifier: UserClassifier;
  training: TrainResult;
}

/** One row of an evaluation: a transferred model or a baseline, on the same test users. */
export interface UserLevelMethod extends Omit<MethodResult, 'report'> {
  /** Classification metrics (a fixed set, not an evaluator's report). */
  metrics: ClassificationMetrics;
}

export type UserLevelBaseline = 'majority' | 'logistic';

export const USER_LEVEL_DEFAULTS = { backbone: 'sasrec-s', head: 'user-class', seed: 42, epochs: 20, batchSize: 128, learningRate: 1e-3, patience: 3, maxStepsPerEpoch: 200 };

/**
 * User-level use cases: a new classifier head (whether a user returns, a user
 * attribute) on the recommendation backbone, trained with the same Trainer, TaskModel and
 * strategies as next-item transfer, and evaluated beside a majority-class and a logistic-regression
 * baseline.
 *
 * Feature statistics (popularity, transitions) are fit on the events the model reads, never on
 * labels: training uses the training users' events only. Every user's own events are in the
 * statistics their features see — a training user's through the training statistics, a scored
 * user's because predict adds the scored users' events to the training users' (as a deployed log
 * would hold them, and as next-item evaluation refits on `beforeTest`). Without that, a training
 * user's items always look seen (count ≥ 1) and a new user's often unseen, a train/test skew that
 * made even the logistic baseline worse than the majority class on Beauty.
 */
@injectable()
export class UserLevelService {
  constructor(
    @inject(TOKENS.Registry) private readonly registry: Registry,
    @inject(TOKENS.Trainer) private readonly trainer: Trainer,
  ) {}

  backbone(id: string): Backbone<RecommendInput> {
    return this.registry.backboneFor<RecommendInput>('recommend', id);
  }

  /** Puts a new classifier head on a backbone and trains it on the split's training users (validation users pick the epoch). */
  async transfer(split: UserLevelSplit, o: UserLevelTransferOptions): Promise<UserLevelTransferOutcome> {
    const strategy = strategyOf(o.strategy);
    const headId = o.head ?? USER_LEVEL_DEFAULTS.head;
    if (!strategy.trainHead) {
      throw new UsageError(`strategy ${strategy.name} is not meaningful for the ${headId} head: it is a new classifier with no pretrained counterpart, so it has to be trained; use probe, fine-tune or scratch`, 'zero-shot-unsupported');
    }
    if (split.train.length === 0 || split.validation.length === 0) throw new UsageError(`${split.train.length} training and ${split.validation.length} validation users; both are needed (use more labelled users)`, 'too-short');
    if (split.classes.length < 2 || new Set(split.train.map((r) => r.label)).size < 2) {
      throw new UsageError(`the training users have a single class (${split.classes[split.train[0]!.label] ?? split.classes[0]}); a classifier needs at least two`, 'single-class');
    }
    const backbone = this.backbone(o.backbone ?? USER_LEVEL_DEFAULTS.backbone);
    const info = backbone.describe();
    const seed = o.seed ?? USER_LEVEL_DEFAULTS.seed;
    // The features' successor lists are as long as in pretraining, so transition ranks mean the same.
    const pretrainedSuccessors = strategy.backboneInit === 'pretrained' ? info.pretrainedHeadOptions?.successors : undefined;
    const successors = Number(pretrainedSuccessors ?? NEXT_ITEM_DEFAULTS.successors);
    const statsSequences = split.train.map((r) => r.items);
    const featurizer = fitFeaturizer(statsSequences, split.catalogueSize, successors);
    const L = info.contextLength;
    const trainSet = UserExamples.fromHistories(split.train, featurizer, { contextLength: L });
    const valSet = UserExamples.fromHistories(split.validation, scoringFeaturizer(statsSequences, split.validation, split.catalogueSize, successors), { contextLength: L });

    const headKind = this.registry.get<Head<RecommendInput>>('head', headId);
    const headOptions: UserClassOptions = { ...USER_CLASS_DEFAULTS, ...o.headOptions };
    const headConfig: HeadConfig = { head: headKind.id, embeddingSize: info.embeddingSize, outputs: split.classes.length, options: { ...headOptions } };
    // A class head has nothing to take from the next-item head the backbone was pretrained with.
    const model = await composeTaskModel(backbone, headKind, headConfig, { ...strategy, warmStartHead: false }, seed);
    const training = await this.trainer.fit(model, strategy, trainSet, valSet, resolveTrainOptions(o, seed, USER_LEVEL_DEFAULTS, USER_LEVEL_DEFAULTS.learningRate));
    const classifier: UserClassifier = { model, strategy: strategy.name, classes: split.classes, catalogueSize: split.catalogueSize, contextLength: L, headConfig, featurizer, statsSequences, successors };
    return { classifier, training };
  }

  /**
   * Class probabilities, row-major [rows × classes], each row summing to 1. The features' statistics
   * are the training users' events plus these users' own (see the class comment).
   */
  predict(classifier: UserClassifier, rows: readonly LabelledHistory[], batchSize = 256): Float32Array {
    const C = classifier.classes.length;
    const featurizer = scoringFeaturizer(classifier.statsSequences, rows, classifier.catalogueSize, classifier.successors);
    const set = UserExamples.fromHistories(rows, featurizer, { contextLength: classifier.contextLength });
    const out = new Float32Array(rows.length * C);
    for (let start = 0; start < rows.length; start += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, rows.length - start) }, (_, i) => start + i);
      const probs = tf.tidy(() => {
        const b = set.batch(idx);
        return tf.softmax(classifier.model.predict(b.input, false));
      });
      out.set(probs.dataSync() as Float32Array, start * C);
      probs.dispose();
    }
    return out;
  }

  /**
   * Accuracy, balanced accuracy, log-loss (and AUC for two classes) on the split's test users, for
   * each classifier and each baseline: 'majority' (the training class shares as probabilities) and
   * 'logistic' (softmax regression on per-user summaries of the same event features).
   */
  evaluate(split: UserLevelSplit, classifiers: { name: string; classifier: UserClassifier }[], baselines: UserLevelBaseline[] = ['majority', 'logistic']): UserLevelMethod[] {
    const C = split.classes.length;
    const labels = Int32Array.from(split.test, (r) => r.label);
    const rows: UserLevelMethod[] = [];
    for (const { name, classifier } of classifiers) {
      if (classifier.classes.join('\u0000') !== split.classes.join('\u0000')) {
        throw new UsageError(`model "${name}" predicts classes ${classifier.classes.join(', ')}, the data has ${split.classes.join(', ')}; evaluate it on labels of its own task`, 'class-mismatch');
      }
      rows.push({ name, kind: 'transfer', metrics: classificationMetrics(this.predict(classifier, split.test), labels, C) });
    }
    for (const id of baselines) {
      const probs = id === 'majority' ? majorityProbabilities(split.train, C, split.test.length) : logisticBaseline(split);
      rows.push({ name: id, kind: 'baseline', metrics: classificationMetrics(probs, labels, C) });
    }
    return rows;
  }
}

