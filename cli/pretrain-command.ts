import { quote } from 'shell-quote';
import { Flags } from '@oclif/core';
import { HeadstartCommand } from './base-command.js';
import { checkOutput, forceFlag } from './flags/output.js';
import type { Pretrainer, PretrainRunOptions, PretrainSummary } from '../core/interfaces/index.js';

/** Flags of the pretraining loop, shared by every `pretrain <task>` command. */
export const pretrainRunFlags = {
  steps: Flags.integer({ description: 'optimiser steps', default: 20000 }),
  'batch-size': Flags.integer({ default: 128 }),
  'learning-rate': Flags.string({ default: '0.001' }),
  seed: Flags.integer({ default: 42 }),
  'max-minutes': Flags.string({ description: 'stop after this many minutes (the manifest records the steps reached)' }),
  'checkpoint-every': Flags.integer({ default: 500 }),
  'stop-after': Flags.integer({ description: 'stop after this many steps, keeping the learning-rate schedule of --steps (re-runs a time-capped run exactly)' }),
  'ema-decay': Flags.string({ description: 'save an exponential moving average of the weights with this decay (e.g. 0.999); 0 saves the last step\'s weights', default: '0' }),
  out: Flags.string({ description: 'output folder for weights + manifest', required: true }),
  resume: Flags.boolean({ description: 'continue an interrupted run from the state its last checkpoint kept in <out>.resume/ (same flags otherwise)' }),
  ...forceFlag,
};

type RunFlags = {
  backend: string;
  steps: number;
  'batch-size': number;
  'learning-rate': string;
  seed: number;
  'max-minutes'?: string;
  'checkpoint-every': number;
  'stop-after'?: number;
  'ema-decay': string;
  out: string;
  resume?: boolean;
  force?: boolean;
};

/** What every pretrain command does around its task-specific options: resolve, run with progress, report. */
export abstract class PretrainCommand extends HeadstartCommand {
  protected async pretrain<T extends PretrainRunOptions>(task: string, backbone: string, flags: RunFlags, specific: Omit<T, keyof PretrainRunOptions>): Promise<PretrainSummary> {
    checkOutput(flags);
    await this.setup(flags.backend);
    const pretrainer = this.registry.get<Pretrainer<T>>('pretrainer', backbone);
    const bar = this.progress(`pretrain ${backbone}`);
    const run: PretrainRunOptions = {
      steps: flags.steps,
      batchSize: flags['batch-size'],
      learningRate: Number(flags['learning-rate']),
      seed: flags.seed,
      maxMinutes: flags['max-minutes'] ? Number(flags['max-minutes']) : undefined,
      checkpointEvery: flags['checkpoint-every'],
      stopAfter: flags['stop-after'],
      emaDecay: Number(flags['ema-decay']),
      resume: flags.resume,
      force: flags.force,
    };
    const summary = await pretrainer.run({
      ...(specific as T),
      ...run,
      out: flags.out,
      // Shell-quoted, so a column name with spaces re-runs exactly when the command is pasted.
      command: quote(['headstart', 'pretrain', task, ...this.argv.filter((a) => a !== '--resume')]),
      onProgress: (p) => bar.update(p.step, p.steps, `loss ${p.loss.toFixed(3)}`),
    });
    bar.done();
    this.say(`pretrained ${backbone}: ${summary.steps} steps in ${summary.wallSeconds}s, ${summary.parameters} parameters, held-out loss ${summary.finalLoss.heldOut?.toFixed(4)} (backend ${this.backend.active}) -> ${summary.out}`);
    return summary;
  }
}
