// Public surface of the built-in recommendation plugin.
export { recommendationPlugin, RECOMMEND_SERVICE, USER_LEVEL_SERVICE } from './module.js';
export { EventEncoderBackbone, type EventEncoderConfig, type EventEncoderSpec } from './backbones/event-encoder.js';
export { SasrecBackbone, SasrecPretrainer, SASREC_CONFIG, SASREC_VERSION, SASREC_WEIGHTS, SASREC_SPEC } from './backbones/sasrec.js';
export { buildSasrecNetwork, type SasrecConfig } from './backbones/sasrec-network.js';
export { NextitnetBackbone, NextitnetPretrainer, NEXTITNET_CONFIG, NEXTITNET_VERSION, NEXTITNET_WEIGHTS, NEXTITNET_SPEC } from './backbones/nextitnet.js';
export { buildNextitnetNetwork, receptiveField, type NextitnetConfig } from './backbones/nextitnet-network.js';
export { NextItemHead, NextItemHeadModel, NEXT_ITEM_DEFAULTS, nextItemOptions, softmaxCrossEntropy, type NextItemOptions } from './heads/next-item-head.js';
export { UserClassHead, UserClassHeadModel, USER_CLASS_DEFAULTS, userClassOptions, type UserClassOptions } from './heads/user-class-head.js';
export { MostPopularBaseline, PopularityScorer } from './baselines/most-popular.js';
export { MarkovBaseline, MarkovScorer } from './baselines/markov.js';
export { CausalSelfAttention, type CausalSelfAttentionArgs } from './layers/causal-attention.js';
export { CausalConv, type CausalConvArgs } from './layers/causal-conv.js';
export { ItemEmbedding, type ItemEmbeddingArgs } from './layers/item-embedding.js';
export { NextItemScorer, CANDIDATE_FEATURE_NAMES, type NextItemScorerArgs } from './layers/next-item-scorer.js';
export { RecentPositional, MaskSteps, SeededDropout } from './layers/sequence.js';
export { gatherRows, scatterAdd, bmm, scoreAll } from './layers/ops.js';
export { modelScorer } from './scoring.js';
export * from './data/index.js';
export { EventEncoderPretrainer, PRETRAIN_HEAD_DEFAULTS, type RecommendPretrainOptions } from './pretraining/pretrain-next-item.js';
export { eventEncoderBackbone, eventEncoderPretrainer, registerEventEncoder, type EventEncoderBackboneClass, type EventEncoderPretrainerClass } from './backbones/define-event-encoder.js';
export { RecommendService, RECOMMEND_DEFAULTS, type RecommendTransferOptions, type RecommendTransferOutcome, type RankedMethod, type RecommendEvaluateOptions } from './services/recommend-service.js';
export {
  UserLevelService,
  USER_LEVEL_DEFAULTS,
  type UserClassifier,
  type UserLevelTransferOptions,
  type UserLevelTransferOutcome,
  type UserLevelMethod,
  type UserLevelBaseline,
} from './services/user-level-service.js';
export { majorityProbabilities, logisticBaseline, userSummary } from './baselines/user-level.js';
export { classificationMetrics, rocAuc, type ClassificationMetrics } from './evaluation/classification-metrics.js';
export type * from './contracts.js';
export { RankingEvaluator } from './evaluation/ranking-evaluator.js';
export { RANKING_KS, hitAt, ndcgAt, mrrAt, rankingMetricNames, rankCases, rankRows, summariseRanking } from './evaluation/ranking-metrics.js';
export { type EventsLoadOptions } from './data/events-loader.js';
export { ASSESS_DEFAULTS, assessRecommend } from './services/assess.js';
export { mapToCatalogue } from './data/catalogue.js';
export { leaveOneOut, temporalSplit, capValidation, restrictTrainingUsers } from './data/splits.js';
export { RANKING_HEADER, rankingRows, rankingSummary, blendSummary, scratchWarning, validationWarnings } from './services/report.js';
export { compactWeights } from './pretraining/compact-weights.js';
export { RECOMMEND_CSV_HEADER, recommendOnQueue, recommendationRows, usersToRank } from './jobs/recommend-shard.js';
export { Recommender, type Recommendation, type RecommenderParts } from './recommender.js';
export { checkedTransfer, type CheckedTransfer, type CheckedTransferOptions } from './services/checked-transfer.js';
