import * as tf from '@tensorflow/tfjs';
import type { BackboneModel, ExampleSet } from '../interfaces/index.js';

/**
 * Runs a frozen backbone once over a whole example set and keeps the encodings: training a probe on
 * them is exact (the frozen encoder gives the same output every epoch) and far cheaper.
 */
export function encodeAll<T>(backbone: BackboneModel<T>, set: ExampleSet<T>, chunk = 512): Float32Array {
  const width = backbone.info.embeddingSize;
  const out = new Float32Array(set.size * width);
  for (let start = 0; start < set.size; start += chunk) {
    const idx = Array.from({ length: Math.min(chunk, set.size - start) }, (_, i) => start + i);
    // Read the data outside tidy: tidy walks a returned value looking for tensors, element by element.
    const hidden = tf.tidy(() => backbone.encode(set.batch(idx).input, false).hidden);
    out.set(hidden.dataSync() as Float32Array, start * width);
    hidden.dispose();
  }
  return out;
}

/** The rows `indices` of a cached [n, width] encoding matrix, as a tensor. */
export function cachedRows(cache: Float32Array, width: number, indices: number[]): tf.Tensor2D {
  const rows = new Float32Array(indices.length * width);
  indices.forEach((r, i) => rows.set(cache.subarray(r * width, (r + 1) * width), i * width));
  return tf.tensor2d(rows, [indices.length, width]);
}
