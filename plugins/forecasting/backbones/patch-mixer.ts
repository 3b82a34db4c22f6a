import { packagePath } from '../../../core/io/package-root.js';
import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import type { Backbone, BackboneInfo, BackboneInit, BackboneModel } from '../../../core/interfaces/index.js';
import type { ForecastBackboneInfo, ForecastInput } from '../contracts.js';
import { loadNetwork } from '../../../core/io/layers-io.js';
import { hasWeights, readCompatibleWeights, shippedWeights } from '../../../core/io/weights-manifest.js';
import { QuantileForecastHeadModel } from '../heads/quantile-forecast-head.js';
import { join } from 'node:path';
import { buildPatchMixerNetwork, type PatchMixerConfig } from './patch-mixer-network.js';
import { linearForecastHeadFrom } from '../heads/linear-forecast-head.js';
import { PERIOD_BUCKETS } from '../data/period.js';

/** Architecture version: bump when a spec's config or the network changes; weights of another version do not load. */
export const PATCH_MIXER_VERSION = '3.0.0';

/** One patch-mixer backbone: its id, architecture and where its shipped weights live. */
export interface PatchMixerSpec {
  id: string;
  config: PatchMixerConfig;
  description: string;
  /** Folder of the shipped weights (copied beside the compiled file by the build). */
  weightsDir: string;
}

const shippedFolder = (id: string) => packagePath(import.meta.url, 'plugins', 'forecasting', 'weights', id);

export const PATCH_MIXER_S: PatchMixerSpec = {
  id: 'patch-mixer-s',
  config: { contextLength: 128, patchLength: 8, width: 96, blocks: 4, tokenHidden: 32, channelHidden: 192, maxHorizon: 64 },
  description: 'Patch MLP-mixer (TSMixer/TTM family): 16 patches of 8 steps + a seasonal-period token, width 96, 4 blocks',
  weightsDir: shippedFolder('patch-mixer-s'),
};

/** Twice the history of patch-mixer-s in the same number of tokens: a week of hourly data, a year of weekly data. */
export const PATCH_MIXER_M: PatchMixerSpec = {
  id: 'patch-mixer-m',
  config: { contextLength: 256, patchLength: 16, width: 96, blocks: 4, tokenHidden: 32, channelHidden: 192, maxHorizon: 64 },
  description: 'Patch MLP-mixer with a 256-step context: 16 patches of 16 steps + a seasonal-period token, width 96, 4 blocks',
  weightsDir: shippedFolder('patch-mixer-m'),
};

/** Where the shipped weights of patch-mixer-s live. */
export const PATCH_MIXER_WEIGHTS = PATCH_MIXER_S.weightsDir;

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
 * Patch-mixer demand encoder: patches of the instance-normalised history, mixer blocks over them;
 * one model serves series of any scale. Pretrained on KernelSynth-style synthetic series plus real
 * corpora (see weights/<id>/manifest.json). Subclasses name their spec.
 */
@injectable()
export class PatchMixerBackbone implements Backbone<ForecastInput> {
  private infoCache?: ForecastBackboneInfo;

  /** Where weights are read from; tests point it at a copy to check tampering. */
  weightsDir: string;

  constructor() {
    this.weightsDir = this.specOf().weightsDir;
  }

  /** The spec, readable from the constructor (field initialisers of subclasses run after it). */
  protected specOf(): PatchMixerSpec {
    return PATCH_MIXER_S;
  }

  get id(): string {
    return this.specOf().id;
  }

  get config(): PatchMixerConfig {
    return this.specOf().config;
  }

  /** Architecture version recorded in weights manifests; a subclass with a network of its own names its own. */
  get version(): string {
    return PATCH_MIXER_VERSION;
  }

  /**
   * A randomly initialised encoder for this spec: [context, mask, period] → [batch, embedding]. A
   * subclass with another architecture (a plugin's DLinear, say) overrides this and `version`; the
   * pretrainer, transfer and the saved model folders then use its network.
   */
  buildNetwork(seed: number): tf.LayersModel {
    return buildPatchMixerNetwork(this.config, seed);
  }

  static at<T extends PatchMixerBackbone>(this: new () => T, weightsDir: string): T {
    const b = new this();
    b.weightsDir = weightsDir;
    return b;
  }

  describe(): ForecastBackboneInfo {
    if (this.infoCache) return this.infoCache;
    const weights = shippedWeights(this.weightsDir);
    const quantileWeights = shippedWeights(join(this.weightsDir, 'quantile-head'));
    const CONFIG = this.config;
    const probe = this.buildNetwork(1);
    const parameters = probe.countParams();
    const embeddingSize = probe.outputs[0]!.shape[1] as number;
    probe.dispose();
    this.infoCache = {
      id: this.id,
      version: this.version,
      task: 'forecast',
      description: this.specOf().description,
      contextLength: CONFIG.contextLength,
      maxHorizon: CONFIG.maxHorizon,
      details: { 'max h': CONFIG.maxHorizon },
      embeddingSize,
      parameters,
      corpus: weights.corpus,
      hasWeights: weights.hasWeights,
      ...(quantileWeights.manifest ? { pretrainedHeadOptions: { quantiles: String(quantileWeights.manifest.config.quantileLevels) } } : {}),
    };
    return this.infoCache;
  }

  async build(options: { init: BackboneInit; seed: number }): Promise<BackboneModel<ForecastInput>> {
    const info = this.describe();
    const CONFIG = this.config;
    if (options.init === 'random') return new PatchMixerModel(info, this.buildNetwork(options.seed));
    const manifest = readCompatibleWeights(this.weightsDir, { id: this.id, version: this.version, config: CONFIG });
    const network = await loadNetwork(this.weightsDir, 'backbone', manifest.files);
    const headNet = await loadNetwork(this.weightsDir, 'head', manifest.files);
    const head = linearForecastHeadFrom(
      { head: 'linear-forecast', embeddingSize: info.embeddingSize, outputs: CONFIG.maxHorizon },
      headNet,
    );
    return new PatchMixerModel(info, network, head);
  }

  /**
   * The quantile head pretrained on this encoder (`<weights>/quantile-head/`, written by
   * `pretrain forecast --quantile-head`), for zero-shot quantiles; undefined when none is shipped.
   */
  async pretrainedQuantileHead(): Promise<QuantileForecastHeadModel | undefined> {
    const dir = join(this.weightsDir, 'quantile-head');
    if (!hasWeights(dir)) return undefined;
    const manifest = readCompatibleWeights(dir, { id: this.id, version: this.version, config: this.config });
    const network = await loadNetwork(dir, 'quantile_head', manifest.files);
    const config = { head: 'quantile-forecast', embeddingSize: this.describe().embeddingSize, outputs: this.config.maxHorizon, options: { levels: String(manifest.config.quantileLevels) } };
    return new QuantileForecastHeadModel(config, network);
  }

  exampleInput(batchSize: number, seed: number): ForecastInput {
    const L = this.config.contextLength;
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

