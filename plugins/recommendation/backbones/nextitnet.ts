import { packagePath } from '../../../core/io/package-root.js';
import { EVENT_FEATURES } from '../data/features.js';
import { buildNextitnetNetwork, type NextitnetConfig } from './nextitnet-network.js';
import type { EventEncoderBackbone, EventEncoderSpec } from './event-encoder.js';
import { eventEncoderBackbone, eventEncoderPretrainer } from './define-event-encoder.js';

/** Architecture version: bump when NEXTITNET_CONFIG, the network or the event features change; weights of another version do not load. */
export const NEXTITNET_VERSION = '1.0.0';

/** 2 blocks of kernel-3 convolutions dilated 1, 2, 4, 8: each output sees the last 31 events. */
export const NEXTITNET_CONFIG: NextitnetConfig = { contextLength: 32, features: EVENT_FEATURES, width: 64, blocks: 2, kernelSize: 3, dropout: 0.2 };

/** Where the shipped weights of this backbone live (copied beside the compiled file by the build). */
export const NEXTITNET_WEIGHTS = packagePath(import.meta.url, 'plugins', 'recommendation', 'weights', 'nextitnet-s');

export const NEXTITNET_SPEC: EventEncoderSpec<NextitnetConfig> = {
  id: 'nextitnet-s',
  version: NEXTITNET_VERSION,
  config: NEXTITNET_CONFIG,
  description: 'NextItNet-style dilated causal convolutions over ID-agnostic event features (popularity, repeats, transitions, time gaps); width 64, 4 convolutions (kernel 3, dilations 1-8)',
  weightsDir: NEXTITNET_WEIGHTS,
  buildNetwork: buildNextitnetNetwork,
};

/**
 * The second behaviour-encoder family: the same ID-agnostic event features and encoding contract
 * as sasrec-s (so every head, strategy and service works with either), but a stack of dilated
 * causal convolutions instead of self-attention — written as matMuls, which the wasm backend trains
 * faster than a recurrent GRU (see the throughput benchmark).
 *
 * The backbone and pretrainer classes the plugin registers (registerEventEncoder), exported by name
 * for the public API.
 */
export const NextitnetBackbone = eventEncoderBackbone(NEXTITNET_SPEC);
export type NextitnetBackbone = EventEncoderBackbone;
export const NextitnetPretrainer = eventEncoderPretrainer(NEXTITNET_SPEC);
