import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import type { Encoding, Head, HeadConfig, HeadModel } from '../../../core/interfaces/index.js';
import type { CatalogueStats, RecommendInput } from '../contracts.js';
import { NextItemScorer } from '../layers/next-item-scorer.js';
import { UsageError } from '../../../core/errors.js';

/** Head settings (HeadConfig.options) and their defaults. */
export interface NextItemOptions {
  /** Width of the item embeddings. */
  itemDim: number;
  /** Successors per item kept in the statistics. */
  successors: number;
  /** Co-occurring items per item kept in the statistics and scored (0: off). */
  neighbours: number;
  /** 'full': softmax over the whole catalogue; 'sampled': shared negatives with logQ correction (large catalogues). */
  loss: 'full' | 'sampled';
  /** Negatives per batch under the sampled loss. */
  negatives: number;
  /** Share of training examples scored without item embeddings (see NextItemScorer). */
  idDropout: number;
  /** Score as a mixture of evidence candidates and the whole catalogue (NextItemScorer); needs the full loss. */
  mixture: boolean;
  /** Training only: counting's share of the mixture the loss is taken through (0: the model alone; NextItemScorer.countingShare). */
  countingShare: number;
  /** Under countingShare or countingGate: counting ranks a history's own items last (set from the training sequences). */
  historyLast: boolean;
  /** Rank as a per-user gated mixture of the model and the counting baseline (NextItemScorer.countingGate). */
  countingGate: boolean;
}

export const NEXT_ITEM_DEFAULTS: NextItemOptions = { itemDim: 64, successors: 32, neighbours: 64, loss: 'full', negatives: 256, idDropout: 0, mixture: true, countingShare: 0, historyLast: false, countingGate: false };

/** Options that shape the scorer: a head on a pretrained backbone takes them from its pretrained head, whatever the strategy (scratch is the same model). */
export const NEXT_ITEM_ARCHITECTURE = ['itemDim', 'successors', 'neighbours', 'mixture', 'countingGate'] as const;

export function nextItemOptions(config: HeadConfig): NextItemOptions {
  return { ...NEXT_ITEM_DEFAULTS, ...(config.options as Partial<NextItemOptions> | undefined) };
}

const SCORER = 'next_item';

