import { inject, injectable } from 'inversify';
import type { Backbone, EpochSelector, Evaluator, HeadConfig, MethodResult, StrategyName, TrainProgress, TrainResult } from '../../../core/interfaces/index.js';
import type { EventsSplit, RankedCase, RankingCase, RecommendBaseline, RecommendInput } from '../contracts.js';
import { Rng } from '../../../core/random.js';
import { TOKENS } from '../../../core/tokens.js';
import type { Registry } from '../../../core/registry.js';
import type { Trainer } from '../../../core/training/trainer.js';
import { strategyOf } from '../../../core/training/strategies.js';
import { TaskModel } from '../../../core/task/task-model.js';
import { composeTaskModel } from '../../../core/task/compose.js';
import { UsageError } from '../../../core/errors.js';
import { rankCases, summariseRanking } from '../evaluation/ranking-metrics.js';
import { Recommender } from '../recommender.js';
import { RANKING_EVALUATOR } from '../evaluation/ranking-evaluator.js';
import type { EventsLoadOptions } from '../data/events-loader.js';
import { loadRecommender, saveRecommender, type RecommenderMeta } from './recommender-folder.js';
import { statisticsOf, type EventFeaturizer } from '../data/features.js';
import { NextItemExamples, samplingProbabilities } from '../data/examples.js';
import { NEXT_ITEM_ARCHITECTURE, NEXT_ITEM_DEFAULTS, NextItemHeadModel, type NextItemOptions } from '../heads/next-item-head.js';
import { modelScorer } from '../scoring.js';
import { historyLastFor, type CooccurrenceScorer } from '../baselines/cooccurrence.js';
import { resolveTrainOptions } from '../../../core/training/train-options.js';
import { chooseBlend, countingScorerOf, type BlendChoice, type CountingBlend } from './counting-blend.js';

export interface RecommendTransferOptions {
  strategy: StrategyName;
  /** Backbone id; default 'sasrec-s'. */
  backbone?: string;
  /** Head id; default 'next-item'. */
  head?: string;
  headOptions?: Partial<NextItemOptions>;
  seed?: number;
  epochs?: number;
  batchSize?: number;
  /** Head learning rate; default: the strategy's. */
  learningRate?: number;
  patience?: number;
  maxStepsPerEpoch?: number;
  onProgress?: (p: TrainProgress) => void;
  /** Item ids of the target catalogue (index order); needed for `itemTransfer: 'same-catalogue'`. */
  items?: readonly string[];
  /**
   * 'never' (default): new item embeddings. 'same-catalogue': the target's items are the pretraining
   * catalogue's (a small log of the same shop), matched by id; transferred strategies start them from
   * their pretrained embeddings. Opt-in because ids alone cannot tell: anonymous integer ids of two
   * unrelated catalogues overlap.
   */
  itemTransfer?: 'never' | 'same-catalogue';
  /**
   * What chooses the epoch to keep: 'ndcg' (default), full-ranking NDCG@10 on up to SELECTION_CASES
   * validation cases (of the combination with counting, when combined): the loss can fall while the
   * ranking gets worse; 'loss', the validation cross-entropy.
   */
  epochSelection?: 'loss' | 'ndcg';
  /**
   * 'counting' (default): after training, combine the model with co-occurrence counting on its own
   * statistics, the share chosen on validation ranking (see CountingBlend); 'none': the model alone.
   */
  combine?: 'counting' | 'none';
  /**
   * Counting's share of a fixed mixture the training loss is taken through (0, the default: the model
   * alone). The model then learns where counting ranks the target badly (NextItemScorer.countingShare).
   */
  countingShare?: number;
}

/** Validation cases (a seeded subset) that the 'ndcg' epoch selection ranks after every epoch. */
export const SELECTION_CASES = 2000;

/** Share of the target's items that must be in the pretraining catalogue for same-catalogue transfer. */
export const SAME_CATALOGUE_SHARE = 0.5;

/** A trained next-item model with what it needs to score histories of its catalogue. */
export { Recommender, type Recommendation } from '../recommender.js';

export interface RecommendTransferOutcome {
  recommender: Recommender;
  training: TrainResult;
  /** Items that started from their pretrained embeddings (same-catalogue transfer); 0 for a new catalogue. */
  itemsTransferred: number;
  /** Validation NDCG@10 of each model share tried, when combined with counting. */
  blendChoice?: BlendChoice;
}

