import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import { basename, join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { loadNetwork } from '../../../core/io/layers-io.js';
import { exampleEventsCsv } from './example-events.js';
import type { HeadConfig, PretrainRunOptions, PretrainSummary, Pretrainer, PretrainProgress } from '../../../core/interfaces/index.js';
import { checkPretrainRunOptions, pretrainAndSave } from '../../../core/training/pretrain-loop.js';
import { replicaBatch, replicaSeed } from '../../../core/training/replicas.js';
import { DataError, UsageError } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import type { EventEncoderSpec } from '../backbones/event-encoder.js';
import { copyScorerWeights, NextItemHead, NEXT_ITEM_DEFAULTS, SOURCE_CATALOGUE, type NextItemHeadModel, type NextItemOptions } from '../heads/next-item-head.js';
import { loadEvents, type EventsLoadOptions } from '../data/events-loader.js';
import { leaveOneOut } from '../data/splits.js';
import { mergeEventLogs } from '../data/merge.js';
import { statisticsOf } from '../data/features.js';
import { NextItemExamples, samplingProbabilities } from '../data/examples.js';
import { historyLastFor } from '../baselines/cooccurrence.js';

export interface RecommendPretrainOptions extends PretrainRunOptions {
  /** Events file(s) of the source domain(s) (CSV, Arrow, Parquet or RecBole .inter); several are pretrained on together (mergeEventLogs). */
  events: string | string[];
  /** Column mapping and ordering of the events file. */
  load?: EventsLoadOptions;
  /** Next-item head settings (defaults: PRETRAIN_HEAD_DEFAULTS). */
  head?: Partial<NextItemOptions>;
  /**
   * A full weights folder this pretraining (same backbone, same corpus) wrote: the run starts from its
   * weights; head weights it lacks (a head option it had off) keep their initial values.
   */
  init?: string;
}

/**
 * Head defaults of pretraining: the source's item embeddings never transfer to a new catalogue, so
 * half the examples are scored without them (idDropout), making the transferable gates carry weight;
 * the head scores as a mixture (see NextItemScorer), which lifted zero-shot NDCG@10 on a new catalogue.
 */
export const PRETRAIN_HEAD_DEFAULTS: NextItemOptions = { ...NEXT_ITEM_DEFAULTS, idDropout: 0.5 };

/** Validation cases scored for the held-out loss. */
const HELD_OUT_CASES = 512;

/**
 * Pretrains an event encoder (the subclass's spec: sasrec-s, nextitnet-s, …) with a next-item head on
 * a source events log: leave-one-out split (the second-last event of each user is the held-out loss,
 * the last is never read), statistics and event features from the training part, softmax
 * cross-entropy (full, or sampled + logQ). One loop for every encoder family, so their weights are
 * comparable.
 */
/**
 * Loads `dir`'s backbone and head weights into the new networks; returns what the manifest says
 * of that earlier run (steps, seed, sha256 of its head), for this run's corpus description.
 */
async function initFrom(dir: string, backboneId: string, backbone: tf.LayersModel, head: NextItemHeadModel): Promise<string> {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new UsageError(`${manifestFile}: missing; --init needs a weights folder written by \`headstart pretrain recommend\``, 'bad-usage');
  const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as { backbone?: string; steps?: number; seed?: number; files?: Record<string, string> };
  if (m.backbone !== backboneId) throw new UsageError(`${dir}: weights of ${m.backbone ?? 'an unknown backbone'}, not ${backboneId}; pass --backbone ${m.backbone ?? '<id>'} or another --init folder`, 'bad-usage');
  const [savedBackbone, savedHead] = await Promise.all([loadNetwork(dir, 'backbone', m.files), loadNetwork(dir, 'head', m.files)]);
  try {
    const source = new NextItemHead().wrap(head.config, savedHead) as NextItemHeadModel;
    if (source.scorer.items !== head.scorer.items) throw new UsageError(`${dir}: its head ranks ${source.scorer.items} items, this corpus has ${head.scorer.items}; --init needs a run on the same --events files`, 'bad-usage');
    backbone.setWeights(savedBackbone.getWeights());
    copyScorerWeights(head, source);
  } finally {
    savedBackbone.dispose();
    savedHead.dispose();
  }
  return `${basename(dir)} (${m.steps ?? '?'} steps, seed ${m.seed ?? '?'}, head.weights.bin sha256 ${(m.files?.['head.weights.bin'] ?? '?').slice(0, 12)}…)`;
}

@injectable()
export abstract class EventEncoderPretrainer implements Pretrainer<RecommendPretrainOptions> {
  readonly task = 'recommend' as const;
  /** The architecture pretrained. */
  protected abstract readonly spec: EventEncoderSpec;

  get backboneId(): string {
    return this.spec.id;
  }

  /** Two steps on a small events log (written to `workDir`: 30 users over 15 items, mostly item + 1 next) with a small head. */
  async exampleOptions(workDir: string): Promise<RecommendPretrainOptions> {
    const events = join(workDir, 'example-events.csv');
    await writeFile(events, exampleEventsCsv(30, 15, 1));
    return { events, steps: 2, batchSize: 8, learningRate: 1e-3, seed: 1, checkpointEvery: 2, head: { itemDim: 8, successors: 4 } };
  }

  async run(o: RecommendPretrainOptions & { out: string; command: string; onProgress?: (p: PretrainProgress) => void }): Promise<PretrainSummary> {
    checkPretrainRunOptions(o);
    const { spec } = this;
    const cfg = spec.config;
    const files = typeof o.events === 'string' ? [o.events] : o.events;
    if (files.length === 0) throw new UsageError('pretrain recommend needs at least one --events file', 'bad-usage');
    const logs = await Promise.all(files.map((f) => loadEvents(f, o.load)));
    const dataset = mergeEventLogs(logs);
    const split = leaveOneOut(dataset);
    const N = dataset.items.length;
    const headOptions: NextItemOptions = { ...PRETRAIN_HEAD_DEFAULTS, ...o.head };
    if (headOptions.countingShare || headOptions.countingGate) headOptions.historyLast = historyLastFor(split.train);
    if (!(headOptions.idDropout >= 0 && headOptions.idDropout <= 1)) throw new UsageError(`id dropout must be in [0, 1], got ${headOptions.idDropout}`);
    const { stats, featurizer } = statisticsOf(split.train, N, headOptions);
    const sequences = split.train.map((items, u) => ({ items, times: split.trainTimes?.[u] }));
    const trainSet = NextItemExamples.fromSequences(sequences, featurizer, {
      contextLength: cfg.contextLength,
      holdOutTargets: true,
      sampled: headOptions.loss === 'sampled' ? { negatives: headOptions.negatives, probabilities: samplingProbabilities(stats.counts), seed: replicaSeed(o.seed + 11, o) } : undefined,
    });
    if (trainSet.size === 0) throw new DataError(`${files.join(', ')}: no user has 2 training events; nothing to pretrain on`, 'too-short');
    const cases = new Rng(o.seed + 1).shuffle(split.validation.slice());
    const heldOut = NextItemExamples.fromCases(cases.slice(0, HELD_OUT_CASES), featurizer, { contextLength: cfg.contextLength, holdOutTargets: false });

    const backbone = spec.buildNetwork(cfg, o.seed);
    const headConfig: HeadConfig = { head: 'next-item', embeddingSize: cfg.width, outputs: N, options: { ...headOptions } as unknown as HeadConfig['options'] };
    const head = new NextItemHead().create(headConfig, { seed: o.seed + 7 }) as NextItemHeadModel;
    head.setStatistics(stats);
    const start = o.init ? await initFrom(o.init, this.backboneId, backbone, head) : undefined;
    const vars = [...backbone.trainableWeights, ...head.network.trainableWeights].map((w) => w.read() as tf.Variable);
    const loss = (set: NextItemExamples, indices: number[], training: boolean) => {
      const { input, target } = set.batch(indices);
      const states = backbone.apply([input.events, input.mask], { training }) as tf.Tensor3D;
      const [B, T, d] = states.shape;
      const hidden = tf.reshape(tf.slice(states, [0, T - 1, 0], [B, 1, d]), [B, d]) as tf.Tensor2D;
      return head.loss(head.predict({ hidden }, input, training), target);
    };
    const heldOutLoss = () => {
      if (heldOut.size === 0) return NaN;
      let sum = 0;
      for (let from = 0; from < heldOut.size; from += o.batchSize) {
        const idx = Array.from({ length: Math.min(o.batchSize, heldOut.size - from) }, (_, i) => from + i);
        sum += tf.tidy(() => loss(heldOut, idx, false).dataSync()[0]!) * idx.length;
      }
      return sum / heldOut.size;
    };
    // Each data-parallel replica draws its share of the batch from its own stream; the network
    // above is built from `o.seed` alone, so every replica starts from the same weights.
    const rng = new Rng(replicaSeed(o.seed + 3, o));
    const batch = replicaBatch(o);
    const trainLoss = () => loss(trainSet, Array.from({ length: batch }, () => rng.int(trainSet.size)), true);
    try {
      return await pretrainAndSave(o, { variables: vars, trainLoss, heldOutLoss }, { backbone, head: head.network }, {
        backbone: this.backboneId,
        version: spec.version,
        config: { ...cfg, head: JSON.stringify(headOptions) },
        corpus: {
          description: `${logs.map((l) => `${basename(l.source)}: ${l.users.length} users, ${l.items.length} items, ${l.events} events`).join('; ')} (leave-one-out; validation events held out, test events unread${logs.length > 1 ? '; one catalogue, each log\'s ids kept apart' : ''})${start ? `; started from ${start}` : ''}`,
          sources: files.map((f) => basename(f)),
          synthetic: 0,
        },
      }, { [SOURCE_CATALOGUE]: JSON.stringify(dataset.items) });
    } finally {
      backbone.dispose();
      head.network.dispose();
    }
  }
}
