import { MetaChecks } from '../../../core/io/meta-checks.js';
import type { Backbone, Head, HeadConfig, StrategyName, TrainResult } from '../../../core/interfaces/index.js';
import type { RecommendInput } from '../contracts.js';
import type { Registry } from '../../../core/registry.js';
import { loadModelNetworks, readModelFile, readModelManifest, requireBackboneVersion, saveModelFolder } from '../../../core/io/model-folder.js';
import { ModelError } from '../../../core/errors.js';
import type { DirWriteOptions } from '../../../core/io/atomic.js';
import { TaskModel } from '../../../core/task/task-model.js';
import type { EventsLoadOptions } from '../data/events-loader.js';
import { decodeFitStatistics, encodeFitStatistics, type FitStatistics } from '../data/stats-io.js';
import type { Recommender } from '../recommender.js';
import type { CountingBlend } from './counting-blend.js';

/** What a recommendation model folder records beside its networks. */
export interface RecommenderMeta {
  backbone: { id: string; version: string };
  head: HeadConfig;
  strategy: StrategyName;
  contextLength: number;
  /** The catalogue: index -> item id as written in the training file. */
  catalogue: { source: string; items: string[] };
  /** How the training file's columns were read (reused by evaluate / recommend unless overridden). */
  data: Pick<EventsLoadOptions, 'userColumn' | 'itemColumn' | 'timestampColumn' | 'positionColumn' | 'eventTypeColumn' | 'eventTypes'>;
  training?: Omit<TrainResult, 'history'>;
  /** The model's combination with counting (absent: the model alone). */
  blend?: CountingBlend;
  /** How the events were split when the model was trained (evaluate splits the same way). */
  split?: 'leave-one-out' | 'temporal';
}

const STATISTICS = 'statistics.bin';

/** Writes networks, the catalogue statistics (aggregate counts only) and the manifest, atomically. */
export async function saveRecommender(r: Recommender, dir: string, meta: Omit<RecommenderMeta, 'head' | 'strategy' | 'contextLength' | 'blend'>, o: DirWriteOptions = {}): Promise<void> {
  if (meta.catalogue.items.length !== r.catalogueSize) {
    throw new Error(`saveRecommender: ${meta.catalogue.items.length} item ids for a catalogue of ${r.catalogueSize}`);
  }
  const full: RecommenderMeta = { ...meta, head: r.headConfig, strategy: r.strategy, contextLength: r.contextLength, ...(r.blend ? { blend: r.blend } : {}) };
  await saveModelFolder(dir, 'recommend', full, { backbone: r.model.backbone.network, head: r.model.head.network }, { [STATISTICS]: encodeFitStatistics(r.fit) }, o);
}

/** A reloaded folder's parts; RecommendService.load applies the statistics to the head. */
export interface LoadedRecommender {
  model: TaskModel<RecommendInput>;
  fit: FitStatistics;
  meta: RecommenderMeta;
}

/** Reloads a folder: format, task, backbone version, every file's sha256. */
export async function loadRecommender(registry: Registry, dir: string): Promise<LoadedRecommender> {
  const manifest = readModelManifest<RecommenderMeta>(dir, 'recommend');
  const meta = manifest.meta;
  const backbone = registry.backboneFor<RecommendInput>('recommend', meta.backbone.id);
  const info = backbone.describe();
  requireBackboneVersion(dir, meta.backbone, info.version, 'headstart transfer recommend');
  const check = new MetaChecks(`${dir}/manifest.json`);
  check.equal('meta.contextLength', meta.contextLength, info.contextLength);
  const items = check.int('meta.head.outputs', meta.head.outputs, 1, 50_000_000);
  const itemDim = check.int('meta.head.options.itemDim', meta.head.options?.itemDim ?? 64, 1, 4096);
  check.int('meta.head.options.successors', meta.head.options?.successors ?? 32, 1, 4096);
  check.int('meta.head.options.neighbours', meta.head.options?.neighbours ?? 0, 0, 4096);
  // Item embeddings in and out, and a batch of 256 users' scores over the catalogue.
  check.memory(`a catalogue of ${items} items`, 4 * items * (2 * itemDim + 256));
  if (!Array.isArray(meta.catalogue?.items) || meta.catalogue.items.length !== items) {
    throw new ModelError(`${dir}/manifest.json: the catalogue lists ${meta.catalogue?.items?.length ?? 'no'} item ids for a head of ${items} items; re-run \`headstart transfer recommend\``, 'model-corrupt');
  }
  if (meta.blend !== undefined && !(typeof meta.blend.modelWeight === 'number' && meta.blend.modelWeight >= 0 && meta.blend.modelWeight <= 1 && typeof meta.blend.historyLast === 'boolean')) {
    throw new ModelError(`${dir}/manifest.json: meta.blend must be { modelWeight in [0, 1], historyLast: true|false }; re-run \`headstart transfer recommend\``, 'model-corrupt');
  }
  const fit = decodeFitStatistics(readModelFile(dir, manifest, STATISTICS), `${dir}/${STATISTICS}`);
  if (fit.counts.length !== meta.catalogue.items.length || meta.head.outputs !== fit.counts.length) {
    throw new ModelError(`${dir}: catalogue statistics (${fit.counts.length} items) do not match the manifest (${meta.catalogue.items.length}); the folder is corrupted — re-run \`headstart transfer recommend\``, 'model-corrupt');
  }
  const nets = await loadModelNetworks(dir, manifest, ['backbone', 'head']);
  const head = registry.get<Head<RecommendInput>>('head', meta.head.head).wrap(meta.head, nets.head!);
  const model = new TaskModel((backbone as Backbone<RecommendInput>).wrap(nets.backbone!), head);
  return { model, fit, meta };
}
