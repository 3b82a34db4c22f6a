import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import { Linear } from '../../../core/nn/index.js';
import { seasonalAnchor } from './seasonal-anchor.js';
import type { Encoding, Head, HeadConfig, HeadModel } from '../../../core/interfaces/index.js';
import { covariateNames, type ForecastInput } from '../contracts.js';

/**
 * PatchTST-style flatten head on a seasonal-naive anchor: the forecast is the anchor (the context's
 * last season repeated, see seasonal-anchor.ts) plus one linear map from the flat encoding and, when
 * the data has them, the flattened known-future covariates; all in instance-normalised units.
 */
export class LinearForecastHeadModel implements HeadModel<ForecastInput> {
  constructor(
    readonly config: HeadConfig,
    readonly network: tf.LayersModel,
  ) {}

  predict(encoding: Encoding, input: ForecastInput, training: boolean): tf.Tensor {
    return tf.tidy(() => this.network.apply(headFeeds(this.config, encoding, input), { training }) as tf.Tensor);
  }

  exampleTarget(batchSize: number, seed: number): tf.Tensor {
    return tf.randomNormal([batchSize, this.config.outputs], 0, 1, 'float32', seed);
  }

  loss(prediction: tf.Tensor, target: tf.Tensor, weight?: tf.Tensor1D): tf.Scalar {
    // MAE in normalised units (robust to outliers); with weights = 1 / each window's in-sample
    // seasonal-naive error, it is the MASE of the batch.
    const err = tf.abs(tf.sub(prediction, target));
    return tf.mean(weight ? tf.mul(err, tf.reshape(weight, [-1, 1])) : err) as tf.Scalar;
  }
}

@injectable()
export class LinearForecastHead implements Head<ForecastInput> {
  readonly id = 'linear-forecast';
  readonly task = 'forecast' as const;
  readonly description = 'Seasonal-naive anchor + a linear map from the flat encoding (+ known-future covariates) to the horizon';

  create(config: HeadConfig, options: { seed: number; warmStart?: HeadModel<ForecastInput> }): HeadModel<ForecastInput> {
    const { inputs, x, anchor } = headInputs(config);
    const correction = new Linear({ units: config.outputs, seed: options.seed, name: 'forecast' }).apply(x) as tf.SymbolicTensor;
    const out = tf.layers.add({ name: 'anchored' }).apply([anchor, correction]) as tf.SymbolicTensor;
    const network = tf.model({ inputs, outputs: out, name: 'linear_forecast_head' });
    if (options.warmStart) warmStart(network, options.warmStart.network, config);
    return new LinearForecastHeadModel(config, network);
  }

  wrap(config: HeadConfig, network: tf.LayersModel): HeadModel<ForecastInput> {
    return new LinearForecastHeadModel(config, network);
  }
}

/** What a network built on headInputs is fed: the encoding, the anchor and the flattened covariates. */
export function headFeeds(config: HeadConfig, encoding: Encoding, input: ForecastInput): tf.Tensor[] {
  const feeds: tf.Tensor[] = [encoding.hidden, seasonalAnchor(input.context, input.mask, input.period, config.outputs)];
  if (covariateNames(config).length > 0) {
    if (!input.covariates) throw new Error('head expects known-future covariates but the batch has none');
    feeds.push(tf.reshape(input.covariates, [input.covariates.shape[0], -1]));
  }
  return feeds;
}

/**
 * The head's inputs: the flat encoding, the seasonal-naive anchor over the horizon, and the flattened
 * future covariates when the config names any. `x` (encoding + covariates) feeds the correction; the
 * anchor only enters the sum, so step h's forecast never depends on later steps and a head cut to a
 * shorter horizon forecasts exactly the first steps of the longer one.
 */
export function headInputs(config: HeadConfig): { inputs: tf.SymbolicTensor[]; x: tf.SymbolicTensor; anchor: tf.SymbolicTensor } {
  const emb = tf.input({ shape: [config.embeddingSize], name: 'encoding' });
  const anchor = tf.input({ shape: [config.outputs], name: 'anchor' });
  if (covariateNames(config).length === 0) return { inputs: [emb, anchor], x: emb, anchor };
  const cov = tf.input({ shape: [config.outputs * covariateNames(config).length], name: 'covariates' });
  return { inputs: [emb, anchor, cov], x: tf.layers.concatenate().apply([emb, cov]) as tf.SymbolicTensor, anchor };
}

/** Copies the pretrained head's weights for the first `outputs` steps; covariate weights start at zero. */
export function warmStart(target: tf.LayersModel, source: tf.LayersModel, config: HeadConfig): void {
  const [srcKernel, srcBias] = source.getLayer('forecast').getWeights() as [tf.Tensor2D, tf.Tensor1D];
  if (srcKernel.shape[0] !== config.embeddingSize || srcKernel.shape[1] < config.outputs) return;
  const kernel = tf.tidy(() => {
    const k = tf.slice(srcKernel, [0, 0], [config.embeddingSize, config.outputs]);
    const extra = config.outputs * covariateNames(config).length;
    return extra > 0 ? tf.concat([k, tf.zeros([extra, config.outputs])], 0) : k;
  });
  const bias = tf.slice(srcBias, [0], [config.outputs]);
  target.getLayer('forecast').setWeights([kernel, bias]);
  tf.dispose([kernel, bias]);
}

/** Wraps an already-built (e.g. loaded) network as a linear forecast head. */
export function linearForecastHeadFrom(config: HeadConfig, network: tf.LayersModel): HeadModel<ForecastInput> {
  return new LinearForecastHeadModel(config, network);
}
