import { definePlugin } from '../../core/plugin.js';
import { RankingEvaluator } from '../../core/evaluation/ranking-evaluator.js';
import { SasrecBackbone } from './backbones/sasrec.js';
import { NextItemHead } from './heads/next-item-head.js';
import { MostPopularBaseline } from './baselines/most-popular.js';
import { MarkovBaseline } from './baselines/markov.js';
import { EventsAdapter } from './data/adapter.js';
import { SasrecPretrainer } from './pretraining/pretrain-sasrec.js';
import { RecommendService } from './services/recommend-service.js';

/** Token of the recommendation use cases (transfer, evaluate). */
export const RECOMMEND_SERVICE = Symbol.for('headstart.recommendation.RecommendService');

/** The built-in recommendation plugin, registered through the same API a third-party plugin uses. */
export const recommendationPlugin = definePlugin('recommendation', (r) => {
  r.backbone('sasrec-s', SasrecBackbone);
  r.head('next-item', NextItemHead);
  r.evaluator('ranking-metrics', RankingEvaluator);
  r.baseline('most-popular', MostPopularBaseline);
  r.baseline('markov', MarkovBaseline);
  r.adapter('events', EventsAdapter);
  r.pretrainer('sasrec-s', SasrecPretrainer);
  r.service(RECOMMEND_SERVICE, RecommendService);
});
