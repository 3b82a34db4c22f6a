import { useWeightsFolder } from '../../../core/io/weights-folder.js';
import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../../base-command.js';
import { eventsColumnFlags, eventsLoadOptions } from '../../flags/events-data.js';
import { RECOMMEND_SERVICE, RECOMMEND_DEFAULTS, type RecommendService, type EventsDataset, type EventsSplit, type EventsLoadOptions, capValidation, leaveOneOut, restrictTrainingUsers, temporalSplit, blendSummary, checkedTransfer, RANKING_HEADER, rankingRows, rankingSummary } from '../../../plugins/recommendation/index.js';
import type { DataAdapter, StrategyName } from '../../../core/interfaces/index.js';
import { UsageError } from '../../../core/errors.js';
import { checkOutput, forceFlag, sourceOf } from '../../flags/output.js';
import { STRATEGY_NAMES } from '../../../core/training/strategies.js';
import { trainSettings, trainingFlags } from '../../flags/training.js';
import { renderTable } from '../../../core/report/table.js';

function countingShareOf(v: string): number {
  const r = Number(v);
  if (!(r >= 0 && r < 1)) throw new UsageError(`--counting-share ${v}: must be in [0, 1)`, 'bad-option');
  return r;
}

export default class TransferRecommend extends HeadstartCommand {
  static override summary = 'Put a new next-item head (new item embeddings) on a pretrained behaviour encoder and train it on your events';
  static override description =
    'Leave-one-out by default: each user\'s last event is the test target (never trained on), the second-last validates (early stopping). The catalogue-independent layers come from the pretrained backbone; item embeddings are new. Writes a model folder (networks, item ids, catalogue statistics) that `evaluate` and `recommend` reload.';
  static override examples = [
    '<%= config.bin %> transfer recommend --events clicks.csv --backbone sasrec-s --strategy fine-tune --out model/',
    '<%= config.bin %> transfer recommend --events log.inter --strategy probe --split temporal --out model/ --json',
  ];
  static override flags = {
    events: Flags.string({ description: 'events file: CSV, Arrow (.arrow, .feather) or Parquet (.parquet) with user_id,item_id[,timestamp|position][,event_type], or a RecBole .inter file', required: true }),
    ...eventsColumnFlags,
    backbone: Flags.string({ description: 'backbone id (see `headstart backbones`)', default: RECOMMEND_DEFAULTS.backbone }),
    head: Flags.string({ description: 'head id', default: RECOMMEND_DEFAULTS.head }),
    strategy: Flags.string({ description: 'zero-shot (transferred scoring, untrained item embeddings), probe (frozen backbone), fine-tune, scratch (random init)', options: STRATEGY_NAMES, default: 'fine-tune' }),
    split: Flags.string({ description: 'leave-one-out (last event test, second-last validation) or temporal (global time cut)', options: ['leave-one-out', 'temporal'], default: 'leave-one-out' }),
    loss: Flags.string({ description: 'full softmax over the catalogue, or sampled softmax with logQ correction (large catalogues)', options: ['full', 'sampled'], default: 'full' }),
    negatives: Flags.integer({ description: 'negatives per batch under --loss sampled', default: 256 }),
    'item-transfer': Flags.string({ description: "same-catalogue: these events use the backbone's pretraining catalogue (same item ids, e.g. a small log of the same shop), so items start from its item embeddings (at least half must match); never: new item embeddings", options: ['never', 'same-catalogue'], default: 'never' }),
    'select-by': Flags.string({ description: 'what keeps an epoch: validation NDCG@10 (full ranking of up to 2,000 validation cases after each epoch, of the combination with counting under --combine counting), or validation loss', options: ['ndcg', 'loss'], default: 'ndcg' }),
    'compare-scratch': Flags.boolean({ description: 'also train the same model from scratch with the same budget and warn when the pretrained start ranks validation worse (negative transfer); --no-compare-scratch skips it', default: true, allowNo: true }),
    keep: Flags.string({ description: 'better: when the scratch comparison ranks validation clearly better (negative transfer), save that model instead, with a warning; asked: save the strategy asked for', options: ['better', 'asked'], default: 'better' }),
    combine: Flags.string({ description: 'counting: combine the trained model with co-occurrence counting on the same statistics, the share chosen on validation ranking (never worse than either on validation); none: the model alone', options: ['counting', 'none'], default: 'counting' }),
    'counting-share': Flags.string({ description: 'train through a fixed mixture with counting at this share in [0, 1), so training learns where counting ranks badly (0: the model alone)', default: '0' }),
    'validation-users': Flags.integer({ description: 'validation cases (a seeded sample of users) for early stopping, the combination and the validation table', default: RECOMMEND_DEFAULTS.validationUsers }),
    'train-share': Flags.string({ description: 'train on a seeded share (0, 1] of the users (data-savings experiments); statistics and baselines see the same users' }),
    out: Flags.string({ description: 'model folder to write', required: true }),
    ...forceFlag,
    weights: Flags.string({ description: "start from this weights folder (a `headstart pretrain … --out`) instead of the backbone's shipped weights" }),
    ...trainingFlags(RECOMMEND_DEFAULTS),
  };