/** One row of an evaluation: a transferred model or a baseline, on the same test cases. */
export interface RankedMethod extends MethodResult {
  /** A transferred model's combination with counting, if any. */
  blend?: CountingBlend;
}

export interface RecommendEvaluateOptions {
  /** Remove each user's history items from the ranking. */
  excludeSeen?: boolean;
  batchSize?: number;
}

/**
 * CLI defaults. maxMinutes bounds each training run (the asked strategy, then the scratch comparison
 * with the same budget), so `transfer recommend` ends in about 5 minutes on a 20k-user log on a CPU.
 */
export const RECOMMEND_DEFAULTS = { backbone: 'sasrec-s', head: 'next-item', seed: 42, epochs: 4, batchSize: 128, patience: 2, maxStepsPerEpoch: 50, maxMinutes: 1.25, validationUsers: 2000, epochSelection: 'ndcg' as const };

/**
 * Recommendation use cases over the container's components: transfer (a new head on a backbone,
 * trained under a strategy on a split's training sequences) and evaluation (full ranking beside the
 * most-popular and Markov baselines, with statistics and baselines fit on the same events).
 */
@injectable()
export class RecommendService {
  constructor(
    @inject(TOKENS.Registry) private readonly registry: Registry,
    @inject(TOKENS.Trainer) private readonly trainer: Trainer,
  ) {}

  backbone(id: string): Backbone<RecommendInput> {
    return this.registry.backboneFor<RecommendInput>('recommend', id);
  }

  /**
   * Puts a new head for the split's catalogue on a backbone and trains it (validation cases select
   * the epoch); statistics and features come from the training sequences only. Transferred strategies
   * warm-start the head's catalogue-independent part from the pretraining head.
   */
  async transfer(catalogueSize: number, split: EventsSplit, o: RecommendTransferOptions): Promise<RecommendTransferOutcome> {
    const strategy = strategyOf(o.strategy);
    const backbone = this.backbone(o.backbone ?? RECOMMEND_DEFAULTS.backbone);
    const info = backbone.describe();
    const seed = o.seed ?? RECOMMEND_DEFAULTS.seed;
    // The pretrained head's architecture, for every strategy: scratch is the same model, randomly initialised.
    const pretrained = Object.fromEntries(NEXT_ITEM_ARCHITECTURE.filter((k) => info.pretrainedHeadOptions?.[k] !== undefined).map((k) => [k, info.pretrainedHeadOptions![k]]));
    const headOptions: NextItemOptions = { ...NEXT_ITEM_DEFAULTS, ...pretrained, ...o.headOptions };
    if (o.countingShare) headOptions.countingShare = o.countingShare;
    // Counting inside the head ranks as the counting baseline does on this log.
    if (headOptions.countingShare || headOptions.countingGate) headOptions.historyLast = historyLastFor(split.train);
    const { fit, stats, featurizer } = statisticsOf(split.train, catalogueSize, headOptions);
    const L = info.contextLength;
    const trainSet = NextItemExamples.fromSequences(split.train.map((items, u) => ({ items, times: split.trainTimes?.[u] })), featurizer, {
      contextLength: L,
      holdOutTargets: true,
      sampled: headOptions.loss === 'sampled' ? { negatives: headOptions.negatives, probabilities: samplingProbabilities(stats.counts), seed } : undefined,
    });
    if (strategy.trainHead && trainSet.size === 0) {
      throw new UsageError(`no training examples: no user has 2 training events; use more data or --strategy zero-shot`, 'too-short');
    }
    const valSet = NextItemExamples.fromCases(split.validation, featurizer, { contextLength: L, holdOutTargets: false });

    const headKind = this.registry.headFor<RecommendInput>('recommend', o.head ?? RECOMMEND_DEFAULTS.head);
    const headConfig: HeadConfig = { head: headKind.id, embeddingSize: info.embeddingSize, outputs: catalogueSize, options: { ...headOptions } as unknown as HeadConfig['options'] };
    let itemsTransferred = 0;
    const model = await composeTaskModel(backbone, headKind, headConfig, strategy, seed, (created, backboneModel) => {
      if (!(created instanceof NextItemHeadModel)) {
        throw new UsageError(`head "${headKind.id}" does not rank items; next-item ranking needs a next-item head (see \`headstart heads --task recommend\`; user-class predicts a label per user, through the API)`, 'wrong-head');
      }
      const head = created;
      head.setStatistics(stats);
      const source = strategy.warmStartHead ? (backboneModel.pretrainedHead as NextItemHeadModel | undefined) : undefined;
      const itemMap = source && o.items && o.itemTransfer === 'same-catalogue' ? sameCatalogueMap(o.items, source.itemIds) : undefined;
      if (source && o.itemTransfer === 'same-catalogue' && !itemMap) {
        if (!source.itemIds) throw new UsageError(`same-catalogue item transfer asked for, but ${info.id}'s weights are compact (no pretraining catalogue rows: \`headstart pretrain compact\`); use the folder \`headstart pretrain recommend\` wrote (--weights) or drop --item-transfer`, 'other-catalogue');
        throw new UsageError(
          `same-catalogue item transfer asked for, but fewer than ${SAME_CATALOGUE_SHARE * 100}% of the ${catalogueSize} items are in ${info.id}'s pretraining catalogue${o.items ? '' : ' (no item ids given)'}; drop --item-transfer or pretrain on this catalogue`,
          'other-catalogue',
        );
      }
      itemsTransferred = itemMap ? head.importItems(source!, itemMap) : 0;
      return head;
    });
    const combine = (o.combine ?? 'counting') === 'counting' && split.validation.length > 0;
    const counting = combine ? countingScorerOf(fit, historyLastFor(split.train)) : undefined;
    const selection = (o.epochSelection ?? RECOMMEND_DEFAULTS.epochSelection) === 'ndcg' ? ndcgSelector(model, featurizer, L, split.validation, catalogueSize, seed, counting) : undefined;
    const selectBy = selection?.selector;
    const training = await this.trainer.fit(model, strategy, trainSet, valSet, { ...resolveTrainOptions(o, seed, RECOMMEND_DEFAULTS, strategy.learningRate), selectBy });
    const recommender = new Recommender({ model, strategy: strategy.name, catalogueSize, contextLength: L, headConfig, featurizer, fit });
    let blendChoice: BlendChoice | undefined;
    if (counting) {
      // The selector ranked every epoch's combinations already; on all validation cases, the kept epoch's choice is this one.
      blendChoice = (selection?.allCases ? selection.choices[training.bestEpoch] : undefined) ?? chooseBlend(modelScorer(model, featurizer, L), counting, split.validation);
      recommender.blend = { modelWeight: blendChoice.modelWeight, historyLast: counting.historyLast };
    }
    return { recommender, training, itemsTransferred, blendChoice };
  }

