import { quote } from 'shell-quote';
import { Flags } from '@oclif/core';
import { HeadstartCommand } from './base-command.js';
import { checkOutput, forceFlag } from './flags/output.js';
import type { Pretrainer, PretrainRunOptions, PretrainSummary } from '../core/interfaces/index.js';
import { UsageError } from '../core/errors.js';
import { pluginNameOf } from '../core/plugin.js';
import { checkReplicaBatch, runReplicas } from '../core/training/replicas.js';
import { builtinPlugins } from '../plugins/index.js';

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
  replicas: Flags.integer({ description: 'data-parallel replicas (worker threads, wasm or cpu backend): each trains on batch-size / replicas examples per step and the gradients are averaged; about one per CPU core', default: 1 }),
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
  replicas: number;
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
    const options = {
      ...(specific as T),
      ...run,
      out: flags.out,
      // Shell-quoted, so a column name with spaces re-runs exactly when the command is pasted.
      command: quote(['headstart', 'pretrain', task, ...this.argv.filter((a) => a !== '--resume')]),
    };
    const onProgress = (p: { step: number; steps: number; loss: number }) => bar.update(p.step, p.steps, `loss ${p.loss.toFixed(3)}`);
    const summary = flags.replicas === 1
      ? await pretrainer.run({ ...options, onProgress })
      : await this.replicated(backbone, flags.replicas, options, onProgress);
    bar.done();
    this.say(`pretrained ${backbone}: ${summary.steps} steps in ${summary.wallSeconds}s, ${summary.parameters} parameters, held-out loss ${summary.finalLoss.heldOut?.toFixed(4)} (backend ${this.backend.active}) -> ${summary.out}`);
    return summary;
  }

  /** The same run in `world` worker threads (core/training/replicas.ts), each with the built-in plugins' container. */
  private async replicated(backbone: string, world: number, options: PretrainRunOptions & { out: string; command: string }, onProgress: (p: { step: number; steps: number; loss: number }) => void): Promise<PretrainSummary> {
    checkReplicaBatch(options.batchSize, world);
    // The registry this command already built says who registered the pretrainer; replicas load only the built-in plugins.
    const builtIn = new Set(builtinPlugins.map(pluginNameOf));
    if (!builtIn.has(this.registry.all('pretrainer').find((r) => r.id === backbone)?.owner)) {
      throw new UsageError(`--replicas ${world}: pretrainer ${backbone} comes from an installed plugin, and replicas run only the built-in plugins' pretrainers; use --replicas 1`);
    }
    // dist/cli -> dist/plugins/index.js, the module every replica builds its container from.
    const pluginsModule = new URL('../plugins/index.js', import.meta.url).href;
    return runReplicas({ world, backend: this.backend.name, pluginsModule, backboneId: backbone, options: { ...options }, onProgress });
  }
}
