import { packagePath } from '../../../core/io/package-root.js';
import { EVENT_FEATURES } from '../data/features.js';
import { buildSasrecNetwork, type SasrecConfig } from './sasrec-network.js';
import type { EventEncoderBackbone, EventEncoderSpec } from './event-encoder.js';
import { eventEncoderBackbone, eventEncoderPretrainer } from './define-event-encoder.js';

/** Architecture version: bump when SASREC_CONFIG, the network or the event features change; weights of another version do not load. */
export const SASREC_VERSION = '1.0.0';

export const SASREC_CONFIG: SasrecConfig = { contextLength: 32, features: EVENT_FEATURES, width: 64, heads: 2, blocks: 2, ffn: 128, dropout: 0.2 };

/** Where the shipped weights of this backbone live (copied beside the compiled file by the build). */
export const SASREC_WEIGHTS = packagePath(import.meta.url, 'plugins', 'recommendation', 'weights', 'sasrec-s');

export const SASREC_SPEC: EventEncoderSpec<SasrecConfig> = {
  id: 'sasrec-s',
  version: SASREC_VERSION,
  config: SASREC_CONFIG,
  description: 'SASRec-style causal self-attention over ID-agnostic event features (popularity, repeats, transitions, time gaps); width 64, 2 blocks, 2 heads',
  weightsDir: SASREC_WEIGHTS,
  buildNetwork: buildSasrecNetwork,
};

/**
 * SASRec-style behaviour encoder whose input is ID-agnostic: per event, popularity within the
 * dataset, repeat and recency, transition probability from the previous event, time gap and position
 * (EVENT_FEATURE_NAMES) go through a small MLP, learned recency positions and 2 causal
 * self-attention blocks (width 64, 2 heads). Nothing in it depends on the catalogue, so all of it
 * transfers; the new catalogue's item embeddings live in the head (the new layer).
 *
 * The backbone and pretrainer classes the plugin registers (registerEventEncoder), exported by name
 * for the public API.
 */
export const SasrecBackbone = eventEncoderBackbone(SASREC_SPEC);
export type SasrecBackbone = EventEncoderBackbone;
export const SasrecPretrainer = eventEncoderPretrainer(SASREC_SPEC);
