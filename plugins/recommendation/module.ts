import { definePlugin } from '../../core/plugin.js';
import { RankingEvaluator } from './evaluation/ranking-evaluator.js';
import { SASREC_SPEC } from './backbones/sasrec.js';
import { NEXTITNET_SPEC } from './backbones/nextitnet.js';
import { registerEventEncoder } from './backbones/define-event-encoder.js';
import { NextItemHead } from './heads/next-item-head.js';
import { UserClassHead } from './heads/user-class-head.js';
import { MostPopularBaseline } from './baselines/most-popular.js';
import { MarkovBaseline } from './baselines/markov.js';
import { CooccurrenceBaseline } from './baselines/cooccurrence.js';
import { EventsAdapter } from './data/adapter.js';
import { RecommendService } from './services/recommend-service.js';
import { UserLevelService } from './services/user-level-service.js';
import { RecommendShardJob } from './jobs/recommend-shard.js';
import { RECOMMEND_SERVICE, USER_LEVEL_SERVICE } from './tokens.js';

export { RECOMMEND_SERVICE, USER_LEVEL_SERVICE };

/** The built-in recommendation plugin, registered through the same API a third-party plugin uses. */
export const recommendationPlugin = definePlugin('recommendation', (r) => {
  registerEventEncoder(r, SASREC_SPEC);
  registerEventEncoder(r, NEXTITNET_SPEC);
  r.head(NextItemHead);
  r.head(UserClassHead);
  r.evaluator(RankingEvaluator);
  r.baseline(MostPopularBaseline);
  r.baseline(MarkovBaseline);
  r.baseline(CooccurrenceBaseline);
  r.adapter(EventsAdapter);
  r.service(RECOMMEND_SERVICE, RecommendService);
  r.service(USER_LEVEL_SERVICE, UserLevelService);
  r.job(RecommendShardJob.id, RecommendShardJob);
});
