import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import type { PretrainRunOptions, PretrainSummary, Pretrainer, PretrainProgress } from '../../../core/interfaces/index.js';
import { checkPretrainRunOptions, pretrainAndSave } from '../../../core/training/pretrain-loop.js';
import { replicaBatch, replicaSeed } from '../../../core/training/replicas.js';
import { PatchMixerBackbone } from '../backbones/patch-mixer.js';
import { LinearForecastHead } from '../heads/linear-forecast-head.js';
import { QuantileForecastHead, type QuantileForecastHeadModel } from '../heads/quantile-forecast-head.js';
import { UsageError } from '../../../core/errors.js';
import { readCorpusFile, isHeldOut, type CorpusFileOptions, type CorpusSeries } from './corpus.js';
import { PERIOD_BUCKETS } from '../data/period.js';
import { WindowSampler, type PretrainBatch, type SyntheticRecipe } from './window-sampler.js';
import { basename, join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { EXAMPLE_CORPUS_COLUMNS, exampleCorpusCsv } from './example-corpus.js';
import { readWeightsManifest } from '../../../core/io/weights-manifest.js';

export interface ForecastPretrainOptions extends PretrainRunOptions {
  corpus: (CorpusFileOptions & { path: string })[];
  /** Number of KernelSynth-style series in the corpus. */
  synthetic: number;
  /** Share of each batch drawn from the synthetic series (when both parts exist). */
  syntheticRatio: number;
  /** Which synthetic generator(s); default 'kernel-synth'. */
  recipe?: SyntheticRecipe;
  /** Start from this weights folder of the same backbone (continued pretraining) instead of a random init. */
  initFrom?: string;
  /**
   * Train only a quantile head at these levels on the frozen encoder of `initFrom` (its point head as
   * the median's start); writes a weights folder holding just that head (`quantile_head`), which the
   * backbone reads from `<weights>/quantile-head/` for zero-shot quantiles.
   */
  quantileHead?: number[];
}

const HOLDOUT_FRACTION = 0.05;

/** Pretrains the patch-mixer encoder with its forecast head on masked MAE in normalised units. */
@injectable()
export class PatchMixerPretrainer implements Pretrainer<ForecastPretrainOptions> {
  readonly task = 'forecast' as const;

  /** The backbone whose architecture this pretrains; subclasses name theirs. */
  protected backbone(): PatchMixerBackbone {
    return new PatchMixerBackbone();
  }

  private backboneAt(weightsDir: string): PatchMixerBackbone {
    const b = this.backbone();
    b.weightsDir = weightsDir;
    return b;
  }

  get backboneId(): string {
    return this.backbone().id;
  }

  /** Two steps on 6 small monthly series (written to `workDir`) and 20 synthetic ones. */
  async exampleOptions(workDir: string): Promise<ForecastPretrainOptions> {
    const path = join(workDir, 'example-corpus.csv');
    await writeFile(path, exampleCorpusCsv());
    return { corpus: [{ path, ...EXAMPLE_CORPUS_COLUMNS }], synthetic: 20, syntheticRatio: 0.5, steps: 2, batchSize: 4, learningRate: 1e-3, seed: 1, checkpointEvery: 2 };
  }

  async run(o: ForecastPretrainOptions & { out: string; command: string; onProgress?: (p: PretrainProgress) => void }): Promise<PretrainSummary> {
    checkPretrainRunOptions(o);
    const cfg = this.backbone().config;
    const real: CorpusSeries[] = [];
    const heldOut: CorpusSeries[] = [];
    for (const file of o.corpus) {
      for (const s of await readCorpusFile(file.path, file)) (isHeldOut(s.id, HOLDOUT_FRACTION) ? heldOut : real).push(s);
    }
    const sampler = new WindowSampler({ contextLength: cfg.contextLength, horizon: cfg.maxHorizon, real, synthetic: o.synthetic, syntheticRatio: o.syntheticRatio, recipe: o.recipe, seed: o.seed, drawSeed: replicaSeed(o.seed, o) });
    const batch = replicaBatch(o);
    // Fixed held-out windows (real series never trained on) to report generalisation.
    const holdoutBatch = heldOut.length > 0
      ? new WindowSampler({ contextLength: cfg.contextLength, horizon: cfg.maxHorizon, real: heldOut, synthetic: 0, syntheticRatio: 0, seed: o.seed + 1 }).sample(1024)
      : undefined;

    const start = o.initFrom ? await this.backboneAt(o.initFrom).build({ init: 'pretrained', seed: o.seed }) : undefined;
    const backbone = start ? start.network : this.backbone().buildNetwork(o.seed);
    const embeddingSize = backbone.outputs[0]!.shape[1] as number;
    const head = start?.pretrainedHead ?? new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize, outputs: cfg.maxHorizon }, { seed: o.seed + 7 });
    const startedFrom = o.initFrom ? `; continued from ${this.backboneId} weights of ${readWeightsManifest(o.initFrom).steps} steps (backbone.weights.bin sha256 ${readWeightsManifest(o.initFrom).files['backbone.weights.bin']?.slice(0, 12)}…)` : '';
    if (o.quantileHead && !start) throw new UsageError('--quantile-head trains a head on a pretrained encoder: pass --init-from <weights folder>', 'bad-usage');
    const quantile = (o.quantileHead
      ? new QuantileForecastHead().create({ head: 'quantile-forecast', embeddingSize, outputs: cfg.maxHorizon, options: { levels: o.quantileHead.join(',') } }, { seed: o.seed + 7, warmStart: head })
      : undefined) as QuantileForecastHeadModel | undefined;
    const vars = (quantile ? quantile.network.trainableWeights : [...backbone.trainableWeights, ...head.network.trainableWeights]).map((w) => w.read() as tf.Variable);
    const loss = (b: PretrainBatch, training: boolean) => {
      const L = cfg.contextLength;
      const H = cfg.maxHorizon;
      const ctx = tf.tensor2d(b.context, [b.size, L]);
      const mask = tf.tensor2d(b.mask, [b.size, L]);
      const y = tf.tensor2d(b.target, [b.size, H]);
      const m = tf.tensor2d(b.targetMask, [b.size, H]);
      const period = tf.tensor2d(b.period, [b.size, PERIOD_BUCKETS]);
      const hidden = backbone.apply([ctx, mask, period], { training }) as tf.Tensor2D;
      if (quantile) {
        // Only the head's variables train (the encoder is frozen); steps beyond a series' end do not count.
        const pred = quantile.predict({ hidden }, { context: ctx, mask, period }, training);
        return maskedPinball(quantile, pred, y, m, tf.tensor1d(b.weight));
      }
      const pred = head.predict({ hidden }, { context: ctx, mask, period }, training);
      // Masked, MASE-weighted MAE: targets beyond a series' end do not count, and each window's
      // error is divided by its context's seasonal-naive error, as MASE does.
      const w = tf.mul(m, tf.tensor2d(b.weight, [b.size, 1]));
      return tf.div(tf.sum(tf.mul(tf.abs(tf.sub(pred, y)), w)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
    };
    const heldOutLoss = () => (holdoutBatch ? tf.tidy(() => loss(holdoutBatch, false).dataSync()[0]!) : NaN);
    const networks: Record<string, tf.LayersModel> = quantile ? { quantile_head: quantile.network } : { backbone, head: head.network };
    return pretrainAndSave(o, { variables: vars, trainLoss: () => loss(sampler.sample(batch), true), heldOutLoss, sampler: sampler.random }, networks, {
      backbone: this.backboneId,
      version: this.backbone().version,
      config: { ...cfg, ...(o.quantileHead ? { quantileLevels: o.quantileHead.join(',') } : {}) },
      corpus: {
        description: `${o.synthetic} ${o.recipe === 'demand' ? 'synthetic series (half KernelSynth-style, half demand-shaped: multi-seasonal, level shifts, counts, intermittent)' : 'KernelSynth-style synthetic series'} + ${real.length} real series (${o.corpus.map((c) => basename(c.path)).join(', ')}; ${heldOut.length} held out)${startedFrom}`,
        sources: o.corpus.map((c) => basename(c.path)),
        synthetic: o.synthetic,
      },
    }, {}, quantile ? 'quantile_head' : 'backbone');
  }
}

/** Twice the pinball loss over levels and the observed target steps, weighted per window. */
function maskedPinball(head: QuantileForecastHeadModel, pred: tf.Tensor, y: tf.Tensor2D, observed: tf.Tensor2D, weight: tf.Tensor1D): tf.Scalar {
  const Q = head.levels.length;
  const H = y.shape[1];
  const pin = head.pinballTerms(pred, y);
  const w = tf.reshape(tf.mul(observed, tf.reshape(weight, [-1, 1])), [-1, 1, H]);
  return tf.div(tf.sum(tf.mul(pin, w)), tf.maximum(tf.mul(tf.sum(observed), Q), 1)) as tf.Scalar;
}

