import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import type { EventsDataset, EventsSplit } from '../../plugins/recommendation/contracts.js';
import { builtinPlugins } from '../../plugins/index.js';
import { RECOMMEND_SERVICE } from '../../plugins/recommendation/module.js';
import type { RecommendService } from '../../plugins/recommendation/services/recommend-service.js';
import { SasrecBackbone, SasrecPretrainer } from '../../plugins/recommendation/backbones/sasrec.js';
import type { NextItemHeadModel } from '../../plugins/recommendation/heads/next-item-head.js';
import { loadEvents } from '../../plugins/recommendation/data/events-loader.js';
import { leaveOneOut } from '../../plugins/recommendation/data/splits.js';
import { tempDir, writeEventsCsv as writeEvents } from '../helpers/fixtures.js';

let dir: string;
let weights: string;
let service: RecommendService;
let target: EventsDataset;
let split: EventsSplit;
const quick = { epochs: 3, batchSize: 32, patience: 3, maxStepsPerEpoch: 20, headOptions: { itemDim: 8, successors: 4 } };

beforeAll(async () => {
  await useBackend('wasm');
  dir = tempDir('headstart-rec-service-');
  const source = join(dir, 'source.csv');
  writeEvents(source, 40, 20, 1);
  weights = join(dir, 'weights');
  await new SasrecPretrainer().run({ events: source, steps: 20, batchSize: 16, learningRate: 2e-3, seed: 2, checkpointEvery: 100, head: { itemDim: 8, successors: 4 }, out: weights, command: 'test' });
  const container = createContainer(builtinPlugins);
  // This container's sasrec-s reads the tiny weights above, not the shipped ones: fast, and independent of them.
  registryOf(container).get<SasrecBackbone>('backbone', 'sasrec-s').weightsDir = weights;
  service = container.get<RecommendService>(RECOMMEND_SERVICE);
  // A new catalogue: 12 items, none shared with the source's 20 (item ids differ in meaning).
  const file = join(dir, 'target.csv');
  writeEvents(file, 60, 12, 7);
  target = await loadEvents(file);
  split = leaveOneOut(target);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recommend service', () => {
  it('scratch transfer trains, and evaluation ranks it beside most-popular and Markov on the same test cases', async () => {
    const N = target.items.length;
    const { recommender, training } = await service.transfer(N, split, { strategy: 'scratch', seed: 3, ...quick });
    expect(training.epochsRun).toBeGreaterThan(0);
    // history[0] is the start (no training loss); the epochs follow.
    expect(training.history[training.history.length - 1]!.trainLoss!).toBeLessThan(training.history[1]!.trainLoss!);
    expect(recommender.catalogueSize).toBe(N);
    // Scratch is the same model as the transferred ones: the pretrained head's architecture (a mixture head), randomly initialised.
    expect((recommender.model.head as NextItemHeadModel).scorer.mixture).toBe(true);
    const rows = service.evaluate(N, split, [{ name: 'scratch', recommender }]);
    expect(rows.map((r) => `${r.kind}:${r.name}`).sort()).toEqual(['baseline:cooccurrence', 'baseline:markov', 'baseline:most-popular', 'transfer:scratch']);
    for (const r of rows) {
      expect(r.report.metrics).toEqual(expect.arrayContaining(['HR@5', 'NDCG@10', 'MRR@20', 'coverage@10']));
      for (const m of ['HR@10', 'NDCG@10', 'MRR@10']) {
        expect(r.report.aggregate[m]).toBeGreaterThanOrEqual(0);
        expect(r.report.aggregate[m]).toBeLessThanOrEqual(1);
      }
      expect(r.report.aggregate['NDCG@10']!).toBeLessThanOrEqual(r.report.aggregate['HR@10']! + 1e-9);
    }
    const byName = Object.fromEntries(rows.map((r) => [r.name, r.report.aggregate['NDCG@10']!]));
    // The log is strongly sequential: the model and Markov both beat popularity.
    expect(byName.scratch!).toBeGreaterThan(byName['most-popular']!);
    expect(byName.markov!).toBeGreaterThan(byName['most-popular']!);
    // Chosen baselines only, and exclusion of seen items as an option.
    const excl = service.evaluate(N, split, [], { excludeSeen: true }, ['markov']);
    expect(excl.map((r) => r.name)).toEqual(['markov']);
    recommender.model.dispose();
  });

  it("epoch selection by validation NDCG@10 keeps the epoch that ranks the validation cases best, and the kept model ranks them so", async () => {
    const N = target.items.length;
    const { recommender, training } = await service.transfer(N, split, { strategy: 'scratch', seed: 3, ...quick, epochSelection: 'ndcg', combine: 'none' });
    expect(training.selectedBy).toBe('val NDCG@10');
    const scores = training.history.map((h) => h.valScore!);
    expect(scores).toHaveLength(training.epochsRun + 1);
    for (const s of scores) expect(s).toBeGreaterThanOrEqual(0);
    // Kept: the best of the start (epoch 0, history[0]) and the trained epochs.
    expect(training.bestValScore!).toBeGreaterThanOrEqual(Math.max(...scores) - 1e-6);
    expect(training.bestValScore).toBe(scores[training.bestEpoch]);
    // The restored model scores the same on the validation cases (every case: fewer than the selection subset).
    const [row] = service.evaluate(N, { ...split, beforeTest: split.train, test: split.validation }, [{ name: 'kept', recommender }], {}, []);
    expect(row!.report.aggregate['NDCG@10']).toBeCloseTo(training.bestValScore!, 6);
    recommender.model.dispose();
  });

  it('zero-shot to a new catalogue: no training; the head has the target catalogue and the pretrained gates', async () => {
    const N = target.items.length;
    const { recommender, training } = await service.transfer(N, split, { strategy: 'zero-shot', seed: 3, ...quick });
    expect(training.epochsRun).toBe(0);
    expect(Number.isFinite(training.bestValLoss)).toBe(true);
    const head = recommender.model.head as NextItemHeadModel;
    expect(head.config.outputs).toBe(N);
    const pretrained = await SasrecBackbone.at(weights).build({ init: 'pretrained', seed: 1 });
    const source = (pretrained.pretrainedHead as NextItemHeadModel).scorer.getWeights();
    // Weight 0 (the gate kernel) reads only the encoding: copied from the pretraining head.
    expect(head.scorer.getWeights()[0]!.dataSync()).toEqual(source[0]!.dataSync());
    // So is the mixture gate (the last trainable weights), and the head shares the pretrained head's architecture.
    expect(head.scorer.mixture).toBe(true);
    const last = head.scorer.trainableWeights.length - 1;
    expect(head.scorer.getWeights()[last]!.dataSync()).toEqual(source[last]!.dataSync());
    expect(recommender.model.backbone.network.getWeights()[0]!.dataSync()).toEqual(pretrained.network.getWeights()[0]!.dataSync());
    const rows = service.evaluate(N, split, [{ name: 'zero-shot', recommender }], {}, []);
    expect(Number.isFinite(rows[0]!.report.aggregate['NDCG@10'])).toBe(true);
    pretrained.network.dispose();
    pretrained.pretrainedHead!.network.dispose();
    recommender.model.dispose();
  });

  it('combined with counting: the weight chosen is no larger than the validation-best one; weight 0 ranks exactly as the counting baseline', async () => {
    const N = target.items.length;
    const { recommender, blendChoice, training } = await service.transfer(N, split, { strategy: 'probe', seed: 3, ...quick });
    expect(training.selectedBy).toBe('val NDCG@10 with counting');
    expect(blendChoice).toBeDefined();
    const at = (w: number) => blendChoice!.ndcgByWeight.find((c) => c.modelWeight === w)!.ndcg;
    const chosen = at(blendChoice!.modelWeight);
    const best = Math.max(...blendChoice!.ndcgByWeight.map((c) => c.ndcg));
    const bestWeight = Math.max(...blendChoice!.ndcgByWeight.filter((c) => c.ndcg === best).map((c) => c.modelWeight));
    expect(blendChoice!.modelWeight).toBeLessThanOrEqual(bestWeight);
    expect(Number.isFinite(chosen)).toBe(true);
    // The kept epoch is the one whose best combination ranked validation best.
    expect(training.bestValScore).toBeCloseTo(best, 6);
    expect(recommender.blend!.modelWeight).toBe(blendChoice!.modelWeight);
    // The validation scores are those of the validation cases, ranked with training statistics: recompute the two ends.
    const validation = { ...split, beforeTest: split.train, test: split.validation };
    const alone = recommender.with({ blend: undefined });
    const [model] = service.evaluate(N, validation, [{ name: 'model', recommender: alone }], {}, []);
    expect(model!.report.aggregate['NDCG@10']).toBeCloseTo(at(1), 6);
    const counting = service.evaluate(N, validation, [], {}, ['cooccurrence'])[0]!;
    expect(counting.report.aggregate['NDCG@10']).toBeCloseTo(at(0), 6);
    // Weight 0 on the test cases: every case ranked exactly as by the counting baseline.
    const zero = recommender.with({ blend: { modelWeight: 0, historyLast: false } });
    const [z] = service.evaluate(N, split, [{ name: 'w0', recommender: zero }], {}, []);
    const [c] = service.evaluate(N, split, [], {}, ['cooccurrence']);
    expect(z!.report.perItem).toEqual(c!.report.perItem);
    expect(Object.keys(z!.report.perItem!).length).toBe(split.test.length);
    // --combine none: the model alone.
    const none = await service.transfer(N, split, { strategy: 'zero-shot', seed: 3, ...quick, combine: 'none' });
    expect(none.recommender.blend).toBeUndefined();
    expect(none.blendChoice).toBeUndefined();
    none.recommender.model.dispose();
    recommender.model.dispose();
  });

  it('a blended model folder keeps its weight: reloaded, it ranks the test cases as before', async () => {
    const N = target.items.length;
    const { recommender } = await service.transfer(N, split, { strategy: 'zero-shot', seed: 3, ...quick });
    recommender.blend = { modelWeight: 0.4, historyLast: false };
    const before = service.evaluate(N, split, [{ name: 'z', recommender }], {}, [])[0]!;
    const out = join(dir, 'blended');
    await service.save(recommender, out, { items: target.items, source: 'target.csv', data: {}, split: 'leave-one-out' });
    const { recommender: again, meta } = await service.load(out);
    expect(meta.blend).toEqual({ modelWeight: 0.4, historyLast: false });
    expect(meta.split).toBe('leave-one-out');
    const after = service.evaluate(N, split, [{ name: 'z', recommender: again }], {}, [])[0]!;
    expect(after.report.aggregate).toEqual(before.report.aggregate);
    expect(after.blend?.modelWeight).toBe(0.4);
    recommender.model.dispose();
    again.model.dispose();
  });

  it('probe keeps the pretrained backbone frozen; fine-tune changes it', async () => {
    const N = target.items.length;
    const pretrained = await SasrecBackbone.at(weights).build({ init: 'pretrained', seed: 1 });
    const before = pretrained.network.getWeights().map((w) => w.dataSync().slice());
    const probe = await service.transfer(N, split, { strategy: 'probe', seed: 3, ...quick });
    expect(probe.training.epochsRun).toBeGreaterThan(0);
    probe.recommender.model.backbone.network.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(before[i]));
    const fine = await service.transfer(N, split, { strategy: 'fine-tune', seed: 3, ...quick, learningRate: 3e-3, epochSelection: 'loss' });
    const changed = fine.recommender.model.backbone.network.getWeights().some((w, i) => w.dataSync().some((v, j) => v !== before[i]![j]));
    expect(changed).toBe(true);
    pretrained.network.dispose();
    pretrained.pretrainedHead!.network.dispose();
    probe.recommender.model.dispose();
    fine.recommender.model.dispose();
  });

  it('same-catalogue transfer (opt-in) starts shared items from their pretrained embeddings; by default, or for another catalogue, nothing is imported', async () => {
    // The source log's own users (same item ids), a fresh sample of them: a small log of the same catalogue.
    const same = await loadEvents(join(dir, 'source.csv'));
    const sameSplit = leaveOneOut(same);
    const N = same.items.length;
    const pretrained = await SasrecBackbone.at(weights).build({ init: 'pretrained', seed: 1 });
    const sourceHead = pretrained.pretrainedHead as NextItemHeadModel;
    expect(sourceHead.itemIds).toHaveLength(20);
    const { recommender, itemsTransferred } = await service.transfer(N, sameSplit, { strategy: 'zero-shot', seed: 3, ...quick, items: same.items, itemTransfer: 'same-catalogue' });
    expect(itemsTransferred).toBe(N);
    // Weight 6 is the item input embedding [items, dim]: row j equals the source row of the same id.
    const mine = (recommender.model.head as NextItemHeadModel).scorer.getWeights()[6]!;
    const theirs = sourceHead.scorer.getWeights()[6]!;
    const dim = mine.shape[1]!;
    const j = 5;
    const k = sourceHead.itemIds!.indexOf(same.items[j]!);
    expect(Array.from(mine.dataSync().slice(j * dim, (j + 1) * dim))).toEqual(Array.from(theirs.dataSync().slice(k * dim, (k + 1) * dim)));
    recommender.model.dispose();
    // Default: never, even though the ids match.
    const never = await service.transfer(N, sameSplit, { strategy: 'zero-shot', seed: 3, ...quick, items: same.items });
    expect(never.itemsTransferred).toBe(0);
    never.recommender.model.dispose();
    // Asked for on another catalogue: a clear error rather than embeddings of unrelated items.
    await expect(
      service.transfer(target.items.length, split, { strategy: 'zero-shot', seed: 3, ...quick, items: target.items.map((id) => `other-${id}`), itemTransfer: 'same-catalogue' }),
    ).rejects.toThrow(/fewer than 50% of the \d+ items are in sasrec-s's pretraining catalogue/);
    pretrained.network.dispose();
    sourceHead.network.dispose();
  });

  it('clear errors: another catalogue at evaluation, a forecast backbone, pretrained strategies without weights', async () => {
    const N = target.items.length;
    const { recommender } = await service.transfer(N, split, { strategy: 'zero-shot', seed: 3, ...quick });
    expect(() => service.evaluate(N + 1, split, [{ name: 'm', recommender }])).toThrow(/catalogue of 12 items, the data has 13/);
    recommender.model.dispose();
    await expect(service.transfer(N, split, { strategy: 'scratch', backbone: 'patch-mixer-s' })).rejects.toThrow(/forecast backbone; choose a recommend backbone/);
    // Heads: another task's is refused by the registry, a recommend head that does not rank by the service.
    await expect(service.transfer(N, split, { strategy: 'scratch', head: 'linear-forecast' })).rejects.toMatchObject({ code: 'wrong-task', message: expect.stringMatching(/forecast head; choose a recommend head: .*next-item/) });
    await expect(service.transfer(N, split, { strategy: 'scratch', head: 'user-class' })).rejects.toMatchObject({ code: 'wrong-head', message: expect.stringMatching(/does not rank items/) });
    const bare = createContainer(builtinPlugins);
    registryOf(bare).get<SasrecBackbone>('backbone', 'sasrec-s').weightsDir = join(dir, 'none');
    await expect(bare.get<RecommendService>(RECOMMEND_SERVICE).transfer(N, split, { strategy: 'probe' })).rejects.toThrow(/no weights manifest/);
  });
});
