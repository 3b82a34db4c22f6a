import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import { basename } from 'node:path';
import type { HeadConfig, PretrainRunOptions, PretrainSummary, Pretrainer, PretrainProgress } from '../../../core/interfaces/index.js';
import { checkPretrainRunOptions, pretrainAndSave } from '../../../core/training/pretrain-loop.js';
import { DataError } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import type { EventEncoderSpec } from '../backbones/event-encoder.js';
import { NextItemHead, NEXT_ITEM_DEFAULTS, SOURCE_CATALOGUE, type NextItemHeadModel, type NextItemOptions } from '../heads/next-item-head.js';
import { loadEvents, type EventsLoadOptions } from '../data/events-loader.js';
import { leaveOneOut } from '../data/splits.js';
import { fitTransitions } from '../data/stats.js';
import { fitStatisticsOf } from '../data/stats-io.js';
import { featuresOf } from '../data/features.js';
import { NextItemExamples } from '../data/examples.js';
import { statisticsViews } from './statistics-views.js';
import type { CatalogueStats } from '../../../core/interfaces/recommend.js';

export interface RecommendPretrainOptions extends PretrainRunOptions {
  /** Events file of the source domain (CSV or RecBole .inter). */
  events: string;
  /** Column mapping and ordering of the events file. */
  load?: EventsLoadOptions;
  /** Next-item head settings (defaults: PRETRAIN_HEAD_DEFAULTS). */
  head?: Partial<NextItemOptions>;
  /**
   * Shares of the source's users to fit head statistics and event features on, one view per share
   * (see statisticsViews); each training step draws a view. Default [1]: the whole source only.
   */
  statisticsShares?: number[];
}

/**
 * Head defaults of pretraining: the source's item embeddings never transfer to a new catalogue, so
 * half the examples are scored without them (idDropout), making the transferable gates carry weight.
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
    const fit = fitStatisticsOf(split.train, fitTransitions(split.train, N), headOptions.neighbours);
    const { stats, featurizer } = featuresOf(fit, headOptions.successors);
    const shares = o.statisticsShares ?? [1];
    const views = statisticsViews(split.train, split.trainTimes, N, {
      shares,
      contextLength: cfg.contextLength,
      successors: headOptions.successors,
      neighbours: headOptions.neighbours,
      seed: o.seed,
      negatives: headOptions.loss === 'sampled' ? headOptions.negatives : undefined,
    });
    if (views.every((v) => v.inside.size === 0)) throw new DataError(`${o.events}: no user has 2 training events; nothing to pretrain on`, 'too-short');
    const cases = new Rng(o.seed + 1).shuffle(split.validation.slice());
    const heldOut = NextItemExamples.fromCases(cases.slice(0, HELD_OUT_CASES), featurizer, { contextLength: cfg.contextLength, holdOutTargets: false });

    const backbone = spec.buildNetwork(cfg, o.seed);
    const headConfig: HeadConfig = { head: 'next-item', embeddingSize: cfg.width, outputs: N, covariates: [], options: { ...headOptions } as unknown as HeadConfig['options'] };
    const head = new NextItemHead().create(headConfig, { seed: o.seed + 7 }) as NextItemHeadModel;
    let active: CatalogueStats | undefined;
    const use = (s: CatalogueStats) => {
      if (active !== s) head.setStatistics((active = s));
    };
    const vars = [...backbone.trainableWeights, ...head.network.trainableWeights].map((w) => w.read() as tf.Variable);
    const loss = (set: NextItemExamples, indices: number[], training: boolean) => {
      const { input, target } = set.batch(indices);
      const states = backbone.apply([input.events, input.mask], { training }) as tf.Tensor3D;
      const [B, T, d] = states.shape;
      const hidden = tf.reshape(tf.slice(states, [0, T - 1, 0], [B, 1, d]), [B, d]) as tf.Tensor2D;
      return head.loss(head.predict({ hidden }, input, training), target);
    };
    // The held-out loss always scores with the whole source's statistics, comparable across runs.
    const heldOutLoss = () => {
      if (heldOut.size === 0) return NaN;
      use(stats);
      let sum = 0;
      for (let from = 0; from < heldOut.size; from += o.batchSize) {
        const idx = Array.from({ length: Math.min(o.batchSize, heldOut.size - from) }, (_, i) => from + i);
        sum += tf.tidy(() => loss(heldOut, idx, false).dataSync()[0]!) * idx.length;
      }
      return sum / heldOut.size;
    };
    const rng = new Rng(o.seed + 3);
    // One view per step; half the steps of a partial view train on the users outside it. With one
    // view of the whole source this draws exactly what a single training set would.
    const trainLoss = () => {
      const view = views.length === 1 ? views[0]! : views[rng.int(views.length)]!;
      const set = view.outside && (view.inside.size === 0 || rng.next() < 0.5) ? view.outside : view.inside;
      use(view.stats);
      return loss(set, Array.from({ length: o.batchSize }, () => rng.int(set.size)), true);
    };
    try {
      return await pretrainAndSave(o, { variables: vars, trainLoss, heldOutLoss }, { backbone, head: head.network }, {
        backbone: this.backboneId,
        version: spec.version,
        config: { ...cfg, head: JSON.stringify(headOptions) },
        corpus: {
          description: `${basename(o.events)}: ${dataset.users.length} users, ${N} items, ${dataset.events} events (leave-one-out; validation events held out, test events unread)${shares.length === 1 && shares[0] === 1 ? '' : `; statistics fitted on ${shares.map((x) => `${Math.round(100 * x)}%`).join(', ')} of the users`}`,
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
