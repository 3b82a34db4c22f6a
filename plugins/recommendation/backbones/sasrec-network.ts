import * as tf from '@tensorflow/tfjs';
import { LayerNorm, Linear } from '../../../core/nn/index.js';
import { CausalSelfAttention } from '../layers/causal-attention.js';
import { RecentPositional } from '../layers/sequence.js';
import { eventStem } from './event-stem.js';
import type { EventEncoderConfig } from './event-encoder.js';

/** Architecture of a SASRec-style encoder over ID-agnostic event features. */
export interface SasrecConfig extends EventEncoderConfig {
  heads: number;
  blocks: number;
  /** Hidden width of each block's feed-forward layer. */
  ffn: number;
  /** Dropout after the input projection and inside every block (training only). */
  dropout: number;
}

/**
 * [events [batch, T, features], mask [batch, T]] -> [batch, T, width] causal states, T ≤ contextLength
 * (batches are padded only to their longest history). Pre-norm transformer blocks as in SASRec over
 * the shared event stem (a feature MLP instead of an item-id lookup) and learned recency positions.
 */
export function buildSasrecNetwork(cfg: SasrecConfig, seed: number): tf.LayersModel {
  const { events, mask, projected, next, masked, dropout } = eventStem(cfg, seed);
  let h = new RecentPositional({ maxLength: cfg.contextLength, seed: next(), name: 'positions' }).apply(projected) as tf.SymbolicTensor;
  h = masked(dropout(h, 'drop_in'), 'mask_in');
  for (let b = 0; b < cfg.blocks; b++) {
    let a = new LayerNorm({ name: `b${b}_ln_att` }).apply(h) as tf.SymbolicTensor;
    a = new CausalSelfAttention({ units: cfg.width, heads: cfg.heads, seed: next(), name: `b${b}_attention` }).apply([a, mask]) as tf.SymbolicTensor;
    h = tf.layers.add({ name: `b${b}_res_att` }).apply([h, dropout(a, `b${b}_drop_att`)]) as tf.SymbolicTensor;
    let f = new LayerNorm({ name: `b${b}_ln_ffn` }).apply(h) as tf.SymbolicTensor;
    f = new Linear({ units: cfg.ffn, activation: 'gelu', seed: next(), name: `b${b}_ffn_in` }).apply(f) as tf.SymbolicTensor;
    f = new Linear({ units: cfg.width, seed: next(), name: `b${b}_ffn_out` }).apply(f) as tf.SymbolicTensor;
    h = tf.layers.add({ name: `b${b}_res_ffn` }).apply([h, dropout(f, `b${b}_drop_ffn`)]) as tf.SymbolicTensor;
    h = masked(h, `b${b}_mask`);
  }
  h = new LayerNorm({ name: 'ln_out' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: [events, mask], outputs: h, name: 'sasrec_features' });
}
