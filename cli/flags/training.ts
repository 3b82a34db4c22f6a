import { Flags } from '@oclif/core';
import type { TrainSettings } from '../../core/training/train-options.js';
import { UsageError } from '../../core/errors.js';

/** Training flags of the transfer commands, with the use case's defaults. */
export function trainingFlags(defaults: { seed: number; epochs: number; batchSize: number; patience: number; maxStepsPerEpoch: number; maxMinutes?: number }) {
  return {
    seed: Flags.integer({ description: 'seed: the same seed and data give the same numbers', default: defaults.seed }),
    epochs: Flags.integer({ default: defaults.epochs }),
    'batch-size': Flags.integer({ default: defaults.batchSize }),
    'learning-rate': Flags.string({ description: "head learning rate (default: the strategy's: 3e-4 probe/fine-tune, 1e-3 scratch; the backbone trains at a tenth under fine-tune)" }),
    patience: Flags.integer({ description: 'epochs without validation improvement before stopping', default: defaults.patience }),
    'steps-per-epoch': Flags.integer({ description: 'optimiser steps per epoch at most', default: defaults.maxStepsPerEpoch }),
    'max-minutes': Flags.string({
      description: `training time budget${defaults.maxMinutes !== undefined ? ' of each training run' : ''}: the epoch running when it is reached ends early and is validated, then training stops (results then depend on machine speed)`,
      ...(defaults.maxMinutes !== undefined ? { default: String(defaults.maxMinutes) } : {}),
    }),
  };
}

/** Parsed training flags -> the services' settings. */
export function trainSettings(flags: { seed: number; epochs: number; 'batch-size': number; 'learning-rate'?: string; patience: number; 'steps-per-epoch': number; 'max-minutes'?: string }): TrainSettings & { seed: number } {
  const lr = flags['learning-rate'] !== undefined ? Number(flags['learning-rate']) : undefined;
  if (lr !== undefined && !(lr > 0)) throw new UsageError(`--learning-rate ${flags['learning-rate']}: must be a positive number`);
  for (const name of ['epochs', 'batch-size', 'steps-per-epoch'] as const) {
    if (!(Number.isInteger(flags[name]) && flags[name] >= 1)) throw new UsageError(`--${name} ${flags[name]}: must be a whole number >= 1`);
  }
  if (!(Number.isInteger(flags.patience) && flags.patience >= 0)) throw new UsageError(`--patience ${flags.patience}: must be a whole number >= 0`);
  const minutes = flags['max-minutes'] !== undefined ? Number(flags['max-minutes']) : undefined;
  if (minutes !== undefined && !(minutes > 0)) throw new UsageError(`--max-minutes ${flags['max-minutes']}: must be a positive number of minutes`);
  return { maxSeconds: minutes !== undefined ? minutes * 60 : undefined, seed: flags.seed, epochs: flags.epochs, batchSize: flags['batch-size'], learningRate: lr, patience: flags.patience, maxStepsPerEpoch: flags['steps-per-epoch'] };
}