  async run() {
    const { flags } = await this.parse(TransferRecommend);
    checkOutput(flags);
    await this.setup(flags.backend);
    if (flags.weights) useWeightsFolder(this.registry.get<object>('backbone', flags.backbone), flags.backbone, flags.weights);
    const load = eventsLoadOptions(flags);
    const dataset = await this.registry.get<DataAdapter<EventsLoadOptions, EventsDataset>>('adapter', 'events').load(flags.events, load);
    const share = flags['train-share'] !== undefined ? Number(flags['train-share']) : undefined;
    if (share !== undefined && !(share > 0 && share <= 1)) throw new UsageError(`--train-share ${flags['train-share']}: must be in (0, 1]`);
    const whole: EventsSplit = flags.split === 'temporal' ? temporalSplit(dataset) : leaveOneOut(dataset);
    const split = capValidation(share !== undefined ? restrictTrainingUsers(whole, share, flags.seed) : whole, flags['validation-users'], flags.seed + 1);
    this.notices([...dataset.notices, ...split.notices]);
    const service = this.container.get<RecommendService>(RECOMMEND_SERVICE);
    const N = dataset.items.length;
    const options = {
      backbone: flags.backbone,
      head: flags.head,
      strategy: flags.strategy as StrategyName,
      headOptions: { loss: flags.loss as 'full' | 'sampled', negatives: flags.negatives },
      ...trainSettings(flags),
      items: dataset.items,
      itemTransfer: flags['item-transfer'] as 'never' | 'same-catalogue',
      epochSelection: flags['select-by'] as 'loss' | 'ndcg',
      combine: flags.combine as 'counting' | 'none',
      countingShare: countingShareOf(flags['counting-share']),
    };
    const { recommender, training, itemsTransferred, blendChoice, strategy, validation, negativeTransfer, warnings } = await checkedTransfer(service, N, split, options, {
      compareScratch: flags['compare-scratch'],
      keep: flags.keep as 'better' | 'asked',
      progress: (strategy, comparison) => {
        const bar = this.progress(comparison ? `${strategy} (comparison)` : strategy);
        return {
          onProgress: (p) => bar.training(p, `epoch ${p.epoch} loss ${p.trainLoss.toFixed(4)}${p.valLoss !== undefined ? ` val ${p.valLoss.toFixed(4)}` : ''}${p.valScore !== undefined ? ` val NDCG@10 ${p.valScore.toFixed(4)}` : ''}`),
          done: () => bar.done(),
        };
      },
    });
    const { history: _history, ...summary } = training;
    await service.save(recommender, flags.out, { items: dataset.items, source: sourceOf(flags.events), data: load, training: summary, split: split.kind, force: flags.force });
    this.say(`${strategy} on ${flags.backbone}: ${dataset.users.length} users, ${N} items, ${dataset.events} events (${split.kind})`);
    if (itemsTransferred > 0) this.say(`same catalogue: ${itemsTransferred} of ${N} items start from their pretrained embeddings`);
    this.say(`trained ${training.epochsRun} epochs (kept ${training.bestEpoch}, by ${training.selectedBy}) in ${training.seconds.toFixed(1)}s${training.stoppedByTime ? ' (time budget reached)' : ''}, ${training.trainableParameters.toLocaleString('en-US')} trainable parameters, backend ${this.backend.active}`);
    const combined = blendChoice ? blendSummary(blendChoice) : undefined;
    if (combined) this.say(combined.text);
    this.say('validation (full ranking):');
    this.say(renderTable(RANKING_HEADER, rankingRows(validation)));
    this.warnings(warnings);
    this.say(`model written to ${flags.out}`);
    return { out: flags.out, backend: this.backend.active, strategy, asked: flags.strategy, itemsTransferred, training: summary, ...(negativeTransfer !== undefined ? { negativeTransfer } : {}), ...(combined ? { combine: combined.json } : {}), validation: rankingSummary(validation), warnings, notices: [...dataset.notices, ...split.notices] };
  }
}
