import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import { basename } from 'node:path';
import type { HeadConfig, PretrainRunOptions, PretrainSummary, Pretrainer, PretrainProgress } from '../../../core/interfaces/index.js';
import { checkPretrainRunOptions, pretrainAndSave } from '../../../core/training/pretrain-loop.js';
import { DataError, UsageError } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import type { EventEncoderSpec } from '../backbones/event-encoder.js';
import { NextItemHead, NEXT_ITEM_DEFAULTS, SOURCE_CATALOGUE, type NextItemHeadModel, type NextItemOptions } from '../heads/next-item-head.js';
import { loadEvents, type EventsLoadOptions } from '../data/events-loader.js';
import { leaveOneOut, restrictTrainingUsers } from '../data/splits.js';
import { fitTransitions } from '../data/stats.js';
import { fitStatisticsOf } from '../data/stats-io.js';
import { featuresOf } from '../data/features.js';
import { NextItemExamples, samplingProbabilities } from '../data/examples.js';

export interface RecommendPretrainOptions extends PretrainRunOptions {
  /** Events file of the source domain (CSV or RecBole .inter). */
  events: string;
  /** Column mapping and ordering of the events file. */
  load?: EventsLoadOptions;
  /** Next-item head settings (defaults: PRETRAIN_HEAD_DEFAULTS). */
  head?: Partial<NextItemOptions>;
  /**
   * Share of the source's users whose training events form the statistics (default 1: all). Below 1
   * the others are scored cold, as most users of a small target log are: their histories are in no
   * statistic, and the evidence is as sparse as a small log's.
   */
  statsUsers?: number;
}

/**
 * Head defaults of pretraining: the source's item embeddings never transfer to a new catalogue, so
 * half the examples are scored without them (idDropout), making the transferable gates carry weight;
 * the head scores as a mixture (see NextItemScorer), which lifted zero-shot NDCG@10 on a new catalogue.
 */
export const PRETRAIN_HEAD_DEFAULTS: NextItemOptions = { ...NEXT_ITEM_DEFAULTS, idDropout: 0.5, mixture: true, twoHop: false };

/** Validation cases scored for the held-out loss. */
const HELD_OUT_CASES = 512;

/**
 * Pretrains an event encoder (the subclass's spec: sasrec-s, nextitnet-s, …) with a next-item head on
 * a source events log: leave-one-out split (the second-last event of each user is the held-out loss,
 * the last is never read), statistics and event features from the training part, softmax
 * cross-entropy (full, or sampled + logQ). One loop for every encoder family, so their weights are
 * comparable.
 */
@injectable()
export abstract class EventEncoderPretrainer implements Pretrainer<RecommendPretrainOptions> {
  readonly task = 'recommend' as const;
  /** The architecture pretrained. */
  protected abstract readonly spec: EventEncoderSpec;

  get backboneId(): string {
    return this.spec.id;
  }

  async run(o: RecommendPretrainOptions & { out: string; command: string; onProgress?: (p: PretrainProgress) => void }): Promise<PretrainSummary> {
    checkPretrainRunOptions(o);
    const { spec } = this;
    const cfg = spec.config;
    const dataset = await loadEvents(o.events, o.load);
    const split = leaveOneOut(dataset);
    const N = dataset.items.length;
    const headOptions: NextItemOptions = { ...PRETRAIN_HEAD_DEFAULTS, ...o.head };
    if (!(headOptions.idDropout >= 0 && headOptions.idDropout <= 1)) throw new UsageError(`id dropout must be in [0, 1], got ${headOptions.idDropout}`);
    const statsUsers = o.statsUsers ?? 1;
    if (!(statsUsers > 0 && statsUsers <= 1)) throw new UsageError(`stats users must be a share in (0, 1], got ${statsUsers}`);
    const statsSplit = statsUsers < 1 ? restrictTrainingUsers(split, statsUsers, o.seed + 5) : split;
    const fit = fitStatisticsOf(statsSplit.train, fitTransitions(statsSplit.train, N), headOptions.neighbours);
    const { stats, featurizer } = featuresOf(fit, headOptions.successors);
    const sequences = split.train.map((items, u) => ({ items, times: split.trainTimes?.[u] }));
    const inStats = (u: number) => statsSplit.train[u]!.length > 0;
    // Users in the statistics have their targets' own events removed from them (holdOutTargets); cold users have none there.
    const examplesOf = (warm: boolean, seed: number) =>
      NextItemExamples.fromSequences(
        sequences.filter((_, u) => inStats(u) === warm),
        featurizer,
        {
          contextLength: cfg.contextLength,
          holdOutTargets: warm,
          sampled: headOptions.loss === 'sampled' ? { negatives: headOptions.negatives, probabilities: samplingProbabilities(stats.counts), seed } : undefined,
        },
      );
    const trainSets = [examplesOf(true, o.seed + 11), examplesOf(false, o.seed + 13)].filter((set) => set.size > 0);
    const totalExamples = trainSets.reduce((n, set) => n + set.size, 0);
    if (totalExamples === 0) throw new DataError(`${o.events}: no user has 2 training events; nothing to pretrain on`, 'too-short');
    const cases = new Rng(o.seed + 1).shuffle(split.validation.slice());
    const heldOut = NextItemExamples.fromCases(cases.slice(0, HELD_OUT_CASES), featurizer, { contextLength: cfg.contextLength, holdOutTargets: false });

    const backbone = spec.buildNetwork(cfg, o.seed);
    const headConfig: HeadConfig = { head: 'next-item', embeddingSize: cfg.width, outputs: N, covariates: [], options: { ...headOptions } as unknown as HeadConfig['options'] };
    const head = new NextItemHead().create(headConfig, { seed: o.seed + 7 }) as NextItemHeadModel;
    head.setStatistics(stats);
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
    const rng = new Rng(o.seed + 3);
    // Each batch comes from one set, chosen in proportion to its examples (no draw with one set: runs before statsUsers reproduce).
    const trainLoss = () => {
      let pick = trainSets.length > 1 ? rng.int(totalExamples) : 0;
      const set = trainSets.find((x) => (pick -= x.size) < 0)!;
      return loss(set, Array.from({ length: o.batchSize }, () => rng.int(set.size)), true);
    };
    try {
      return await pretrainAndSave(o, { variables: vars, trainLoss, heldOutLoss }, { backbone, head: head.network }, {
        backbone: this.backboneId,
        version: spec.version,
        config: { ...cfg, head: JSON.stringify(headOptions) },
        corpus: {
          description:
            `${basename(o.events)}: ${dataset.users.length} users, ${N} items, ${dataset.events} events (leave-one-out; validation events held out, test events unread)` +
            (statsUsers < 1 ? `; statistics from ${statsSplit.train.filter((x) => x.length > 0).length} users (share ${statsUsers}, seed ${o.seed + 5}), the others scored cold` : ''),
          sources: [basename(o.events)],
          synthetic: 0,
        },
      }, { [SOURCE_CATALOGUE]: JSON.stringify(dataset.items) });
    } finally {
      backbone.dispose();
      head.network.dispose();
    }
  }
}
