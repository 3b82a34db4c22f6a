import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../../base-command.js';
import type { Pretrainer, PretrainSummary } from '../../../core/interfaces/index.js';
import type { ForecastPretrainOptions } from '../../../plugins/forecasting/pretraining/pretrain-patch-mixer.js';

export default class PretrainForecast extends HeadstartCommand {
  static override summary = 'Pretrain a forecasting backbone on real corpora plus KernelSynth-style synthetic series';
  static override description = 'Writes tfjs weights and a manifest (corpus, command, seed, steps, wall time, parameters, sha256) to --out, with a loadable checkpoint every --checkpoint-every steps.';
  static override examples = [
    '<%= config.bin %> pretrain forecast --corpus M3_long.csv --corpus M1_long.csv --order-column t --time-column time --synthetic 200000 --out weights/',
    '<%= config.bin %> pretrain forecast --synthetic 10000 --steps 200 --out /tmp/w --json',
  ];
  static override flags = {
    backbone: Flags.string({ description: 'backbone id to pretrain', default: 'patch-mixer-s' }),
    corpus: Flags.string({ description: 'long CSV of real series (repeatable)', multiple: true, default: [] }),
    'id-column': Flags.string({ description: 'series id column of the corpus files', default: 'series_id' }),
    'value-column': Flags.string({ description: 'value column of the corpus files', default: 'value' }),
    'order-column': Flags.string({ description: 'column that orders rows within a series (file order if absent)' }),
    'time-column': Flags.string({ description: 'decimal-time column whose step gives each series\' seasonal period (1/12 -> 12, 1/4 -> 4, else 1)' }),
    synthetic: Flags.integer({ description: 'number of KernelSynth-style synthetic series', default: 200000 }),
    'synthetic-ratio': Flags.string({ description: 'share of each batch from synthetic series', default: '0.5' }),
    steps: Flags.integer({ description: 'optimiser steps', default: 20000 }),
    'batch-size': Flags.integer({ default: 128 }),
    'learning-rate': Flags.string({ default: '0.001' }),
    seed: Flags.integer({ default: 42 }),
    'max-minutes': Flags.string({ description: 'stop after this many minutes (the manifest records the steps reached)' }),
    'checkpoint-every': Flags.integer({ default: 500 }),
    'stop-after': Flags.integer({ description: 'stop after this many steps, keeping the learning-rate schedule of --steps (re-runs a time-capped run exactly)' }),
    out: Flags.string({ description: 'output folder for weights + manifest', required: true }),
  };

  async run(): Promise<PretrainSummary> {
    const { flags } = await this.parse(PretrainForecast);
    await this.setup(flags.backend);
    const pretrainer = this.registry.get<Pretrainer<ForecastPretrainOptions>>('pretrainer', flags.backbone);
    const bar = this.progress(`pretrain ${flags.backbone}`);
    const summary = await pretrainer.run({
      corpus: flags.corpus.map((path) => ({ path, idColumn: flags['id-column'], valueColumn: flags['value-column'], orderColumn: flags['order-column'], timeColumn: flags['time-column'] })),
      synthetic: flags.synthetic,
      syntheticRatio: Number(flags['synthetic-ratio']),
      steps: flags.steps,
      batchSize: flags['batch-size'],
      learningRate: Number(flags['learning-rate']),
      seed: flags.seed,
      maxMinutes: flags['max-minutes'] ? Number(flags['max-minutes']) : undefined,
      checkpointEvery: flags['checkpoint-every'],
      stopAfter: flags['stop-after'],
      out: flags.out,
      command: ['headstart', 'pretrain', 'forecast', ...this.argv].join(' '),
      onProgress: (p) => bar.update(p.step, p.steps, `loss ${p.loss.toFixed(3)}`),
    });
    bar.done();
    this.say(`pretrained ${flags.backbone}: ${summary.steps} steps in ${summary.wallSeconds}s, ${summary.parameters} parameters, held-out loss ${summary.finalLoss.heldOut?.toFixed(4)} (backend ${this.backend.active}) -> ${summary.out}`);
    return summary;
  }
}
