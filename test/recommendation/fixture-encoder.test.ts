/**
 * Adding an event encoder takes a spec, a network and one registration line: a fixture encoder
 * registered that way passes the contract suite, pretrains, and transfers to a new catalogue
 * through the same service as the shipped ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import type { Pretrainer } from '../../core/interfaces/index.js';
import { definePlugin } from '../../core/plugin.js';
import { builtinPlugins } from '../../plugins/index.js';
import { RECOMMEND_SERVICE } from '../../plugins/recommendation/module.js';
import { registerEventEncoder } from '../../plugins/recommendation/backbones/define-event-encoder.js';
import { eventStem } from '../../plugins/recommendation/backbones/event-stem.js';
import type { EventEncoderConfig, EventEncoderSpec } from '../../plugins/recommendation/backbones/event-encoder.js';
import { EVENT_FEATURES } from '../../plugins/recommendation/data/features.js';
import { loadEvents } from '../../plugins/recommendation/data/events-loader.js';
import { leaveOneOut } from '../../plugins/recommendation/data/splits.js';
import type { RecommendService } from '../../plugins/recommendation/services/recommend-service.js';
import { componentContracts } from '../../testing/contracts.js';
import { writeEventsCsv } from '../helpers/fixtures.js';

// The spec file and the network file of a new encoder (here: the shared event stem, no blocks).
interface StemOnlyConfig extends EventEncoderConfig {
  dropout: number;
}
const dir = mkdtempSync(join(tmpdir(), 'headstart-fixture-encoder-'));
const STEM_ONLY: EventEncoderSpec<StemOnlyConfig> = {
  id: 'stem-only-xs',
  version: '0.1.0',
  config: { contextLength: 8, features: EVENT_FEATURES, width: 8, dropout: 0 },
  description: 'fixture: the event stem alone, width 8',
  weightsDir: join(dir, 'weights'),
  buildNetwork: (cfg, seed) => {
    const { events, mask, projected, masked } = eventStem(cfg, seed);
    return tf.model({ inputs: [events, mask], outputs: masked(projected, 'mask_out'), name: 'stem_only' });
  },
};
// The registration line.
const fixturePlugin = definePlugin('fixture-encoders', (r) => registerEventEncoder(r, STEM_ONLY));

componentContracts([...builtinPlugins, fixturePlugin], { owners: ['fixture-encoders'] });

describe('an encoder added by one registration line', () => {
  const container = createContainer([...builtinPlugins, fixturePlugin]);
  const registry = registryOf(container);
  beforeAll(() => useBackend('wasm'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pretrains two steps into its weights folder, then transfers by probe to a new catalogue', async () => {
    const source = join(dir, 'source.csv');
    writeEventsCsv(source, 30, 15, 1);
    const pretrainer = registry.get<Pretrainer<Record<string, unknown>>>('pretrainer', 'stem-only-xs');
    const summary = await pretrainer.run({ events: source, steps: 2, batchSize: 8, learningRate: 1e-3, seed: 1, checkpointEvery: 2, head: { itemDim: 8, successors: 4 }, out: STEM_ONLY.weightsDir, command: 'test' });
    expect(summary.steps).toBe(2);
    expect(summary.parameters).toBe(registry.get<{ describe(): { parameters: number } }>('backbone', 'stem-only-xs').describe().parameters);

    const target = join(dir, 'target.csv');
    writeEventsCsv(target, 40, 10, 2, { user: 'v', item: 'j' });
    const events = await loadEvents(target);
    const split = leaveOneOut(events);
    const service = container.get<RecommendService>(RECOMMEND_SERVICE);
    const { recommender, training } = await service.transfer(events.items.length, split, { backbone: 'stem-only-xs', strategy: 'probe', seed: 3, epochs: 1, maxStepsPerEpoch: 2, batchSize: 16 });
    expect(training.epochsRun).toBe(1);
    const [row] = service.evaluate(events.items.length, split, [{ name: 'probe', recommender }], {}, []);
    expect(row!.report.aggregate['NDCG@10']).toBeGreaterThanOrEqual(0);
    expect(row!.report.aggregate['NDCG@10']).toBeLessThanOrEqual(1);
  }, 60_000);
});
