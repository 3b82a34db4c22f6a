import { Flags } from '@oclif/core';
import { PretrainCommand, pretrainRunFlags } from '../../pretrain-command.js';
import { eventsColumnFlags, eventsLoadOptions } from '../../flags/events-data.js';
import type { PretrainSummary } from '../../../core/interfaces/index.js';
import { type RecommendPretrainOptions, PRETRAIN_HEAD_DEFAULTS } from '../../../plugins/recommendation/index.js';

export default class PretrainRecommend extends PretrainCommand {
  static override summary = 'Pretrain a behaviour-sequence backbone with a next-item head on a source events log';
  static override description = 'Writes tfjs weights and a manifest (corpus, command, seed, steps, wall time, parameters, version, config, sha256) to --out, with a loadable checkpoint every --checkpoint-every steps.';
  static override examples = [
    '<%= config.bin %> pretrain recommend --events ../shared/data/recsys/amazon_sports.csv --out weights/',
    '<%= config.bin %> pretrain recommend --events clicks.csv --steps 200 --max-minutes 5 --out /tmp/w --json',
    '<%= config.bin %> pretrain recommend --events sports.csv --events video.csv --out weights/',
  ];
  static override flags = {
    backbone: Flags.string({ description: 'backbone id to pretrain', default: 'sasrec-s' }),
    events: Flags.string({ description: 'source events file: CSV, Arrow or Parquet with user_id,item_id[,timestamp][,position], or a RecBole .inter file; repeat it to pretrain across several domains at once (their users and items kept apart)', required: true, multiple: true }),
    ...eventsColumnFlags,
    loss: Flags.string({ description: 'next-item loss: full softmax, or sampled softmax with logQ correction', options: ['full', 'sampled'], default: 'full' }),
    negatives: Flags.integer({ description: 'negatives per batch under --loss sampled', default: 256 }),
    'id-dropout': Flags.string({ description: `share of examples scored without item embeddings, so the catalogue-independent gates carry weight (1: features only; default ${PRETRAIN_HEAD_DEFAULTS.idDropout})` }),
    mixture: Flags.boolean({ description: 'score as a mixture of evidence candidates and the whole catalogue (default with --loss full; --no-mixture: one softmax, as heads before it)', allowNo: true }),
    'counting-gate': Flags.boolean({ description: 'rank as a per-user gated mixture of the model and the counting baseline (the head learns whom counting serves)', allowNo: true }),
    init: Flags.string({ description: 'start from the weights of an earlier run of this command on the same --events files (its output folder); head weights it lacks start fresh' }),
    ...pretrainRunFlags,
  };

  async run(): Promise<PretrainSummary> {
    const { flags } = await this.parse(PretrainRecommend);
    return this.pretrain<RecommendPretrainOptions>('recommend', flags.backbone, flags, {
      events: flags.events,
      load: eventsLoadOptions(flags),
      head: { loss: flags.loss as 'full' | 'sampled', negatives: flags.negatives, ...(flags['id-dropout'] === undefined ? {} : { idDropout: Number(flags['id-dropout']) }), mixture: flags.mixture ?? (flags.loss === 'full' && PRETRAIN_HEAD_DEFAULTS.mixture), countingGate: flags['counting-gate'] ?? PRETRAIN_HEAD_DEFAULTS.countingGate },
      ...(flags.init ? { init: flags.init } : {}),
    });
  }
}
