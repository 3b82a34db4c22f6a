import * as tf from '@tensorflow/tfjs';
import { PERIOD_BUCKETS, PERIOD_VALUES } from '../data/period.js';

/**
 * The seasonal-naive continuation of each scaled context, [batch, horizon]: step h repeats the value
 * one season before it (x[L - p + h mod p]); where that value is padding (a history shorter than the
 * season) it falls back to the last observed value. The period comes from the one-hot period token;
 * the catch-all bucket uses p = 1 (naive). Forecast heads predict a correction on top of it, so an
 * untrained correction already forecasts like seasonal naive and pretraining learns what to change.
 */
export function seasonalAnchor(context: tf.Tensor2D, mask: tf.Tensor2D, period: tf.Tensor2D, horizon: number): tf.Tensor2D {
  return tf.tidy(() => {
    const L = context.shape[1];
    if (period.shape[1] !== PERIOD_BUCKETS) throw new Error(`seasonalAnchor: period token has ${period.shape[1]} buckets, expected ${PERIOD_BUCKETS}`);
    const last = tf.slice(context, [0, L - 1], [-1, 1]);
    const periods = [...PERIOD_VALUES.map(Number), 1];
    let anchor: tf.Tensor2D | undefined;
    periods.forEach((p, b) => {
      const lag = Math.min(p, L);
      const idx = tf.tensor1d(Array.from({ length: horizon }, (_, h) => L - lag + (h % lag)), 'int32');
      const seasonal = tf.gather(context, idx, 1);
      const seen = tf.gather(mask, idx, 1);
      const filled = tf.add(tf.mul(seen, seasonal), tf.mul(tf.sub(1, seen), last));
      const weighted = tf.mul(tf.slice(period, [0, b], [-1, 1]), filled) as tf.Tensor2D;
      anchor = anchor ? (tf.add(anchor, weighted) as tf.Tensor2D) : weighted;
    });
    return anchor!;
  });
}
