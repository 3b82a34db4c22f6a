import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import { Linear } from '../../../core/nn/index.js';
import { UsageError } from '../../../core/errors.js';
import { headFeeds, headInputs, warmStart } from './linear-forecast-head.js';
import type { Encoding, Head, HeadConfig, HeadModel } from '../../../core/interfaces/index.js';
import type { ForecastInput } from '../contracts.js';

/** Quantile levels of a head config (`options.levels`, "0.1,0.5,0.9"), ascending, always with the median. */
export function quantileLevels(config: Pick<HeadConfig, 'options'>): number[] {
  const raw = config.options?.levels;
  if (raw === undefined) return [0.5];
  return parseQuantileLevels(String(raw));
}

/** Parses "0.1,0.5,0.9": each level in (0, 1), sorted, duplicates removed, 0.5 added (the point forecast). */
export function parseQuantileLevels(text: string): number[] {
  const levels = text.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  for (const l of levels) {
    if (!(l > 0 && l < 1)) throw new UsageError(`--quantiles ${text}: every level must be a number in (0, 1), e.g. 0.1,0.5,0.9`, 'bad-quantiles');
  }
  return [...new Set([...levels, 0.5])].sort((a, b) => a - b);
}

/**
 * Quantile forecasts on the linear head's anchor: the median is the linear forecast head (same
 * layer name, so it warm-starts from a pretrained linear head), and every other level is the median
 * plus (above) or minus (below) a cumulative sum of softplus increments, so levels can never cross.
 * Output [batch, levels × horizon], level-major, ascending levels; trained with the pinball loss,
 * weighted per window like the point loss (MASE-scaled).
 */
export class QuantileForecastHeadModel implements HeadModel<ForecastInput> {
  readonly levels: number[];

  constructor(
    readonly config: HeadConfig,
    readonly network: tf.LayersModel,
  ) {
    this.levels = quantileLevels(config);
  }

  predict(encoding: Encoding, input: ForecastInput, training: boolean): tf.Tensor {
    return tf.tidy(() => this.network.apply(headFeeds(this.config, encoding, input), { training }) as tf.Tensor);
  }

  exampleTarget(batchSize: number, seed: number): tf.Tensor {
    return tf.randomNormal([batchSize, this.config.outputs], 0, 1, 'float32', seed);
  }

  /** Mean pinball loss over levels and steps; target [batch, horizon]. */
  loss(prediction: tf.Tensor, target: tf.Tensor, weight?: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => {
      const perRow = tf.mean(this.pinballTerms(prediction, target), [1, 2]);
      return tf.mean(weight ? tf.mul(perRow, weight) : perRow) as tf.Scalar;
    });
  }

  /**
   * Twice the pinball loss of every level and step, [batch, levels, horizon] (twice, so the median's
   * term equals the point head's absolute error); target [batch, horizon].
   */
  pinballTerms(prediction: tf.Tensor, target: tf.Tensor): tf.Tensor3D {
    const H = this.config.outputs;
    const Q = this.levels.length;
    const diff = tf.sub(tf.reshape(target, [-1, 1, H]), tf.reshape(prediction, [-1, Q, H])); // y − ŷ
    const q = tf.reshape(tf.tensor1d(this.levels), [1, Q, 1]);
    return tf.mul(2, tf.maximum(tf.mul(q, diff), tf.mul(tf.sub(q, 1), diff))) as tf.Tensor3D;
  }

  /** Splits one output row (level-major) into one row per level. */
  split(row: readonly number[]): number[][] {
    const H = this.config.outputs;
    return this.levels.map((_, k) => row.slice(k * H, (k + 1) * H));
  }
}

@injectable()
export class QuantileForecastHead implements Head<ForecastInput> {
  readonly id = 'quantile-forecast';
  readonly task = 'forecast' as const;
  readonly description = 'Quantiles (options.levels) as the linear head\'s median plus cumulative positive increments: never crossing; pinball loss';

