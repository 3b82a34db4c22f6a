import * as tf from '@tensorflow/tfjs';
import { LayerNorm } from '../../../core/nn/index.js';
import { CausalConv } from '../layers/causal-conv.js';
import { eventStem } from './event-stem.js';
import type { EventEncoderConfig } from './event-encoder.js';

/** Architecture of a NextItNet-style encoder over ID-agnostic event features. */
export interface NextitnetConfig extends EventEncoderConfig {
  /** Residual blocks of two causal convolutions each; dilations double per convolution (1, 2, 4, 8, …). */
  blocks: number;
  /** Taps per convolution. */
  kernelSize: number;
  /** Dropout after the input projection and on every block's residual branch (training only). */
  dropout: number;
}

/** Steps an output can see back to (itself included): 1 + (k−1)·(1 + 2 + … + 2^(2·blocks−1)). */
export function receptiveField(cfg: Pick<NextitnetConfig, 'blocks' | 'kernelSize'>): number {
  return 1 + (cfg.kernelSize - 1) * (2 ** (2 * cfg.blocks) - 1);
}

/**
 * [events [batch, T, features], mask [batch, T]] -> [batch, T, width] causal states, T ≤ contextLength.
 * NextItNet's stack of dilated causal convolutions in residual blocks (pre-norm here, as in the SASRec
 * encoder), over the event stem sasrec-s uses (a feature MLP instead of an item-id lookup), so every
 * weight transfers to a new catalogue. No positional table: a convolution already knows "k steps ago".
 */
export function buildNextitnetNetwork(cfg: NextitnetConfig, seed: number): tf.LayersModel {
  const { events, mask, projected, next, masked, dropout } = eventStem(cfg, seed);
  const conv = (x: tf.SymbolicTensor, dilation: number, activation: 'relu' | 'linear', name: string) =>
    new CausalConv({ units: cfg.width, kernelSize: cfg.kernelSize, dilation, activation, seed: next(), name }).apply([x, mask]) as tf.SymbolicTensor;
  let h = masked(dropout(projected, 'drop_in'), 'mask_in');
  for (let b = 0; b < cfg.blocks; b++) {
    let f = new LayerNorm({ name: `b${b}_ln_1` }).apply(h) as tf.SymbolicTensor;
    f = conv(f, 2 ** (2 * b), 'relu', `b${b}_conv_1`);
    f = new LayerNorm({ name: `b${b}_ln_2` }).apply(f) as tf.SymbolicTensor;
    f = conv(f, 2 ** (2 * b + 1), 'linear', `b${b}_conv_2`);
    h = tf.layers.add({ name: `b${b}_res` }).apply([h, dropout(f, `b${b}_drop`)]) as tf.SymbolicTensor;
    h = masked(h, `b${b}_mask`);
  }
  h = new LayerNorm({ name: 'ln_out' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: [events, mask], outputs: h, name: 'nextitnet_features' });
}
