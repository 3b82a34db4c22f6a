import { checkNotInput } from '../flags/output.js';
import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../base-command.js';
import { queueFlag, shardSizeFlag } from '../flags/queue.js';
import { checkReachable, parseQueueUrl } from '../../core/queue/connection.js';
import { requeuedNotice } from '../../core/queue/submit.js';
import { RECOMMEND_CSV_HEADER, recommendOnQueue, recommendationRows, usersToRank, RECOMMEND_SERVICE, type RecommendService, type EventsDataset, type EventsLoadOptions, mapToCatalogue } from '../../plugins/recommendation/index.js';
import { eventsColumnFlags, eventsLoadOptions } from '../flags/events-data.js';
import type { DataAdapter } from '../../core/interfaces/index.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { UsageError } from '../../core/errors.js';

export default class Recommend extends HeadstartCommand {
  static override summary = "Recommend the next items for each user's event sequence with a saved model";
  static override description =
    "Users need not have been seen in training: each user's events in --events are the history. Items the user already has are skipped unless --include-seen. Items outside the model's catalogue are ignored and counted (an error under --strict).";
  static override examples = [
    '<%= config.bin %> recommend --model model/ --events recent.csv --k 10 --out recs.csv',
    '<%= config.bin %> recommend --model model/ --events recent.csv --k 20 --strict --include-seen --out recs.csv --json',
  ];
  static override flags = {
    model: Flags.string({ description: 'model folder written by `transfer recommend`', required: true }),
    events: Flags.string({ description: "events of the users to recommend for (each user's events are their history)", required: true }),
    ...eventsColumnFlags,
    k: Flags.integer({ description: 'recommendations per user', default: 10 }),
    out: Flags.string({ description: 'CSV to write: user_id,rank,item_id,probability (of being the user\'s next item, under the model as it ranks)', required: true }),
    strict: Flags.boolean({ description: "reject events whose item is not in the model's catalogue instead of ignoring them" }),
    'include-seen': Flags.boolean({ description: 'also recommend items the user already has' }),
    ...queueFlag,
    ...shardSizeFlag('users', 2048),
  };

  async run() {
    const { flags } = await this.parse(Recommend);
    checkNotInput(flags);
    if (flags.k < 1) throw new UsageError(`--k ${flags.k}: must be at least 1`);
    const queue = flags.queue ? parseQueueUrl(flags.queue) : undefined;
    if (queue) await checkReachable(queue);
    await this.setup(flags.backend);
    const service = this.container.get<RecommendService>(RECOMMEND_SERVICE);
    const { recommender, meta } = await service.load(flags.model);
    const raw = await this.registry.get<DataAdapter<EventsLoadOptions, EventsDataset>>('adapter', 'events').load(flags.events, eventsLoadOptions(flags, meta.data));
    const { dataset, unknownEvents, unknownItems } = mapToCatalogue(raw, meta.catalogue.items, { model: flags.model, strict: flags.strict });
    this.notices(dataset.notices);
    const users = usersToRank(dataset);
    const skipped = dataset.users.length - users.length;
    const notices = [...dataset.notices];
    if (skipped > 0) {
      notices.push(`${skipped} user(s) with no event of a catalogue item got no recommendations`);
      this.notices([notices[notices.length - 1]]);
    }
    const t0 = performance.now();
    let count = users.length;
    let backend = this.backend.active;
    if (queue) {
      // The workers load the model and the events again, by path, after checking their sha256.
      const bar = this.progress('recommend');
      const result = await recommendOnQueue(queue, {
        model: flags.model, events: flags.events, load: eventsLoadOptions(flags, meta.data), strict: Boolean(flags.strict), k: flags.k, includeSeen: Boolean(flags['include-seen']),
        users: users.length, shardSize: flags['shard-size'], onProgress: (done, total) => bar.update(done, total, `${done}/${total} shards`),
        onRequeued: (n) => this.notices([requeuedNotice(n)]),
      }).finally(() => bar.done());
      await writeFileAtomic(flags.out, result.csv);
      backend = result.backends.join(',');
    } else {
      const recs = recommender.recommend(users, flags.k, { includeSeen: flags['include-seen'] });
      count = recs.length;
      await writeFileAtomic(flags.out, [RECOMMEND_CSV_HEADER, ...recommendationRows(recs, meta.catalogue.items)].join('\n') + '\n');
    }
    const seconds = (performance.now() - t0) / 1000;
    this.say(`${count} users × top ${flags.k} in ${seconds.toFixed(2)}s (backend ${backend}${queue ? `, on ${queue.label}` : ''}) -> ${flags.out}`);
    return { out: flags.out, users: count, k: flags.k, skippedUsers: skipped, notices, unknownEvents, unknownItems, seconds, backend, ...(queue ? { queue: queue.label } : {}) };
  }
}
