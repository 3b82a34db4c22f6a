import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import { fileURLToPath } from 'node:url';
import type { Backbone, BackboneInfo, BackboneInit, BackboneModel, HeadConfig, RecommendInput } from '../../../core/interfaces/index.js';
import { loadNetwork } from '../../../core/io/layers-io.js';
import { readWeightsManifest, shippedWeights } from '../../../core/io/weights-manifest.js';
import { ModelError } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import { EVENT_FEATURES } from '../data/features.js';
import { NextItemHeadModel, SOURCE_CATALOGUE } from '../heads/next-item-head.js';
import { readModelFile } from '../../../core/io/model-folder.js';
import { buildSasrecNetwork, type SasrecConfig } from './sasrec-network.js';

/** Architecture version: bump when SASREC_CONFIG, the network or the event features change; weights of another version do not load. */
export const SASREC_VERSION = '1.0.0';

export const SASREC_CONFIG: SasrecConfig = { contextLength: 32, features: EVENT_FEATURES, width: 64, heads: 2, blocks: 2, ffn: 128, dropout: 0.2 };

/** Catalogue size of exampleInput's random item ids. */
const EXAMPLE_ITEMS = 64;

/** Where the shipped weights of this backbone live (copied beside the compiled file by the build). */
export const SASREC_WEIGHTS = fileURLToPath(new URL('../weights/sasrec-s/', import.meta.url));

/** The head settings a manifest records (config.head: a JSON string written by the pretrainer). */
function headOptions(recorded: unknown): HeadConfig['options'] {
  if (typeof recorded === 'string') {
    try {
      return JSON.parse(recorded) as HeadConfig['options'];
    } catch {
      return {};
    }
  }
  return (recorded as HeadConfig['options']) ?? {};
}

class SasrecModel implements BackboneModel<RecommendInput> {
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
 * SASRec-style behaviour encoder whose input is ID-agnostic: per event, popularity within the
 * dataset, repeat and recency, transition probability from the previous event, time gap and position
 * (EVENT_FEATURE_NAMES) go through a small MLP, learned recency positions and 2 causal
 * self-attention blocks (width 64, 2 heads). Nothing in it depends on the catalogue, so all of it
 * transfers; the new catalogue's item embeddings live in the head (the new layer).
 */
@injectable()
export class SasrecBackbone implements Backbone<RecommendInput> {
  readonly id = 'sasrec-s';
  readonly config = SASREC_CONFIG;
  private infoCache?: BackboneInfo;

  /** Where weights are read from; tests point it at a copy. */
  weightsDir: string = SASREC_WEIGHTS;

  static at(weightsDir: string): SasrecBackbone {
    const b = new SasrecBackbone();
    b.weightsDir = weightsDir;
    return b;
  }

  describe(): BackboneInfo {
    if (this.infoCache) return this.infoCache;
    const weights = shippedWeights(this.weightsDir);
    const probe = buildSasrecNetwork(SASREC_CONFIG, 1);
    const parameters = probe.countParams();
    probe.dispose();
    this.infoCache = {
      id: this.id,
      version: SASREC_VERSION,
      task: 'recommend',
      description: 'SASRec-style causal self-attention over ID-agnostic event features (popularity, repeats, transitions, time gaps); width 64, 2 blocks, 2 heads',
      contextLength: SASREC_CONFIG.contextLength,
      embeddingSize: SASREC_CONFIG.width,
      parameters,
      corpus: weights.corpus,
      hasWeights: weights.hasWeights,
    };
    return this.infoCache;
  }

  async build(options: { init: BackboneInit; seed: number }): Promise<BackboneModel<RecommendInput>> {
    const info = this.describe();
    if (options.init === 'random') return new SasrecModel(info, buildSasrecNetwork(SASREC_CONFIG, options.seed));
    const manifest = readWeightsManifest(this.weightsDir);
    const mismatch = Object.entries(SASREC_CONFIG).find(([k, v]) => manifest.config[k] !== v);
    if (manifest.version !== SASREC_VERSION || mismatch) {
      throw new ModelError(
        `${this.weightsDir}: weights are for ${this.id} v${manifest.version}${mismatch ? ` (${mismatch[0]}=${manifest.config[mismatch[0]]}, expected ${mismatch[1]})` : ''}, but this code is v${SASREC_VERSION}; re-run the pretraining command in its manifest`,
        'weights-incompatible',
      );
    }
    const network = await loadNetwork(this.weightsDir, 'backbone', manifest.files);
    const headNet = await loadNetwork(this.weightsDir, 'head', manifest.files);
    const outputs = headNet.outputs[0]!.shape[1] as number;
    const headConfig: HeadConfig = { head: 'next-item', embeddingSize: info.embeddingSize, outputs, covariates: [], options: headOptions(manifest.config.head) };
    const itemIds = manifest.files[SOURCE_CATALOGUE] ? (JSON.parse(Buffer.from(readModelFile(this.weightsDir, manifest, SOURCE_CATALOGUE)).toString('utf8')) as string[]) : undefined;
    return new SasrecModel(info, network, new NextItemHeadModel(headConfig, headNet, itemIds));
  }

  exampleInput(batchSize: number, seed: number): RecommendInput {
    const T = SASREC_CONFIG.contextLength;
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
    return new SasrecModel(this.describe(), network);
  }
}
