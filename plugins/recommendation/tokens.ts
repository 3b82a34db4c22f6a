// Tokens in a file of their own, so job kinds can inject a service without importing module.ts, which imports them.
/** Token of the recommendation use cases (transfer, evaluate). */
export const RECOMMEND_SERVICE = Symbol.for('headstart.recommendation.RecommendService');

/** Token of the user-level use cases (a classifier head per user: transfer, predict, evaluate). */
export const USER_LEVEL_SERVICE = Symbol.for('headstart.recommendation.UserLevelService');
