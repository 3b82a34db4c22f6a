import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import { DataError, HeadstartError, UsageError } from '../../core/errors.js';
import type { EventsDataset } from '../../plugins/recommendation/contracts.js';
import { Rng } from '../../core/random.js';
import { builtinPlugins } from '../../plugins/index.js';
import { USER_LEVEL_SERVICE } from '../../plugins/recommendation/module.js';
import { SasrecBackbone, SasrecPretrainer } from '../../plugins/recommendation/backbones/sasrec.js';
import { parseDelimited } from '../../plugins/recommendation/data/delimited.js';
import { eventsFromTable } from '../../plugins/recommendation/data/events-loader.js';
import { loadUserLabels, splitUsers, userReturnLabels, type UserLabelSet } from '../../plugins/recommendation/data/user-examples.js';
import type { UserLevelService } from '../../plugins/recommendation/services/user-level-service.js';
import { classificationMetrics, rocAuc } from '../../plugins/recommendation/evaluation/classification-metrics.js';
import { tempDir } from '../helpers/fixtures.js';

/** An in-memory events log from `user_id,item_id,timestamp` lines. */
function events(lines: string[], name = 'events.csv'): EventsDataset {
  return eventsFromTable(parseDelimited(['user_id,item_id,timestamp', ...lines].join('\n'), name, ','));
}

/** Per user a list of item ids; timestamps one hour apart. */
function log(users: Record<string, string[]>, name?: string): EventsDataset {
  const lines: string[] = [];
  Object.entries(users).forEach(([u, items], k) => items.forEach((it, t) => lines.push(`${u},${it},${1_600_000_000 + k * 100_000 + t * 3600}`)));
  return events(lines, name);
}

/**
 * A learnable user-level task: every user has 6 events; "repeaters" (label 1, a seeded 40%) view
 * one of their earlier items again at a random later position, the others never repeat.
 */
function repeatTask(users: number, items: number, seed: number): UserLabelSet {
  const rng = new Rng(seed);
  const histories: Record<string, string[]> = {};
  const labels: number[] = [];
  for (let u = 0; u < users; u++) {
    const distinct = rng.shuffle(Array.from({ length: items }, (_, i) => i)).slice(0, 6);
    const repeats = rng.next() < 0.4;
    if (repeats) {
      const at = 1 + rng.int(5);
      distinct[at] = distinct[rng.int(at)]!;
    }
    histories[`u${u}`] = distinct.map((i) => `i${i}`);
    labels.push(repeats ? 1 : 0);
  }
  const d = log(histories, 'repeat.csv');
  return { source: 'repeat task', catalogueSize: d.items.length, classes: ['no', 'yes'], rows: d.users.map((s, i) => ({ user: i, items: s.items, times: s.times, label: labels[i]! })), notices: [] };
}

