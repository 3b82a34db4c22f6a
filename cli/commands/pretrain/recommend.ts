import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../../base-command.js';
import type { Pretrainer, PretrainSummary } from '../../../core/interfaces/index.js';
import type { RecommendPretrainOptions } from '../../../plugins/recommendation/pretraining/pretrain-sasrec.js';

export default class PretrainRecommend extends HeadstartCommand {
  static override summary = 'Pretrain a behaviour-sequence backbone with a next-item head on a source events log';
  static override description = 'Writes tfjs weights and a manifest (corpus, command, seed, steps, wall time, parameters, version, config, sha256) to --out, with a loadable checkpoint every --checkpoint-every steps.';
  static override examples = [
    '<%= config.bin %> pretrain recommend --events ../shared/data/recsys/amazon_sports.csv --out weights/',
    '<%= config.bin %> pretrain recommend --events clicks.csv --steps 200 --max-minutes 5 --out /tmp/w --json',
  ];
  static override flags = {
    backbone: Flags.string({ description: 'backbone id to pretrain', default: 'sasrec-s' }),
    events: Flags.string({ description: 'source events file: CSV user_id,item_id[,timestamp][,position] or a RecBole .inter file', required: true }),
    'user-column': Flags.string({ description: 'user id column (default: user_id)' }),
    'item-column': Flags.string({ description: 'item id column (default: item_id)' }),
    'timestamp-column': Flags.string({ description: 'timestamp column (default: timestamp when present)' }),
    'position-column': Flags.string({ description: 'integer order column within a user (default: position when present)' }),
    loss: Flags.string({ description: 'next-item loss: full softmax, or sampled softmax with logQ correction', options: ['full', 'sampled'], default: 'full' }),
    negatives: Flags.integer({ description: 'negatives per batch under --loss sampled', default: 256 }),
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
    const { flags } = await this.parse(PretrainRecommend);
    await this.setup(flags.backend);
    const pretrainer = this.registry.get<Pretrainer<RecommendPretrainOptions>>('pretrainer', flags.backbone);
    const bar = this.progress(`pretrain ${flags.backbone}`);
    const summary = await pretrainer.run({
      events: flags.events,
      load: { userColumn: flags['user-column'], itemColumn: flags['item-column'], timestampColumn: flags['timestamp-column'], positionColumn: flags['position-column'] },
      head: { loss: flags.loss as 'full' | 'sampled', negatives: flags.negatives },
      steps: flags.steps,
      batchSize: flags['batch-size'],
      learningRate: Number(flags['learning-rate']),
      seed: flags.seed,
      maxMinutes: flags['max-minutes'] ? Number(flags['max-minutes']) : undefined,
      checkpointEvery: flags['checkpoint-every'],
      stopAfter: flags['stop-after'],
      out: flags.out,
      command: ['headstart', 'pretrain', 'recommend', ...this.argv].join(' '),
      onProgress: (p) => bar.update(p.step, p.steps, `loss ${p.loss.toFixed(3)}`),
    });
    bar.done();
    this.say(`pretrained ${flags.backbone}: ${summary.steps} steps in ${summary.wallSeconds}s, ${summary.parameters} parameters, held-out loss ${summary.finalLoss.heldOut?.toFixed(4)} (backend ${this.backend.active}) -> ${summary.out}`);
    return summary;
  }
}
