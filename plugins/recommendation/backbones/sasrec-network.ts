import * as tf from '@tensorflow/tfjs';
import { LayerNorm, Linear } from '../../../core/nn/index.js';
import { CausalSelfAttention } from '../layers/causal-attention.js';
import { MaskSteps, RecentPositional, SeededDropout } from '../layers/sequence.js';

/** Architecture of a SASRec-style encoder over ID-agnostic event features. */
export interface SasrecConfig {
  /** Most recent events read; longer histories are cut, shorter ones left-padded. */
  contextLength: number;
  /** Per-event feature count (EVENT_FEATURES). */
  features: number;
  /** Model width. */
  width: number;
  heads: number;
  blocks: number;
  /** Hidden width of each block's feed-forward layer. */
  ffn: number;
  /** Dropout after the input projection and inside every block (training only). */
  dropout: number;
}

/**
 * [events [batch, T, features], mask [batch, T]] -> [batch, T, width] causal states, T ≤ contextLength
 * (batches are padded only to their longest history). Pre-norm transformer blocks as in SASRec, with
 * a small MLP projecting the per-event features instead of an item-id lookup: nothing here depends
 * on the catalogue, so every weight transfers to a new one.
 */
export function buildSasrecNetwork(cfg: SasrecConfig, seed: number): tf.LayersModel {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483647);
  const events = tf.input({ shape: [null, cfg.features], name: 'events' });
  const mask = tf.input({ shape: [null], name: 'mask' });
  const masked = (x: tf.SymbolicTensor, name: string) => new MaskSteps({ name }).apply([x, mask]) as tf.SymbolicTensor;
  const dropout = (x: tf.SymbolicTensor, name: string) => (cfg.dropout > 0 ? (new SeededDropout({ rate: cfg.dropout, seed: next(), name }).apply(x) as tf.SymbolicTensor) : x);
  let h = new Linear({ units: cfg.width, activation: 'gelu', seed: next(), name: 'event_in' }).apply(events) as tf.SymbolicTensor;
  h = new Linear({ units: cfg.width, seed: next(), name: 'event_proj' }).apply(h) as tf.SymbolicTensor;
  h = new RecentPositional({ maxLength: cfg.contextLength, seed: next(), name: 'positions' }).apply(h) as tf.SymbolicTensor;
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
