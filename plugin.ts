/**
 * headstart/plugin: everything a built-in plugin uses to define, load, pretrain and save a backbone
 * or a head, so a third-party plugin is written against exactly the same API.
 *
 *   import { definePlugin, readCompatibleWeights, pretrainAndSave, packagePath } from 'headstart/plugin';
 */
export type * from './core/interfaces/index.js';
export { definePlugin, type PluginRegistrar } from './core/plugin.js';
export { TOKENS } from './core/tokens.js';
export { HeadstartError, DataError, ModelError, UsageError } from './core/errors.js';
export { TaskModel } from './core/task/task-model.js';
export { resolveTrainOptions, type TrainSettings } from './core/training/train-options.js';
export { strategyOf, STRATEGY_NAMES } from './core/training/strategies.js';
export { pretrainAndSave, saveWeightsFolder, runPretraining, type WeightsDescription } from './core/training/pretrain-loop.js';
export { replicaBatch, replicaSeed } from './core/training/replicas.js';
export { readWeightsManifest, readCompatibleWeights, shippedWeights, hasWeights, WEIGHTS_MANIFEST, type WeightsManifest } from './core/io/weights-manifest.js';
export { useWeightsFolder } from './core/io/weights-folder.js';
export { saveNetwork, loadNetwork } from './core/io/layers-io.js';
export { saveModelFolder, readModelManifest, loadModelNetworks, readModelFile, requireBackboneVersion } from './core/io/model-folder.js';
export { MetaChecks } from './core/io/meta-checks.js';
export { manifestDigest } from './core/io/manifest-digest.js';
export { packagePath, packageRoot } from './core/io/package-root.js';
export { writeFileAtomic, writeDirAtomic, checkReplaceable } from './core/io/atomic.js';
export { Rng } from './core/random.js';
export * as nn from './core/nn/index.js';
// The tfjs instance headstart runs on: a plugin's layers must come from it (a second copy has no backend).
export * as tf from '@tensorflow/tfjs';
// The built-in components, to extend or to copy from.
export { PatchMixerBackbone } from './plugins/forecasting/backbones/patch-mixer.js';
export { PERIOD_BUCKETS } from './plugins/forecasting/data/period.js';
export { LinearForecastHead } from './plugins/forecasting/heads/linear-forecast-head.js';
export { ResidualMlpForecastHead } from './plugins/forecasting/heads/residual-mlp-forecast-head.js';
export { PatchMixerPretrainer } from './plugins/forecasting/pretraining/pretrain-patch-mixer.js';
export { EventEncoderBackbone, type EventEncoderConfig, type EventEncoderSpec } from './plugins/recommendation/backbones/event-encoder.js';
export { EventEncoderPretrainer, SasrecPretrainer, NextitnetPretrainer, registerEventEncoder, eventEncoderBackbone, eventEncoderPretrainer } from './plugins/recommendation/index.js';
export { NextItemHead, UserClassHead } from './plugins/recommendation/index.js';