let dir: string;
let weights: string;
let service: UserLevelService;
beforeAll(async () => {
  await useBackend('wasm');
  dir = tempDir('headstart-user-level-');
  // Tiny pretrained weights for the probe, so the test does not depend on the shipped ones.
  const rng = new Rng(1);
  const lines = ['user_id,item_id,timestamp'];
  for (let u = 0; u < 40; u++) {
    let item = rng.int(20);
    for (let t = 0; t < 5 + rng.int(6); t++) {
      lines.push(`u${u},i${item},${1_600_000_000 + u * 100_000 + t * 3600}`);
      item = rng.next() < 0.8 ? (item + 1) % 20 : rng.int(20);
    }
  }
  const source = join(dir, 'source.csv');
  writeFileSync(source, lines.join('\n') + '\n');
  weights = join(dir, 'weights');
  await new SasrecPretrainer().run({ events: source, steps: 10, batchSize: 16, learningRate: 2e-3, seed: 2, checkpointEvery: 100, head: { itemDim: 8, successors: 4 }, out: weights, command: 'test' });
  const container = createContainer(builtinPlugins);
  registryOf(container).get<SasrecBackbone>('backbone', 'sasrec-s').weightsDir = weights;
  service = container.get<UserLevelService>(USER_LEVEL_SERVICE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('returns labels', () => {
  const d = log({ a: ['x', 'y', 'z', 'x', 'w'], b: ['y', 'z', 'x'], c: ['z', 'w'], e: ['w', 'x', 'y', 'z'] });

  it('observe 2, horizon 2: label 1 when at least 2 events follow the first 2 (checked by hand)', () => {
    const s = userReturnLabels(d, { observe: 2, horizon: 2 });
    // a: 3 after → 1; b: 1 after → 0; c: 0 after → 0; e: 2 after → 1.
    expect(s.rows.map((r) => [d.users[r.user]!.user, r.label])).toEqual([['a', 1], ['b', 0], ['c', 0], ['e', 1]]);
    expect(s.rows.map((r) => r.items.map((i) => d.items[i]))).toEqual([['x', 'y'], ['y', 'z'], ['z', 'w'], ['w', 'x']]);
    expect(s.rows[0]!.times).toEqual(d.users[0]!.times!.slice(0, 2));
    expect(s.classes).toEqual(['no-return', 'returns']);
    expect(s.catalogueSize).toBe(4);
  });

  it('users with fewer than `observe` events are left out and counted; a constant label is flagged', () => {
    const s = userReturnLabels(d, { observe: 3, horizon: 1 });
    expect(s.rows.map((r) => [d.users[r.user]!.user, r.label])).toEqual([['a', 1], ['b', 0], ['e', 1]]);
    expect(s.notices.join(' ')).toMatch(/1 user\(s\) with fewer than 3 events are left out/);
    expect(userReturnLabels(d, { observe: 1, horizon: 1 }).notices.join(' ')).toMatch(/every label is 1/);
    expect(() => userReturnLabels(d, { observe: 0, horizon: 1 })).toThrow(UsageError);
    expect(() => userReturnLabels(d, { observe: 9, horizon: 1 })).toThrow(DataError);
  });
});

describe('user labels from a file', () => {
  const d = log({ u1: ['a', 'b'], u2: ['b', 'c', 'a'], u3: ['c'] });
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const failure = async (p: string, o = {}): Promise<HeadstartError> => {
    const err = await loadUserLabels(p, d, o).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err, 'expected the load to fail').toBeInstanceOf(DataError);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    return err as HeadstartError;
  };

  it('string labels become sorted class indices; unknown users are counted and skipped', async () => {
    const s = await loadUserLabels(file('labels.csv', 'user_id,label\nu2,silver\nu1,gold\nghost,gold\nu3,silver\n'), d);
    expect(s.classes).toEqual(['gold', 'silver']);
    expect(s.rows.map((r) => [d.users[r.user]!.user, r.label])).toEqual([['u2', 1], ['u1', 0], ['u3', 1]]);
    expect(s.rows[0]!.items).toEqual(d.users[1]!.items);
    expect(s.notices.join(' ')).toMatch(/1 label row\(s\) name users not in events\.csv; skipped/);
    // Mapped columns, numeric labels in numeric order, histories cut to the first events.
    const m = await loadUserLabels(file('mapped.csv', 'who,segment\nu1,10\nu2,9\n'), d, { userColumn: 'who', labelColumn: 'segment', observe: 1 });
    expect(m.classes).toEqual(['9', '10']);
    expect(m.rows.map((r) => r.label)).toEqual([1, 0]);
    expect(m.rows[1]!.items).toHaveLength(1);
    expect(m.notices.join(' ')).toMatch(/1 user\(s\) of the events have no label/);
  });

  it('clear one-line errors naming the file, line and column', async () => {
    const noLabel = file('nolabel.csv', 'user_id,segment\nu1,a\n');
    expect((await failure(noLabel)).message).toMatch(new RegExp(`^${noLabel}: no label column \\(looked for label, class, target\\); columns found: 'user_id', 'segment'`));
    expect((await failure(noLabel, { labelColumn: 'tier' })).message).toMatch(/no label column 'tier'; columns found/);
    expect((await failure(file('nouser.csv', 'customer,label\nu1,a\n'))).message).toMatch(/nouser\.csv: no user column/);
    const empty = file('empty.csv', 'user_id,label\nu1,a\nu2,\n');
    expect((await failure(empty)).message).toBe(`${empty}: line 3, column 'label': empty label for user 'u2'; every row needs one`);
    expect((await failure(file('dup.csv', 'user_id,label\nu1,a\nu1,b\n'))).message).toMatch(/line 3, column 'user_id': user 'u1' already has a label on line 2/);
    expect((await failure(file('strangers.csv', 'user_id,label\nx,a\n'))).message).toMatch(/none of its 1 user\(s\) appear in events\.csv/);
    expect((await failure(join(dir, 'missing.csv'))).message).toMatch(/missing\.csv: file not found/);
  });
});

describe('metrics', () => {
  it('accuracy, balanced accuracy, log-loss and AUC by hand', () => {
    const probs = Float32Array.from([0.9, 0.1, 0.4, 0.6, 0.3, 0.7, 0.8, 0.2]);
    const labels = Int32Array.from([0, 1, 1, 1]);
    const m = classificationMetrics(probs, labels, 2);
    expect(m.accuracy).toBeCloseTo(0.75);
    // class 0 recall 1/1, class 1 recall 2/3.
    expect(m.balancedAccuracy).toBeCloseTo((1 + 2 / 3) / 2);
    expect(m.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.6) + Math.log(0.7) + Math.log(0.2)) / 4, 5);
    // Positives score 0.6, 0.7, 0.2; the negative 0.1: every positive ranks above it.
    expect(m.auc).toBeCloseTo(1);
    expect(rocAuc(Float32Array.from([0.5, 0.5, 0.2, 0.9]), Int32Array.from([1, 0, 0, 1]))).toBeCloseTo((1 + 1 + 0.5 + 1) / 4);
  });
});

