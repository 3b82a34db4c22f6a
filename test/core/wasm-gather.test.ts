import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { originalGather } from '../../core/wasm-gather.js';
import { seededValues } from '../helpers/fixtures.js';

/** tfjs-backend-wasm's own GatherV2 on the same inputs. */
function original(x: tf.Tensor, indices: tf.Tensor, axis: number, batchDims = 0): tf.Tensor {
  const info = originalGather()!({ inputs: { x, indices }, backend: tf.backend(), attrs: { axis, batchDims } }) as tf.TensorInfo;
  return tf.engine().makeTensorFromTensorInfo(info);
}

function same(x: tf.Tensor, indices: tf.Tensor, axis: number, batchDims = 0): void {
  tf.tidy(() => {
    const got = tf.gather(x, indices, axis, batchDims);
    const want = original(x, indices, axis, batchDims);
    expect(got.shape).toEqual(want.shape);
    expect(got.dtype).toBe(want.dtype);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
  });
}

describe('wasm GatherV2 as row copies', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('replaces the wasm kernel, with the original kept', () => {
    expect(originalGather()).toBeTypeOf('function');
    expect(tf.getKernel('GatherV2', 'wasm')!.kernelFunc).not.toBe(originalGather());
  });

  it('matches the original: embedding rows, an inner axis, int32 values, repeated ids, batchDims', () => {
    tf.tidy(() => {
      const table = tf.tensor(seededValues(1, 50 * 6), [50, 6]);
      same(table, tf.tensor2d([[0, 49, 3], [3, 3, 7]], [2, 3], 'int32'), 0); // [B, T] ids -> [B, T, 6]
      same(table, tf.tensor1d([5], 'int32'), 0);
      same(table, tf.tensor1d([5, 0, 5, 2], 'int32'), 1); // along the last axis (patch-mixer's)
      same(tf.tensor(seededValues(2, 4 * 5 * 3), [4, 5, 3]), tf.tensor1d([4, 0, 2], 'int32'), 1);
      same(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), tf.tensor1d([2, 2, 0], 'int32'), 0);
      same(tf.tensor(seededValues(3, 2 * 5 * 3), [2, 5, 3]), tf.tensor2d([[0, 4], [1, 1]], [2, 2], 'int32'), 1, 1); // batchDims: the original
      same(table, tf.tensor1d([], 'int32'), 0);
    });
  });

  it('reports an index outside the axis as the original does', () => {
    const table = tf.tensor(seededValues(4, 10 * 3), [10, 3]);
    for (const bad of [10, -1]) expect(() => tf.gather(table, tf.tensor1d([1, bad], 'int32'))).toThrow(/GatherV2: the index value/);
    table.dispose();
  });

  it('reads the heap right after it grows', () => {
    const table = tf.tensor(seededValues(5, 20 * 4), [20, 4]);
    const ids = tf.tensor1d([3, 19, 0], 'int32');
    const big = tf.fill([48_000_000], 1); // 192 MB: grows the wasm memory
    same(table, ids, 0);
    tf.dispose([table, ids, big]);
  });
});
