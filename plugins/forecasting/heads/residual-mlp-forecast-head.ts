import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import { Linear } from '../../../core/nn/index.js';
import type { Head, HeadConfig, HeadModel } from '../../../core/interfaces/index.js';
import type { ForecastInput } from '../contracts.js';
import { LinearForecastHeadModel, headInputs, warmStart } from './linear-forecast-head.js';

const HIDDEN = 256;

/**
 * The anchored linear flatten head (see linear-forecast-head.ts) plus a one-hidden-layer MLP branch whose output layer starts at zero: it
 * begins exactly as the (warm-started) linear head and can learn non-linear corrections on top.
 */
@injectable()
export class ResidualMlpForecastHead implements Head<ForecastInput> {
  readonly id = 'residual-mlp-forecast';
  readonly task = 'forecast' as const;
  readonly description = `Seasonal-naive anchor + linear head + zero-initialised MLP branch (hidden ${HIDDEN}, GELU) on the flat encoding (+ covariates)`;

  create(config: HeadConfig, options: { seed: number; warmStart?: HeadModel<ForecastInput> }): HeadModel<ForecastInput> {
    const { inputs, x, anchor } = headInputs(config);
    const linear = new Linear({ units: config.outputs, seed: options.seed, name: 'forecast' }).apply(x) as tf.SymbolicTensor;
    const hidden = new Linear({ units: HIDDEN, activation: 'gelu', seed: options.seed + 1, name: 'mlp_in' }).apply(x) as tf.SymbolicTensor;
    const correction = new Linear({ units: config.outputs, zeroInit: true, name: 'mlp_out' }).apply(hidden) as tf.SymbolicTensor;
    const out = tf.layers.add({ name: 'anchored' }).apply([anchor, linear, correction]) as tf.SymbolicTensor;
    const network = tf.model({ inputs, outputs: out, name: 'residual_mlp_forecast_head' });
    if (options.warmStart) warmStart(network, options.warmStart.network, config);
    return new LinearForecastHeadModel(config, network);
  }

  wrap(config: HeadConfig, network: tf.LayersModel): HeadModel<ForecastInput> {
    return new LinearForecastHeadModel(config, network);
  }
}
