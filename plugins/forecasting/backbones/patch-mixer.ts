import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import { fileURLToPath } from 'node:url';
import type { Backbone, BackboneInfo, BackboneInit, BackboneModel, ForecastInput } from '../../../core/interfaces/index.js';
import { loadNetwork } from '../../../core/io/layers-io.js';
import { readCompatibleWeights, shippedWeights } from '../../../core/io/weights-manifest.js';
import { buildPatchMixerNetwork, type PatchMixerConfig } from './patch-mixer-network.js';
import { linearForecastHeadFrom } from '../heads/linear-forecast-head.js';
import { PERIOD_BUCKETS } from '../data/period.js';

/** Architecture version: bump when CONFIG or the network changes; weights of another version do not load. */
export const PATCH_MIXER_VERSION = '3.0.0';

const CONFIG: PatchMixerConfig = {
  contextLength: 128,
  patchLength: 8,
  width: 96,
  blocks: 4,
  tokenHidden: 32,
  channelHidden: 192,
  maxHorizon: 64,
};

/** Where the shipped weights of this backbone live (copied beside the compiled file by the build). */
export const PATCH_MIXER_WEIGHTS = fileURLToPath(new URL('../weights/patch-mixer-s/', import.meta.url));

class PatchMixerModel implements BackboneModel<ForecastInput> {
  constructor(
    readonly info: BackboneInfo,
    readonly network: tf.LayersModel,
    readonly pretrainedHead?: ReturnType<typeof linearForecastHeadFrom>,
  ) {}

  encode(input: ForecastInput, training: boolean) {
    return { hidden: this.network.apply([input.context, input.mask, input.period], { training }) as tf.Tensor2D };
  }
}

/**
 * Patch-mixer demand encoder: 16 patches of 8 steps, 4 mixer blocks of width 96; instance-normalised
 * input, so one model serves series of any scale. Pretrained on KernelSynth-style synthetic series
 * plus M1/M3 (see weights/patch-mixer-s/manifest.json).
 */
@injectable()
export class PatchMixerBackbone implements Backbone<ForecastInput> {
  readonly id = 'patch-mixer-s';
  readonly config = CONFIG;
  private infoCache?: BackboneInfo;

  /** Where weights are read from; tests point it at a copy to check tampering. */
  weightsDir: string = PATCH_MIXER_WEIGHTS;

  static at(weightsDir: string): PatchMixerBackbone {
    const b = new PatchMixerBackbone();
    b.weightsDir = weightsDir;
    return b;
  }

  describe(): BackboneInfo {
    if (this.infoCache) return this.infoCache;
    const weights = shippedWeights(this.weightsDir);
    const probe = buildPatchMixerNetwork(CONFIG, 1);
    const parameters = probe.countParams();
    const embeddingSize = probe.outputs[0]!.shape[1] as number;
    probe.dispose();
    this.infoCache = {
      id: this.id,
      version: PATCH_MIXER_VERSION,
      task: 'forecast',
      description: 'Patch MLP-mixer (TSMixer/TTM family): 16 patches of 8 steps + a seasonal-period token, width 96, 4 blocks',
      contextLength: CONFIG.contextLength,
      maxHorizon: CONFIG.maxHorizon,
      embeddingSize,
      parameters,
      corpus: weights.corpus,
      hasWeights: weights.hasWeights,
    };
    return this.infoCache;
  }

  async build(options: { init: BackboneInit; seed: number }): Promise<BackboneModel<ForecastInput>> {
    const info = this.describe();
    if (options.init === 'random') return new PatchMixerModel(info, buildPatchMixerNetwork(CONFIG, options.seed));
    const manifest = readCompatibleWeights(this.weightsDir, { id: this.id, version: PATCH_MIXER_VERSION, config: CONFIG });
    const network = await loadNetwork(this.weightsDir, 'backbone', manifest.files);
    const headNet = await loadNetwork(this.weightsDir, 'head', manifest.files);
    const head = linearForecastHeadFrom(
      { head: 'linear-forecast', embeddingSize: info.embeddingSize, outputs: CONFIG.maxHorizon, covariates: [] },
      headNet,
    );
    return new PatchMixerModel(info, network, head);
  }

  exampleInput(batchSize: number, seed: number): ForecastInput {
    const L = CONFIG.contextLength;
    // Random walks with a random amount of left padding, as real short histories look.
    const context = tf.tidy(() => tf.cumsum(tf.randomNormal([batchSize, L], 0, 1, 'float32', seed), 1)) as tf.Tensor2D;
    const observed = tf.tidy(() => tf.floor(tf.randomUniform([batchSize, 1], 8, L + 1, 'float32', seed + 1)));
    const mask = tf.tidy(() => tf.cast(tf.greaterEqual(tf.range(0, L).reshape([1, L]), tf.sub(L, observed)), 'float32')) as tf.Tensor2D;
    const masked = tf.mul(context, mask) as tf.Tensor2D;
    const period = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batchSize }, (_, i) => (seed + i) % PERIOD_BUCKETS), 'int32'), PERIOD_BUCKETS).toFloat()) as tf.Tensor2D;
    tf.dispose([context, observed]);
    return { context: masked, mask, period };
  }

  wrap(network: tf.LayersModel): BackboneModel<ForecastInput> {
    return new PatchMixerModel(this.describe(), network);
  }
}
