/**
 * A third-party forecasting plugin: a DLinear-style encoder (Zeng et al., 2023: a moving-average trend
 * and the remainder, each mapped linearly) as a headstart backbone, with its pretrainer and a head.
 * It uses only the public plugin API (headstart/plugin), as any plugin would.
 */
import { fileURLToPath } from 'node:url';
import { definePlugin, LinearForecastHead, PatchMixerBackbone, PatchMixerPretrainer, PERIOD_BUCKETS, tf } from 'headstart/plugin';

const SPEC = {
  id: 'dlinear-s',
  config: { contextLength: 96, kernel: 25, width: 64, maxHorizon: 48 },
  description: 'DLinear-style: moving-average trend (25 steps) and remainder of a 96-step context, mapped linearly to 64 features',
  weightsDir: fileURLToPath(new URL('./weights/dlinear-s', import.meta.url)),
};

/**
 * [context, mask, period] → [batch, width]. A linear map of [trend, context] is a linear map of
 * trend and remainder (context − trend), DLinear's two branches, written with the layers tfjs has.
 */
export function buildDLinear(cfg, seed) {
  const L = cfg.contextLength;
  const context = tf.input({ shape: [L], name: 'context' });
  const mask = tf.input({ shape: [L], name: 'mask' });
  const period = tf.input({ shape: [PERIOD_BUCKETS], name: 'period' });
  const column = tf.layers.reshape({ targetShape: [L, 1] }).apply(context);
  const trend = tf.layers.flatten().apply(tf.layers.averagePooling1d({ poolSize: cfg.kernel, strides: 1, padding: 'same' }).apply(column));
  const both = tf.layers.concatenate().apply([trend, context, mask]);
  const linear = tf.layers.dense({ units: cfg.width, kernelInitializer: tf.initializers.glorotUniform({ seed }), name: 'dlinear' }).apply(both);
  // The seasonal period (one-hot bucket) shifts the features: the same history means more at period 12 than at 1.
  const periodShift = tf.layers.dense({ units: cfg.width, useBias: false, kernelInitializer: tf.initializers.zeros(), name: 'period_shift' }).apply(period);
  return tf.model({ inputs: [context, mask, period], outputs: tf.layers.add().apply([linear, periodShift]), name: 'dlinear_s' });
}

/** The backbone: the built-in forecasting backbone's loading, weights checks and encoding, with this network. */
export class DLinearBackbone extends PatchMixerBackbone {
  specOf() {
    return SPEC;
  }

  get version() {
    return 'dlinear-1.0.0';
  }

  buildNetwork(seed) {
    return buildDLinear(this.config, seed);
  }
}

/** Pretrains it with the built-in loop (synthetic and real corpora, checkpoints, a manifest). */
export class DLinearPretrainer extends PatchMixerPretrainer {
  backbone() {
    return new DLinearBackbone();
  }
}

/** The head: the built-in linear head (seasonal-naive anchor + linear map), under this plugin's id. */
export class DLinearHead extends LinearForecastHead {
  id = 'dlinear-head';
  description = 'Seasonal-naive anchor + a linear map from the DLinear features to the horizon';
}

export default definePlugin('headstart-plugin-dlinear', (r) => {
  r.backbone('dlinear-s', DLinearBackbone);
  r.pretrainer('dlinear-s', DLinearPretrainer);
  r.head('dlinear-head', DLinearHead);
});