  /** Registered baselines of the recommend task. */
  recommendBaselineIds(): string[] {
    return this.registry.all<{ task?: string }>('baseline').filter((r) => r.component.task === 'recommend').map((r) => r.id);
  }

  /**
   * Full-ranking HR/NDCG/MRR@K (and coverage) on the split's test cases, in batches. Every method is
   * fit on the same events, `split.beforeTest` (training plus validation events): the models' head
   * statistics and features are refit on them, the baselines trained on them.
   */
  evaluate(catalogueSize: number, split: EventsSplit, recommenders: { name: string; recommender: Recommender }[], o: RecommendEvaluateOptions = {}, baselineIds = this.recommendBaselineIds()): RankedMethod[] {
    const ranking = { excludeSeen: o.excludeSeen, batchSize: o.batchSize ?? 256 };
    const evaluator = this.registry.get<Evaluator<RankedCase>>('evaluator', RANKING_EVALUATOR);
    const userName = (c: { user: number }) => String(c.user);
    const rows: RankedMethod[] = [];
    for (const { name, recommender } of recommenders) {
      if (recommender.catalogueSize !== catalogueSize) {
        throw new UsageError(`model "${name}" was trained on a catalogue of ${recommender.catalogueSize} items, the data has ${catalogueSize}; evaluate it on data of its own catalogue`, 'catalogue-mismatch');
      }
      recommender.refit(split.beforeTest);
      const ranked = rankCases(recommender.scorer(), split.test, catalogueSize, userName, ranking);
      rows.push({ name, kind: 'transfer', report: evaluator.evaluate(ranked), ...(recommender.blend ? { blend: { ...recommender.blend } } : {}) });
    }
    for (const id of baselineIds) {
      const scorer = this.registry.get<RecommendBaseline>('baseline', id).fit({ catalogueSize, sequences: split.beforeTest });
      const ranked = rankCases((batch) => scorer.scoreBatch(batch.map((c) => c.history)), split.test, catalogueSize, userName, ranking);
      rows.push({ name: id, kind: 'baseline', report: evaluator.evaluate(ranked) });
    }
    return rows;
  }

