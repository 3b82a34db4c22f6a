export type * from './backbone.js';
export type * from './head.js';
export type * from './evaluator.js';
export type * from './data-adapter.js';
export type * from './training.js';
export type * from './forecast.js';
export type * from './registry.js';
export type * from './pretrain.js';
