import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../../base-command.js';
import { eventsColumnFlags, eventsLoadOptions } from '../../flags/events-data.js';
import { RECOMMEND_SERVICE, type RecommendService, type EventsDataset, type EventsLoadOptions, ASSESS_DEFAULTS, assessRecommend } from '../../../plugins/recommendation/index.js';
import type { Backbone, DataAdapter, StrategyName } from '../../../core/interfaces/index.js';
import { STRATEGY_NAMES } from '../../../core/training/strategies.js';
import { renderTable } from '../../../core/report/table.js';
import { UsageError } from '../../../core/errors.js';

export default class AssessRecommend extends HeadstartCommand {
  static override summary = 'Estimate, on a sample of your events, which backbone and strategy will pay, and whether any beats training from scratch and the baselines';
  static override description =
    'Trains every backbone × strategy with a small budget on a seeded sample of users (each combined with counting, as `transfer recommend` does by default) and ranks the sample\'s validation cases beside the baselines. About a minute on a CPU with the defaults. Transfer between distant domains can hurt: this says so before a long run.';
  static override examples = ['<%= config.bin %> assess recommend --events clicks.csv', '<%= config.bin %> assess recommend --events log.inter --strategies zero-shot,scratch --sample-users 1000 --json'];
  static override flags = {
    events: Flags.string({ description: 'events file: CSV, Arrow (.arrow, .feather) or Parquet (.parquet) with user_id,item_id[,timestamp|position][,event_type], or a RecBole .inter file', required: true }),
    ...eventsColumnFlags,
    backbones: Flags.string({ description: 'comma-separated recommend backbones (default: every one with pretrained weights)' }),
    strategies: Flags.string({ description: 'comma-separated strategies', default: 'zero-shot,probe,fine-tune,scratch' }),
    'sample-users': Flags.integer({ description: 'users sampled from the log (seeded)', default: ASSESS_DEFAULTS.sampleUsers }),
    'validation-users': Flags.integer({ description: 'validation cases ranked per method', default: ASSESS_DEFAULTS.validationUsers }),
    epochs: Flags.integer({ default: ASSESS_DEFAULTS.epochs }),
    'steps-per-epoch': Flags.integer({ default: ASSESS_DEFAULTS.stepsPerEpoch }),
    seed: Flags.integer({ default: ASSESS_DEFAULTS.seed }),
  };

  async run() {
    const { flags } = await this.parse(AssessRecommend);
    for (const name of ['sample-users', 'validation-users', 'epochs', 'steps-per-epoch'] as const) {
      if (!(flags[name] >= 1)) throw new UsageError(`--${name} ${flags[name]}: must be a whole number >= 1`);
    }
    const strategies = flags.strategies.split(',').map((s) => s.trim()) as StrategyName[];
    const bad = strategies.find((s) => !STRATEGY_NAMES.includes(s));
    if (bad) throw new UsageError(`--strategies: unknown strategy "${bad}"; choose from ${STRATEGY_NAMES.join(', ')}`);
    await this.setup(flags.backend);
    const service = this.container.get<RecommendService>(RECOMMEND_SERVICE);
    const available = this.registry.all<Backbone<unknown>>('backbone').map((r) => r.component.describe()).filter((b) => b.task === 'recommend');
    const backbones = flags.backbones ? flags.backbones.split(',').map((s) => s.trim()) : available.filter((b) => b.hasWeights).map((b) => b.id);
    if (backbones.length === 0) throw new UsageError('no recommend backbone has pretrained weights; pass --backbones', 'no-weights');
    for (const b of backbones) service.backbone(b);
    const dataset = await this.registry.get<DataAdapter<EventsLoadOptions, EventsDataset>>('adapter', 'events').load(flags.events, eventsLoadOptions(flags));
    const total = backbones.length * strategies.length;
    const bar = this.progress('assess');
    let done = 0;
    const a = await assessRecommend(service, dataset, {
      backbones,
      strategies,
      sampleUsers: flags['sample-users'],
      validationUsers: flags['validation-users'],
      epochs: flags.epochs,
      stepsPerEpoch: flags['steps-per-epoch'],
      batchSize: ASSESS_DEFAULTS.batchSize,
      seed: flags.seed,
      onStart: (label) => bar.update(done++, total, label),
    });
    bar.done();
    const d = a.descriptors;
    this.say(`sample: ${d.users} users, ${d.items} items, ${d.events} events; ${d.meanLength.toFixed(1)} events per user, ${(100 * d.repeatShare).toFixed(1)}% repeats, density ${d.density.toExponential(2)}, ${(100 * d.top1PercentShare).toFixed(1)}% of events on the top 1% of items`);
    this.say(renderTable(['method', 'kind', 'NDCG@10', 'HR@10', 'model share', 'train s'], a.rows.map((r) => [r.name, r.kind, r.ndcg10.toFixed(4), r.hr10.toFixed(4), r.modelWeight === undefined ? '-' : r.modelWeight.toFixed(2), r.trainSeconds.toFixed(1)])));
    this.say(a.advice);
    this.say(`(${a.seconds.toFixed(0)} s; validation NDCG@10 on the sample's second-last events, a small budget: an estimate, not the final figures)`);
    return { backend: this.backend.active, descriptors: d, rows: a.rows, verdict: a.verdict, advice: a.advice, seconds: a.seconds, notices: dataset.notices };
  }
}