describe('user-level service', () => {
  const quick = { epochs: 2, batchSize: 16, patience: 2, maxStepsPerEpoch: 3 };
  const task = repeatTask(300, 40, 5);
  const split = splitUsers(task, { seed: 3 });

  it('splits users 60/20/20 with no user in two parts', () => {
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([180, 60, 60]);
    const users = [...split.train, ...split.validation, ...split.test].map((r) => r.user);
    expect(new Set(users).size).toBe(300);
  });

  it('probe (frozen pretrained backbone) and scratch train a few steps; probabilities are in [0, 1] and sum to 1', async () => {
    const pretrained = await SasrecBackbone.at(weights).build({ init: 'pretrained', seed: 1 });
    const before = pretrained.network.getWeights().map((w) => w.dataSync().slice());
    for (const strategy of ['probe', 'scratch'] as const) {
      const { classifier, training } = await service.transfer(split, { strategy, seed: 4, ...quick });
      expect(training.epochsRun).toBeGreaterThan(0);
      for (const h of training.history) expect((h.epoch === 0 || Number.isFinite(h.trainLoss)) && Number.isFinite(h.valLoss)).toBe(true);
      expect(classifier.headConfig).toMatchObject({ head: 'user-class', outputs: 2 });
      const probs = service.predict(classifier, split.test.slice(0, 10));
      expect(probs).toHaveLength(20);
      for (let i = 0; i < 10; i++) {
        expect(probs[2 * i]!).toBeGreaterThanOrEqual(0);
        expect(probs[2 * i + 1]!).toBeLessThanOrEqual(1);
        expect(probs[2 * i]! + probs[2 * i + 1]!).toBeCloseTo(1, 5);
      }
      if (strategy === 'probe') classifier.model.backbone.network.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(before[i]));
      else expect(classifier.model.backbone.network.getWeights().some((w, i) => w.dataSync().some((v, j) => v !== before[i]![j]))).toBe(true);
      classifier.model.dispose();
    }
    pretrained.network.dispose();
    pretrained.pretrainedHead!.network.dispose();
  });

  it('scratch learns a learnable label (does the user repeat an item) above the majority class', async () => {
    const { classifier } = await service.transfer(split, { strategy: 'scratch', seed: 4, epochs: 12, batchSize: 32, patience: 12, learningRate: 3e-3 });
    const rows = service.evaluate(split, [{ name: 'scratch', classifier }]);
    expect(rows.map((r) => `${r.kind}:${r.name}`)).toEqual(['transfer:scratch', 'baseline:majority', 'baseline:logistic']);
    const by = Object.fromEntries(rows.map((r) => [r.name, r.metrics]));
    expect(by.majority!.auc).toBeCloseTo(0.5);
    expect(by.majority!.balancedAccuracy).toBeCloseTo(0.5);
    expect(by.scratch!.accuracy).toBeGreaterThan(by.majority!.accuracy + 0.1);
    expect(by.scratch!.auc!).toBeGreaterThan(0.8);
    classifier.model.dispose();
  });

  it('zero-shot is rejected: a new classifier head has nothing pretrained to use', async () => {
    const err = await service.transfer(split, { strategy: 'zero-shot' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/zero-shot is not meaningful for the user-class head.*use probe, fine-tune or scratch/);
  });

  it('a single training class is a usage error', async () => {
    const one = { ...split, train: split.train.filter((r) => r.label === 0) };
    await expect(service.transfer(one, { strategy: 'scratch', ...quick })).rejects.toThrow(/single class/);
  });
});