/** Sparse softmax cross-entropy: logits [B, C], target int [B] column indices. */
export function softmaxCrossEntropy(logits: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const rows = logits.shape[0]!;
  if (logits.rank !== 2 || target.size !== rows || target.rank > 2 || (target.rank === 2 && target.shape[1] !== 1)) {
    throw new Error(`next-item loss: expected logits [batch, columns] and one column index per row ([batch] int32); got logits [${logits.shape.join(', ')}] and target [${target.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const columns = logits.shape[1]!;
    const labels = tf.oneHot(tf.cast(tf.reshape(target, [-1]), 'int32'), columns);
    return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  });
}

/** File of a pretraining weights folder with the source catalogue's item ids (JSON array, index order). */
export const SOURCE_CATALOGUE = 'catalogue.json';

/** A next-item head: logits over the catalogue (full) or over sampled candidates (training). */
export class NextItemHeadModel implements HeadModel<RecommendInput> {
  constructor(
    readonly config: HeadConfig,
    readonly network: tf.LayersModel,
    /** Item ids of the catalogue the head was trained on, when known (pretrained heads). */
    readonly itemIds?: readonly string[],
  ) {}

  /** Whether the item rows start untrained (a new catalogue); false once importItems copied any. */
  private itemsFresh = true;

  /** A new catalogue's item rows (embeddings and bias): untrained, whatever else was warm-started. */
  freshVariables(): tf.Variable[] {
    if (!this.itemsFresh) return [];
    return this.scorer.trainableWeights.filter((w) => weightRole(ownName(w)) === 'item').map((w) => w.read() as tf.Variable);
  }

  /**
   * Same-catalogue transfer: copies the item rows (input and output embeddings, bias) of `source`
   * into this head where `map[j]` (this head's item j -> source item index, or -1) names one.
   * Returns how many items were copied.
   */
  importItems(source: NextItemHeadModel, map: Int32Array): number {
    const src = weightsByName(source.scorer);
    const dst = this.scorer.getWeights();
    let copied = 0;
    const merged = dst.map((w, i) => {
      const name = weightName(this.scorer, i);
      const s = src.get(name);
      if (weightRole(name) !== 'item' || !s) return w;
      const width = w.shape.length > 1 ? w.shape[1]! : 1;
      if (s.shape.length !== w.shape.length || (s.shape[1] ?? 1) !== width) return w;
      const out = w.dataSync().slice();
      const from = s.dataSync();
      let n = 0;
      map.forEach((k, j) => {
        if (k < 0) return;
        out.set(from.subarray(k * width, (k + 1) * width), j * width);
        n++;
      });
      copied = n;
      return tf.tensor(out, w.shape);
    });
    this.scorer.setWeights(merged);
    merged.forEach((t, i) => t !== dst[i] && t.dispose());
    if (copied > 0) this.itemsFresh = false;
    return copied;
  }

  get scorer(): NextItemScorer {
    return this.network.getLayer(SCORER) as NextItemScorer;
  }

  /** Fills the catalogue statistics (from the target's training sequences) the scores use. */
  setStatistics(stats: CatalogueStats): void {
    this.scorer.setStatistics(stats);
  }

  predict(encoding: Encoding, input: RecommendInput, training: boolean): tf.Tensor {
    return tf.tidy(() => {
      const B = encoding.hidden.shape[0];
      const held = input.heldOut ? tf.reshape(input.heldOut, [B, 1]) : tf.fill([B, 1], -1, 'int32');
      const feeds = [encoding.hidden, input.items, input.mask, held];
      if (!input.sampled) return this.network.apply(feeds, { training }) as tf.Tensor;
      const { positives, negatives, logQ } = input.sampled;
      const S = negatives.shape[0];
      const pos = tf.reshape(tf.cast(positives, 'int32'), [B, 1]);
      const candidates = tf.concat([pos, tf.tile(tf.reshape(tf.cast(negatives, 'int32'), [1, S]), [B, 1])], 1) as tf.Tensor2D;
      const logits = tf.sub(this.scorer.scoreCandidates(feeds, candidates, training), logQ);
      // A sampled negative that is the row's own positive is not a negative ("accidental hit").
      const hits = tf.concat([tf.zeros([B, 1]), tf.cast(tf.equal(tf.slice(candidates, [0, 1], [B, S]), pos), 'float32')], 1);
      return tf.add(logits, tf.mul(hits, -1e9));
    });
  }

  /** Softmax cross-entropy; `target` holds each row's column (the item index; 0 under the sampled loss). */
  exampleTarget(batchSize: number, seed: number): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.floor(tf.randomUniform([batchSize], 0, this.config.outputs, 'float32', seed)), 'int32'));
  }

  loss(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
    return softmaxCrossEntropy(prediction, target);
  }
}

/** Builds the head network: [encoding, items, mask, held-out] -> logits [B, outputs]. */
function buildNetwork(config: HeadConfig, o: NextItemOptions, seed: number, zeroItems: boolean): tf.LayersModel {
  const encoding = tf.input({ shape: [config.embeddingSize], name: 'encoding' });
  const items = tf.input({ shape: [null], name: 'items', dtype: 'int32' });
  const mask = tf.input({ shape: [null], name: 'mask' });
  const held = tf.input({ shape: [1], name: 'held_out', dtype: 'int32' });
  const scorer = new NextItemScorer({ items: config.outputs, itemDim: o.itemDim, successors: o.successors, neighbours: o.neighbours, zeroItems, idDropout: o.idDropout, mixture: o.mixture, countingShare: o.countingShare, historyLast: o.historyLast, countingGate: o.countingGate, seed, name: SCORER });
  const logits = scorer.apply([encoding, items, mask, held]) as tf.SymbolicTensor;
  return tf.model({ inputs: [encoding, items, mask, held], outputs: logits, name: 'next_item_head' });
}

/**
 * What a scorer weight is, by its name: per-item rows (item_*: the new layer of a new catalogue),
 * statistics (stat_*: refit on every dataset), or ID-agnostic weights that read only the encoding
 * (gates, user and query maps: what transfers across catalogues).
 */
export function weightRole(name: string): 'item' | 'statistics' | 'transferable' {
  return name.startsWith('item_') ? 'item' : name.startsWith('stat_') ? 'statistics' : 'transferable';
}

/** A scorer weight's own name, without the layer scope or tfjs's uniquifying suffix. */
function weightName(layer: tf.layers.Layer, i: number): string {
  return ownName(layer.weights[i]!);
}

function ownName(w: tf.LayerVariable): string {
  return w.originalName.slice(w.originalName.lastIndexOf('/') + 1).replace(/_\d+$/, '');
}

function weightsByName(layer: tf.layers.Layer): Map<string, tf.Tensor> {
  const values = layer.getWeights();
  return new Map(values.map((v, i) => [weightName(layer, i), v]));
}

/**
 * Copies `source`'s scorer weights into `target`'s where name and shape agree and `accept(name)`
 * holds (default: every weight, as a pretraining run continued on the same corpus needs); the
 * others keep their initial values.
 */
export function copyScorerWeights(target: NextItemHeadModel, source: NextItemHeadModel, accept: (name: string) => boolean = () => true): void {
  const from = weightsByName(source.scorer);
  target.scorer.setWeights(
    target.scorer.getWeights().map((w, i) => {
      const name = weightName(target.scorer, i);
      const v = from.get(name);
      return accept(name) && v && v.shape.join() === w.shape.join() ? v : w;
    }),
  );
}

@injectable()
export class NextItemHead implements Head<RecommendInput> {
  readonly id = 'next-item';
  readonly task = 'recommend' as const;
  readonly description = 'Next item over the whole catalogue: item embeddings + user-gated transition, popularity and repeat features; full softmax (or sampled + logQ)';

  create(config: HeadConfig, options: { seed: number; warmStart?: HeadModel<RecommendInput> }): HeadModel<RecommendInput> {
    const o = nextItemOptions(config);
    if (o.mixture && o.loss !== 'full') throw new UsageError('the mixture next-item head needs the full softmax loss (its normalisers span the catalogue); use loss "full"', 'bad-option');
    if (o.countingGate && o.loss !== 'full') throw new UsageError('the counting-gated next-item head needs the full softmax loss (counting is normalised over the catalogue); use loss "full"', 'bad-option');
    // A new catalogue's output embeddings start at zero: the warm-started features score alone at first.
    const network = buildNetwork(config, o, options.seed, options.warmStart !== undefined);
    const head = new NextItemHeadModel(config, network);
    if (options.warmStart) copyScorerWeights(head, options.warmStart as NextItemHeadModel, (name) => weightRole(name) === 'transferable');
    return head;
  }

  wrap(config: HeadConfig, network: tf.LayersModel): HeadModel<RecommendInput> {
    return new NextItemHeadModel(config, network);
  }
}
