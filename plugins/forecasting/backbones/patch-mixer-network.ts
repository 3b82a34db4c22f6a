import * as tf from '@tensorflow/tfjs';
import { Linear, LayerNorm, LearnedPositional } from '../../../core/nn/index.js';
import { PERIOD_BUCKETS } from '../data/period.js';

/** Architecture of a patch-mixer encoder (TSMixer/TTM family, sized for CPU). */
export interface PatchMixerConfig {
  /** Past steps read; must be a multiple of patchLength. */
  contextLength: number;
  /** Steps per patch (one token). */
  patchLength: number;
  /** Token width. */
  width: number;
  /** Mixer blocks. */
  blocks: number;
  /** Hidden width of the across-patches (token) MLP. */
  tokenHidden: number;
  /** Hidden width of the per-patch (channel) MLP. */
  channelHidden: number;
  /** Longest horizon of the pretraining head. */
  maxHorizon: number;
}

/**
 * [scaled context, mask, period one-hot] -> flat encoding [batch, (patches + 1) * width].
 * Patches carry their mask so padded history is seen as missing, not as zeros; the seasonal period
 * enters as one extra token (TTM's frequency prefix), so the mixer knows which lags matter.
 */
export function buildPatchMixerNetwork(cfg: PatchMixerConfig, seed: number): tf.LayersModel {
  const patches = cfg.contextLength / cfg.patchLength;
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483647);
  const values = tf.input({ shape: [cfg.contextLength], name: 'context' });
  const mask = tf.input({ shape: [cfg.contextLength], name: 'mask' });
  const period = tf.input({ shape: [PERIOD_BUCKETS], name: 'period' });
  const toPatches = (x: tf.SymbolicTensor) =>
    tf.layers.reshape({ targetShape: [patches, cfg.patchLength] }).apply(x) as tf.SymbolicTensor;
  let h = tf.layers.concatenate({ axis: -1 }).apply([toPatches(values), toPatches(mask)]) as tf.SymbolicTensor;
  h = new Linear({ units: cfg.width, seed: next(), name: 'patch_embed' }).apply(h) as tf.SymbolicTensor;
  let periodToken = new Linear({ units: cfg.width, seed: next(), name: 'period_embed' }).apply(period) as tf.SymbolicTensor;
  periodToken = tf.layers.reshape({ targetShape: [1, cfg.width] }).apply(periodToken) as tf.SymbolicTensor;
  h = tf.layers.concatenate({ axis: 1 }).apply([periodToken, h]) as tf.SymbolicTensor;
  h = new LearnedPositional({ seed: next(), name: 'positions' }).apply(h) as tf.SymbolicTensor;
  for (let b = 0; b < cfg.blocks; b++) {
    // Token mixing: an MLP across patches, shared over the width.
    let t = new LayerNorm({ name: `b${b}_ln_tok` }).apply(h) as tf.SymbolicTensor;
    t = tf.layers.permute({ dims: [2, 1] }).apply(t) as tf.SymbolicTensor;
    t = new Linear({ units: cfg.tokenHidden, activation: 'gelu', seed: next(), name: `b${b}_tok_in` }).apply(t) as tf.SymbolicTensor;
    t = new Linear({ units: patches + 1, seed: next(), name: `b${b}_tok_out` }).apply(t) as tf.SymbolicTensor;
    t = tf.layers.permute({ dims: [2, 1] }).apply(t) as tf.SymbolicTensor;
    h = tf.layers.add().apply([h, t]) as tf.SymbolicTensor;
    // Channel mixing: an MLP per patch.
    let c = new LayerNorm({ name: `b${b}_ln_ch` }).apply(h) as tf.SymbolicTensor;
    c = new Linear({ units: cfg.channelHidden, activation: 'gelu', seed: next(), name: `b${b}_ch_in` }).apply(c) as tf.SymbolicTensor;
    c = new Linear({ units: cfg.width, seed: next(), name: `b${b}_ch_out` }).apply(c) as tf.SymbolicTensor;
    h = tf.layers.add().apply([h, c]) as tf.SymbolicTensor;
  }
  h = new LayerNorm({ name: 'ln_out' }).apply(h) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: [values, mask, period], outputs: flat, name: 'patch_mixer' });
}
