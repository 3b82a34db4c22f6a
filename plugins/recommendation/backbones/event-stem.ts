import * as tf from '@tensorflow/tfjs';
import { Linear } from '../../../core/nn/index.js';
import { MaskSteps, SeededDropout } from '../layers/sequence.js';
import type { EventEncoderConfig } from './event-encoder.js';

/** The start every event encoder shares, and the helpers its blocks are written with. */
export interface EventStem {
  events: tf.SymbolicTensor;
  mask: tf.SymbolicTensor;
  /** The per-event features projected to the model width [B, T, width] (no dropout or mask yet). */
  projected: tf.SymbolicTensor;
  /** The next seed of the network's seed sequence (layers take seeds in build order). */
  next: () => number;
  /** x with padded steps zeroed. */
  masked: (x: tf.SymbolicTensor, name: string) => tf.SymbolicTensor;
  /** Seeded dropout (training only); the identity when the rate is 0. */
  dropout: (x: tf.SymbolicTensor, name: string) => tf.SymbolicTensor;
}

/**
 * Inputs [events [B, T, features], mask [B, T]] and a small MLP projecting the per-event features
 * instead of an item-id lookup: nothing here depends on the catalogue, so every weight transfers.
 */
export function eventStem(cfg: EventEncoderConfig & { dropout: number }, seed: number): EventStem {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483647);
  const events = tf.input({ shape: [null, cfg.features], name: 'events' });
  const mask = tf.input({ shape: [null], name: 'mask' });
  const masked = (x: tf.SymbolicTensor, name: string) => new MaskSteps({ name }).apply([x, mask]) as tf.SymbolicTensor;
  const dropout = (x: tf.SymbolicTensor, name: string) => (cfg.dropout > 0 ? (new SeededDropout({ rate: cfg.dropout, seed: next(), name }).apply(x) as tf.SymbolicTensor) : x);
  const hidden = new Linear({ units: cfg.width, activation: 'gelu', seed: next(), name: 'event_in' }).apply(events) as tf.SymbolicTensor;
  const projected = new Linear({ units: cfg.width, seed: next(), name: 'event_proj' }).apply(hidden) as tf.SymbolicTensor;
  return { events, mask, projected, next, masked, dropout };
}
