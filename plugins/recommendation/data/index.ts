export { loadEvents, eventsFromTable, parseEventTime, type EventsLoadOptions } from './events-loader.js';
export { readDelimited, parseDelimited, type DelimitedTable } from './delimited.js';
export { leaveOneOut, temporalSplit, restrictTrainingUsers, type TemporalSplitOptions } from './splits.js';
export { fitTransitions, transitionCount, itemCounts, fitCatalogueStats, popularityPercentiles, type TransitionTable } from './stats.js';
export { EventFeaturizer, EVENT_FEATURES, EVENT_FEATURE_NAMES, featuresOf, fitFeaturizer, scoringFeaturizer } from './features.js';
export { NextItemExamples, samplingProbabilities, packHistories, type NextItemExampleOptions, type FeaturizedHistory } from './examples.js';
export {
  UserExamples,
  userReturnLabels,
  loadUserLabels,
  userLabelsFromTable,
  splitUsers,
  RETURN_CLASSES,
  type LabelledHistory,
  type UserLabelSet,
  type UserLevelSplit,
  type ReturnLabelOptions,
  type UserLabelLoadOptions,
  type UserSplitOptions,
} from './user-examples.js';
export { EventsAdapter } from './adapter.js';
