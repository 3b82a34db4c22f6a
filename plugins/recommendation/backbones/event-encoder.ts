import * as tf from '@tensorflow/tfjs';
import type { Backbone, BackboneInfo, BackboneInit, BackboneModel, HeadConfig } from '../../../core/interfaces/index.js';
import type { RecommendInput } from '../contracts.js';
import { loadNetwork } from '../../../core/io/layers-io.js';
import { readCompatibleWeights, shippedWeights } from '../../../core/io/weights-manifest.js';
import { readModelFile } from '../../../core/io/model-folder.js';
import { Rng } from '../../../core/random.js';
import { EVENT_FEATURES } from '../data/features.js';
import { NextItemHeadModel, SOURCE_CATALOGUE } from '../heads/next-item-head.js';

/** What every encoder over ID-agnostic event features declares; a manifest's config must match it key by key. */
export interface EventEncoderConfig {
  /** Most recent events read; longer histories are cut, shorter ones left-padded. */
  contextLength: number;
  /** Per-event feature count (EVENT_FEATURES). */
  features: number;
  /** Width of the states (the encoding handed to a head). */
  width: number;
}

/**
 * One architecture of event encoder: what the backbone and the pretrainer need to build, name,
 * version and check it. The network maps [events [B, T, features], mask [B, T]] to causal states
 * [B, T, width] (left-padded histories; padded steps output zeros).
 */
export interface EventEncoderSpec<C extends EventEncoderConfig = EventEncoderConfig> {
  readonly id: string;
  /** Architecture version: bump when the config, the network or the event features change; weights of another version do not load. */
  readonly version: string;
  readonly config: C;
  readonly description: string;
  /** Where the shipped weights live (copied beside the compiled files by the build). */
  readonly weightsDir: string;
  buildNetwork(config: C, seed: number): tf.LayersModel;
}

/** Catalogue size of exampleInput's random item ids. */
const EXAMPLE_ITEMS = 64;

/** The head settings a manifest records (config.head: a JSON string written by the pretrainer). */
export function headOptions(recorded: unknown): HeadConfig['options'] {
  if (typeof recorded === 'string') {
    try {
      return JSON.parse(recorded) as HeadConfig['options'];
    } catch {
      return {};
    }
  }
  return (recorded as HeadConfig['options']) ?? {};
}

class EventEncoderModel implements BackboneModel<RecommendInput> {
  constructor(
    readonly info: BackboneInfo,
    readonly network: tf.LayersModel,
    readonly pretrainedHead?: NextItemHeadModel,
  ) {}

  /** The state after the most recent event (the last step: histories are left-padded). */
  encode(input: RecommendInput, training: boolean) {
    return {
      hidden: tf.tidy(() => {
        const states = this.network.apply([input.events, input.mask], { training }) as tf.Tensor3D;
        const [B, T, d] = states.shape;
        return tf.reshape(tf.slice(states, [0, T - 1, 0], [B, 1, d]), [B, d]) as tf.Tensor2D;
      }),
    };
  }

  /** Causal states of every step [B, T, width], for all-positions training. */
  encodeSteps(input: RecommendInput, training: boolean): tf.Tensor3D {
    return this.network.apply([input.events, input.mask], { training }) as tf.Tensor3D;
  }
}

/**
 * A behaviour-sequence backbone whose input is ID-agnostic per-event features, so all of it transfers
 * to a new catalogue (the catalogue's item embeddings live in the next-item head). Subclasses name
 * the architecture (spec); loading, the version check and the example input are shared.
 */
export abstract class EventEncoderBackbone implements Backbone<RecommendInput> {
  protected abstract readonly spec: EventEncoderSpec;
  private infoCache?: BackboneInfo;
  /** Where weights are read from (default: the spec's shipped folder); tests point it at a copy. */
  private weightsOverride?: string;

  get id(): string {
    return this.spec.id;
  }

  /** The architecture's settings (what a weights manifest's config must match). */
  get config(): EventEncoderConfig {
    return this.spec.config;
  }

  get weightsDir(): string {
    return this.weightsOverride ?? this.spec.weightsDir;
  }

  set weightsDir(dir: string) {
    this.weightsOverride = dir;
    this.infoCache = undefined;
  }

  /** This backbone reading its weights from `weightsDir`. */
  static at<T extends EventEncoderBackbone>(this: new () => T, weightsDir: string): T {
    const b = new this();
    b.weightsDir = weightsDir;
    return b;
  }

  describe(): BackboneInfo {
    if (this.infoCache) return this.infoCache;
    const weights = shippedWeights(this.weightsDir);
    const probe = this.spec.buildNetwork(this.spec.config, 1);
    const parameters = probe.countParams();
    probe.dispose();
    this.infoCache = {
      id: this.id,
      version: this.spec.version,
      task: 'recommend',
      description: this.spec.description,
      contextLength: this.spec.config.contextLength,
      embeddingSize: this.spec.config.width,
      parameters,
      corpus: weights.corpus,
      hasWeights: weights.hasWeights,
      pretrainedHeadOptions: weights.manifest ? (headOptions(weights.manifest.config.head) as Record<string, unknown>) : undefined,
    };
    return this.infoCache;
  }

  async build(options: { init: BackboneInit; seed: number }): Promise<BackboneModel<RecommendInput>> {
    const info = this.describe();
    const { spec, weightsDir } = this;
    if (options.init === 'random') return new EventEncoderModel(info, spec.buildNetwork(spec.config, options.seed));
    const manifest = readCompatibleWeights(weightsDir, { id: this.id, version: spec.version, config: spec.config });
    const network = await loadNetwork(weightsDir, 'backbone', manifest.files);
    const headNet = await loadNetwork(weightsDir, 'head', manifest.files);
    const outputs = headNet.outputs[0]!.shape[1] as number;
    const headConfig: HeadConfig = { head: 'next-item', embeddingSize: info.embeddingSize, outputs, options: headOptions(manifest.config.head) };
    const itemIds = manifest.files[SOURCE_CATALOGUE] ? (JSON.parse(Buffer.from(readModelFile(weightsDir, manifest, SOURCE_CATALOGUE)).toString('utf8')) as string[]) : undefined;
    return new EventEncoderModel(info, network, new NextItemHeadModel(headConfig, headNet, itemIds));
  }

  exampleInput(batchSize: number, seed: number): RecommendInput {
    const T = this.spec.config.contextLength;
    const F = EVENT_FEATURES;
    const rng = new Rng(seed);
    const items = new Int32Array(batchSize * T);
    const mask = new Float32Array(batchSize * T);
    const events = new Float32Array(batchSize * T * F);
    for (let b = 0; b < batchSize; b++) {
      const length = 1 + rng.int(T);
      for (let t = T - length; t < T; t++) {
        items[b * T + t] = rng.int(EXAMPLE_ITEMS);
        mask[b * T + t] = 1;
        for (let f = 0; f < F; f++) events[(b * T + t) * F + f] = rng.next();
      }
    }
    return {
      items: tf.tensor2d(items, [batchSize, T], 'int32'),
      mask: tf.tensor2d(mask, [batchSize, T]),
      events: tf.tensor3d(events, [batchSize, T, F]),
    };
  }

  wrap(network: tf.LayersModel): BackboneModel<RecommendInput> {
    return new EventEncoderModel(this.describe(), network);
  }
}
