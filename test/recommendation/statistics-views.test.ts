import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { UsageError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';
import { featuresOf } from '../../plugins/recommendation/data/features.js';
import { fitTransitions } from '../../plugins/recommendation/data/stats.js';
import { fitStatisticsOf } from '../../plugins/recommendation/data/stats-io.js';
import { statisticsViews } from '../../plugins/recommendation/pretraining/statistics-views.js';

const ITEMS = 12;
// 40 users of 2–6 events.
const rng = new Rng(5);
const train = Array.from({ length: 40 }, () => Array.from({ length: 2 + rng.int(5) }, () => rng.int(ITEMS)));
const options = { contextLength: 8, successors: 3, neighbours: 2, seed: 7 };
const examplesOf = (seqs: number[][]) => seqs.reduce((a, s) => a + Math.max(0, s.length - 1), 0);
const total = (a: Float32Array) => a.reduce((x, y) => x + y, 0);

beforeAll(async () => {
  await useBackend('cpu');
});

describe('statisticsViews', () => {
  it('fits each view on its share of the users; inside examples hold out their targets, outside ones do not', () => {
    const [half] = statisticsViews(train, undefined, ITEMS, { ...options, shares: [0.5] });
    const inside = half!.inside;
    const outside = half!.outside!;
    // Every multi-event user's examples are in exactly one of the two sets.
    expect(inside.size + outside.size).toBe(examplesOf(train));
    // The statistics count the events of the 20 users inside only: each has one event more than examples.
    expect(total(half!.stats.counts)).toBe(inside.size + 20);
    expect(half!.stats.events).toBe(inside.size + 20);
    const held = (set: typeof inside) =>
      tf.tidy(() => Array.from(set.batch(Array.from({ length: set.size }, (_, i) => i)).input.heldOut!.dataSync()));
    const targets = (set: typeof inside) => Array.from({ length: set.size }, (_, e) => set.target(e));
    expect(held(inside)).toEqual(targets(inside));
    expect(held(outside).every((h) => h === -1)).toBe(true);
  });

  it('the share-1 view is the whole log: the same statistics as fitting all users, and no outside set', () => {
    const [all] = statisticsViews(train, undefined, ITEMS, { ...options, shares: [1] });
    const full = featuresOf(fitStatisticsOf(train, fitTransitions(train, ITEMS), options.neighbours), options.successors).stats;
    expect(all!.outside).toBeUndefined();
    expect(all!.inside.size).toBe(examplesOf(train));
    expect(Array.from(all!.stats.counts)).toEqual(Array.from(full.counts));
    expect(Array.from(all!.stats.successors)).toEqual(Array.from(full.successors));
    expect(Array.from(all!.stats.neighbourWeights!)).toEqual(Array.from(full.neighbourWeights!));
  });

  it('smaller shares see fewer events, and each view draws its own users', () => {
    const views = statisticsViews(train, undefined, ITEMS, { ...options, shares: [0.25, 0.25, 1] });
    const events = views.map((v) => total(v.stats.counts));
    expect(events[0]).toBeLessThan(events[2]!);
    expect(Array.from(views[0]!.stats.counts)).not.toEqual(Array.from(views[1]!.stats.counts));
  });

  it('refuses shares outside (0, 1] and an empty list', () => {
    for (const shares of [[0], [1.5], [Number.NaN], []]) {
      expect(() => statisticsViews(train, undefined, ITEMS, { ...options, shares })).toThrow(UsageError);
    }
  });
});
