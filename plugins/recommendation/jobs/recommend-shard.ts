import { inject, injectable, LazyServiceIdentifier } from 'inversify';
import type { DataAdapter, JobKind } from '../../../core/interfaces/index.js';
import type { EventsDataset, UserSequence } from '../contracts.js';
import { TOKENS } from '../../../core/tokens.js';
import type { Registry } from '../../../core/registry.js';
import { DataError } from '../../../core/errors.js';
import { currentBackend } from '../../../core/backend.js';
import { csvCell } from '../../../core/io/csv-cell.js';
import { PayloadReader } from '../../../core/queue/payload.js';
import { fileRef, modelFolderRef, verifyFileRef, verifyModelFolderRef, type FileRef } from '../../../core/queue/file-ref.js';
import { LastLoaded } from '../../../core/queue/last-loaded.js';
import { alignedPieces, yieldToEventLoop } from '../../../core/queue/pieces.js';
import { runJobs, type JobSpec } from '../../../core/queue/submit.js';
import type { QueueConnection } from '../../../core/queue/connection.js';
import { RECOMMEND_SERVICE } from '../tokens.js';
import type { Recommendation, Recommender, RecommendService } from '../services/recommend-service.js';
import type { RecommenderMeta } from '../services/recommender-folder.js';
import type { EventsLoadOptions } from '../data/events-loader.js';
import { mapToCatalogue } from '../data/catalogue.js';

/** The recommendations CSV `headstart recommend` writes: user_id,rank,item_id,probability (of being the user's next item). */
export const RECOMMEND_CSV_HEADER = 'user_id,rank,item_id,probability';

/** The rows of `recs` under the model's item ids; shared by the local run and the shards, so both write the same bytes. */
export function recommendationRows(recs: Recommendation[], items: readonly string[]): string[] {
  const lines: string[] = [];
  for (const r of recs) r.items.forEach((item, i) => lines.push(`${csvCell(r.user)},${i + 1},${csvCell(items[item]!)},${r.probabilities[i]!.toPrecision(4)}`));
  return lines;
}

/** The users `recommend` ranks for: those with at least one event of a catalogue item, in the file's order. */
export function usersToRank(dataset: EventsDataset): UserSequence[] {
  return dataset.users.filter((u) => u.items.length > 0);
}

/** What `headstart recommend --queue` puts in one job: the inputs by reference and a range of the users to rank. */
export interface RecommendShardPayload {
  model: FileRef;
  events: FileRef;
  load: EventsLoadOptions;
  strict: boolean;
  k: number;
  includeSeen: boolean;
  /** Index of the shard's first user among usersToRank, and how many users it holds. */
  first: number;
  count: number;
}

export interface RecommendShardResult {
  rows: string;
  backend: string;
}

/** RecommendService.recommend scores users in batches of this many (its default); see alignedPieces. */
const RECOMMEND_BATCH = 256;

/** One shard of `headstart recommend --queue`: top-k rows for a range of the file's users. */
@injectable()
export class RecommendShardJob implements JobKind<RecommendShardPayload, RecommendShardResult> {
  static readonly id = 'recommend-shard';
  readonly id = RecommendShardJob.id;
  readonly description = 'top-k recommendation CSV rows for a range of the users of an events file, with a saved model (headstart recommend --queue)';
  private readonly models = new LastLoaded<{ recommender: Recommender; meta: RecommenderMeta }>();
  private readonly users = new LastLoaded<UserSequence[]>();

  constructor(
    // Lazy: module.ts, which defines the token, imports this file to register it.
    @inject(new LazyServiceIdentifier(() => RECOMMEND_SERVICE)) private readonly service: RecommendService,
    @inject(TOKENS.Registry) private readonly registry: Registry,
  ) {}

  parse(payload: unknown): RecommendShardPayload {
    const p = new PayloadReader(this.id, payload);
    return {
      model: p.fileRef('model'),
      events: p.fileRef('events'),
      // Plain loader options: the loader itself rejects values it does not know, as it does for flags.
      load: p.object('load') as EventsLoadOptions,
      strict: p.boolean('strict'),
      k: p.int('k', 1),
      includeSeen: p.boolean('includeSeen'),
      first: p.int('first', 0),
      count: p.int('count', 1),
    };
  }

  async run(p: RecommendShardPayload): Promise<RecommendShardResult> {
    const modelKey = `${p.model.path}:${p.model.sha256}`;
    const { recommender, meta } = await this.models.get(modelKey, async () => this.service.load(await verifyModelFolderRef(p.model)), (old) => old.recommender.model.dispose());
    await verifyFileRef(p.events, 'events file');
    const adapter = this.registry.get<DataAdapter<EventsLoadOptions, EventsDataset>>('adapter', 'events');
    const users = await this.users.get(`${modelKey}:${p.events.sha256}:${JSON.stringify(p.load)}:${p.strict}`, async () => {
      const raw = await adapter.load(p.events.path, p.load);
      return usersToRank(mapToCatalogue(raw, meta.catalogue.items, { model: p.model.path, strict: p.strict }).dataset);
    });
    if (p.first + p.count > users.length) {
      throw new DataError(`${p.events.path}: the job asks for users ${p.first + 1}–${p.first + p.count}, but the file has ${users.length} to rank; was it read with other options than the submitting command's?`, 'shard-out-of-range');
    }
    const rows: string[] = [];
    for (const [start, stop] of alignedPieces(p.first, p.count, RECOMMEND_BATCH)) {
      rows.push(...recommendationRows(recommender.recommend(users.slice(start, stop), p.k, { includeSeen: p.includeSeen }), meta.catalogue.items));
      await yieldToEventLoop();
    }
    return { rows: rows.join('\n'), backend: currentBackend()?.active ?? 'unknown' };
  }
}

export interface QueuedRecommendOptions extends Omit<RecommendShardPayload, 'model' | 'events' | 'first' | 'count'> {
  model: string;
  events: string;
  /** How many users the submitting command found to rank (usersToRank). */
  users: number;
  shardSize: number;
  onProgress?(done: number, total: number): void;
  /** Told when jobs Redis lost were queued again (see runJobs). */
  onRequeued?(jobs: number): void;
}

/** `headstart recommend --queue`: one job per range of users, rows joined in the file's order into the local run's CSV. */
export async function recommendOnQueue(queue: QueueConnection, o: QueuedRecommendOptions): Promise<{ csv: string; shards: number; backends: string[] }> {
  const [model, events] = await Promise.all([modelFolderRef(o.model), fileRef(o.events)]);
  const jobs: JobSpec[] = [];
  for (let first = 0; first < o.users; first += o.shardSize) {
    const payload: RecommendShardPayload = { model, events, load: o.load, strict: o.strict, k: o.k, includeSeen: o.includeSeen, first, count: Math.min(o.shardSize, o.users - first) };
    jobs.push({ kind: RecommendShardJob.id, payload });
  }
  const parts = await runJobs<RecommendShardResult>(queue, jobs, { onProgress: o.onProgress, onRequeued: o.onRequeued });
  const lines = [RECOMMEND_CSV_HEADER, ...parts.map((p) => p.rows).filter((r) => r.length > 0)];
  return { csv: lines.join('\n') + '\n', shards: parts.length, backends: [...new Set(parts.map((p) => p.backend))].sort() };
}