  /**
   * Ranks models on the split's validation cases beside the baselines, every method fit on the
   * training events only (what transfer selects and combines on).
   */
  validate(catalogueSize: number, split: EventsSplit, recommenders: { name: string; recommender: Recommender }[], baselineIds = this.recommendBaselineIds()): RankedMethod[] {
    return this.evaluate(catalogueSize, { ...split, beforeTest: split.train, test: split.validation }, recommenders, {}, baselineIds);
  }

  /** Saves a model folder: networks, catalogue item ids, the statistics it scores with, training summary. */
  async save(recommender: Recommender, dir: string, info: { items: string[]; source: string; data: EventsLoadOptions; training?: RecommenderMeta['training']; split?: RecommenderMeta['split']; force?: boolean }): Promise<void> {
    const backbone = this.backbone(recommender.model.backbone.info.id).describe();
    const { userColumn, itemColumn, timestampColumn, positionColumn, eventTypeColumn, eventTypes } = info.data;
    await saveRecommender(recommender, dir, {
      backbone: { id: backbone.id, version: backbone.version },
      catalogue: { source: info.source, items: info.items },
      data: { userColumn, itemColumn, timestampColumn, positionColumn, eventTypeColumn, eventTypes },
      training: info.training,
      ...(info.split ? { split: info.split } : {}),
    }, { force: info.force });
  }

  /** Reloads a model folder with the statistics saved in it. */
  async load(dir: string): Promise<{ recommender: Recommender; meta: RecommenderMeta }> {
    const { model, fit, meta } = await loadRecommender(this.registry, dir);
    const recommender = new Recommender({ model, strategy: meta.strategy, catalogueSize: fit.counts.length, contextLength: meta.contextLength, headConfig: meta.head, fit, ...(meta.blend ? { blend: meta.blend } : {}) });
    return { recommender, meta };
  }
}

/** Target item -> pretraining item index (or -1), when at least SAME_CATALOGUE_SHARE of the target's items are known there. */
export function sameCatalogueMap(items: readonly string[], sourceItems: readonly string[] | undefined): Int32Array | undefined {
  if (!sourceItems) return undefined;
  const index = new Map<string, number>();
  sourceItems.forEach((id, i) => index.set(id, i));
  const map = Int32Array.from(items, (id) => index.get(id) ?? -1);
  const known = map.reduce((n, k) => n + (k >= 0 ? 1 : 0), 0);
  return known >= SAME_CATALOGUE_SHARE * items.length && known > 0 ? map : undefined;
}

/**
 * Full-ranking NDCG@10 of the model on a seeded subset of the validation cases (higher is better);
 * with `counting`, of its best combination with counting (what the saved model will rank with).
 */
function ndcgSelector(model: TaskModel<RecommendInput>, featurizer: EventFeaturizer, contextLength: number, validation: readonly RankingCase[], catalogueSize: number, seed: number, counting?: CooccurrenceScorer): { selector: EpochSelector; choices: BlendChoice[]; allCases: boolean } {
  const allCases = validation.length <= SELECTION_CASES;
  const cases = allCases ? validation : new Rng(seed + 17).shuffle(validation.slice()).slice(0, SELECTION_CASES);
  // choices[k]: the combination choice of the k-th call, which the trainer makes once per epoch from epoch 0.
  const choices: BlendChoice[] = [];
  const selector: EpochSelector = {
    name: counting ? 'val NDCG@10 with counting' : 'val NDCG@10',
    score: () => {
      if (cases.length === 0) return NaN;
      if (counting) {
        const choice = chooseBlend(modelScorer(model, featurizer, contextLength), counting, cases);
        choices.push(choice);
        return Math.max(...choice.ndcgByWeight.map((c) => c.ndcg));
      }
      const ranked = rankCases(modelScorer(model, featurizer, contextLength), cases, catalogueSize, (c) => String(c.user), { ks: [10] });
      return summariseRanking(ranked, [10]).aggregate['NDCG@10']!;
    },
  };
  return { selector, choices, allCases };
}
