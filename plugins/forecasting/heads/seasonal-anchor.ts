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
    const [B, L] = context.shape;
    if (period.shape[1] !== PERIOD_BUCKETS) throw new Error(`seasonalAnchor: period token has ${period.shape[1]} buckets, expected ${PERIOD_BUCKETS}`);
    // One gather for every bucket's season at once: [B, buckets, horizon], then the token picks one.
    const idx = tf.tensor1d(seasonIndices(L, horizon), 'int32');
    const seasonal = tf.reshape(tf.gather(context, idx, 1), [B, PERIOD_BUCKETS, horizon]);
    const seen = tf.reshape(tf.gather(mask, idx, 1), [B, PERIOD_BUCKETS, horizon]);
    const last = tf.reshape(tf.slice(context, [0, L - 1], [-1, 1]), [B, 1, 1]);
    const filled = tf.add(tf.mul(seen, seasonal), tf.mul(tf.sub(1, seen), last));
    return tf.sum(tf.mul(filled, tf.reshape(period, [B, PERIOD_BUCKETS, 1])), 1) as tf.Tensor2D;
  });
}

/** Context positions of each bucket's season over the horizon, bucket-major; the catch-all bucket uses p = 1. */
function seasonIndices(contextLength: number, horizon: number): number[] {
  const out: number[] = [];
  for (const p of [...PERIOD_VALUES.map(Number), 1]) {
    const lag = Math.min(p, contextLength);
    for (let h = 0; h < horizon; h++) out.push(contextLength - lag + (h % lag));
  }
  return out;
}