  create(config: HeadConfig, options: { seed: number; warmStart?: HeadModel<ForecastInput> }): HeadModel<ForecastInput> {
    const levels = quantileLevels(config);
    const H = config.outputs;
    const { inputs, x, anchor } = headInputs(config);
    const correction = new Linear({ units: H, seed: options.seed, name: 'forecast' }).apply(x) as tf.SymbolicTensor;
    const median = tf.layers.add({ name: 'anchored' }).apply([anchor, correction]) as tf.SymbolicTensor;
    const below = levels.filter((l) => l < 0.5).length;
    const above = levels.length - below - 1;
    const parts: tf.SymbolicTensor[] = [];
    const spread = (n: number, name: string, seed: number) => {
      // Softplus increments, accumulated outwards from the median (step h of level k adds to level k−1's).
      const inc = new Linear({ units: n * H, seed, name }).apply(x) as tf.SymbolicTensor;
      return tf.layers.activation({ activation: 'softplus', name: `${name}_pos` }).apply(inc) as tf.SymbolicTensor;
    };
    const cumulative = new CumulativeLevels({ below, above, horizon: H, name: 'levels' });
    if (below > 0) parts.push(spread(below, 'spread_below', options.seed + 11));
    if (above > 0) parts.push(spread(above, 'spread_above', options.seed + 13));
    const out = cumulative.apply([median, ...parts]) as tf.SymbolicTensor;
    const network = tf.model({ inputs, outputs: out, name: 'quantile_forecast_head' });
    if (options.warmStart) warmStart(network, options.warmStart.network, config);
    return new QuantileForecastHeadModel(config, network);
  }

  wrap(config: HeadConfig, network: tf.LayersModel): HeadModel<ForecastInput> {
    return new QuantileForecastHeadModel(config, network);
  }
}

/**
 * [median [B, H], increments below [B, nb·H]?, increments above [B, na·H]?] → [B, (nb + 1 + na)·H],
 * ascending levels: level below k = median − Σ of the k innermost increments, above likewise plus.
 */
export class CumulativeLevels extends tf.layers.Layer {
  static className = 'HeadstartCumulativeLevels';
  private readonly below: number;
  private readonly above: number;
  private readonly horizon: number;

  constructor(args: { below: number; above: number; horizon: number; name?: string }) {
    super({ name: args.name });
    this.below = args.below;
    this.above = args.above;
    this.horizon = args.horizon;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [first[0]!, (this.below + 1 + this.above) * this.horizon];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const xs = Array.isArray(inputs) ? inputs : [inputs];
      const H = this.horizon;
      const median = xs[0] as tf.Tensor2D;
      let i = 1;
      const blocks: tf.Tensor[] = [];
      if (this.below > 0) {
        // Innermost first: level k below the median is the median minus the first k increments; emit outermost first.
        const down = cumulativeFrom(median, xs[i++]!, this.below, H, -1);
        blocks.push(...down.reverse());
      }
      blocks.push(median);
      if (this.above > 0) {
        blocks.push(...cumulativeFrom(median, xs[i++]!, this.above, H, 1));
      }
      return tf.concat(blocks, 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), below: this.below, above: this.above, horizon: this.horizon };
  }
}
tf.serialization.registerClass(CumulativeLevels);

/**
 * median + sign · (inc₁ + … + inc_k) for k = 1..n, one [B, H] tensor each. A running sum of slices
 * rather than tf.cumsum: tfjs 4.22's cumsum gradient breaks on a non-last axis of a 3-D tensor.
 */
function cumulativeFrom(median: tf.Tensor, increments: tf.Tensor, n: number, H: number, sign: 1 | -1): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  let level = median;
  for (let k = 0; k < n; k++) {
    const inc = tf.slice(increments, [0, k * H], [-1, H]);
    level = sign > 0 ? tf.add(level, inc) : tf.sub(level, inc);
    out.push(level);
  }
  return out;
}

/**
 * Copies a pretrained quantile head (same levels, a longer horizon) into `target`: the median layer
 * through the point head's warm start, each spread layer level block by level block, cut to the
 * target's horizon.
 */
export function quantileWarmStart(target: tf.LayersModel, source: QuantileForecastHeadModel, config: HeadConfig): void {
  warmStart(target, source.network, config);
  const H = config.outputs;
  const Hs = source.config.outputs;
  for (const name of ['spread_below', 'spread_above']) {
    const src = source.network.layers.find((l) => l.name === name);
    const dst = target.layers.find((l) => l.name === name);
    if (!src || !dst) continue;
    const [kernel, bias] = src.getWeights() as [tf.Tensor2D, tf.Tensor1D];
    const n = bias.shape[0] / Hs;
    const cut = tf.tidy(() => [
      tf.concat(Array.from({ length: n }, (_, k) => tf.slice(kernel, [0, k * Hs], [-1, H])), 1),
      tf.concat(Array.from({ length: n }, (_, k) => tf.slice(bias, [k * Hs], [H])), 0),
    ]);
    dst.setWeights(cut);
    tf.dispose(cut);
  }
}
