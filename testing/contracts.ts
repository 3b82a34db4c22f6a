/**
 * The component contract suite, for plugin authors: `componentContracts(modules)` declares vitest
 * suites over every component the given container modules register — ids, determinism, save/reload,
 * finite outputs, losses that grow with the error, clear errors — the same checks every built-in
 * component passes. Call it from a test file of your plugin (vitest is an optional peer dependency):
 *
 *   import { componentContracts } from 'headstart/testing';
 *   import { builtinPlugins } from 'headstart';
 *   componentContracts([...builtinPlugins, myPlugin], { owners: ['my-plugin'] });
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerModule } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../core/backend.js';
import { createContainer, registryOf } from '../core/container.js';
import { componentId } from '../core/registry.js';
import { HeadstartError } from '../core/errors.js';
import type { Backbone, BackboneModel, ComponentKind, DataAdapter, Evaluator, Head, Pretrainer, Registration, TaskKind } from '../core/interfaces/index.js';
import type { ForecastBaseline } from '../plugins/forecasting/contracts.js';
import type { RecommendBaseline } from '../plugins/recommendation/contracts.js';
import { loadNetwork, saveNetwork } from '../core/io/layers-io.js';
import { readWeightsManifest } from '../core/io/weights-manifest.js';
import { sha256 } from '../core/io/sha256.js';

export interface ContractOptions {
  /** Check only components registered by these plugins (default: every registered component). */
  owners?: readonly string[];
  /**
   * The backbone whose pretrained build is checked (default: the registered one). The built-in suite
   * passes a copy of the weights folder, so a pretraining run swapping the live folder cannot race it;
   * return undefined to skip the pretrained check.
   */
  pretrainedSource?: (backbone: Backbone<unknown>) => Backbone<unknown> | undefined;
}

/** Declares the contract suites (describe/it blocks) over the components `modules` register. */
export function componentContracts(modules: ContainerModule[], options: ContractOptions = {}): void {
  const KINDS: readonly ComponentKind[] = ['backbone', 'head', 'evaluator', 'adapter', 'baseline', 'pretrainer'];

  const container = createContainer(modules);
  const registry = registryOf(container);
  // A component's task must be one some registered backbone serves (tasks are declared by plugins).
  const TASKS: readonly TaskKind[] = [...new Set(registry.all<Backbone<unknown>>('backbone').map((r) => r.component.describe().task))];

  type AnyBackbone = Backbone<unknown>;
  type AnyHead = Head<unknown>;

  const cases = <T>(kind: ComponentKind): [string, Registration<T>][] => registry.all<T>(kind).filter((r) => !options.owners || options.owners.includes(r.owner)).map((r) => [r.id, r]);

  const encodeArray = (model: BackboneModel<unknown>, input: unknown): { shape: number[]; data: Float32Array } => {
    const hidden = tf.tidy(() => model.encode(input, false).hidden);
    const out = { shape: hidden.shape, data: hidden.dataSync() as Float32Array };
    hidden.dispose();
    return out;
  };

  const allFinite = (xs: ArrayLike<number>) => Array.from(xs).every(Number.isFinite);

  let tmp: string;
  beforeAll(async () => {
    await useBackend('wasm');
    tmp = mkdtempSync(join(tmpdir(), 'headstart-contract-'));
  });
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('registry', () => {
    it('every component is registered under its kind, by a named plugin, and resolves to itself', () => {
      for (const kind of KINDS) {
        for (const r of registry.all(kind)) {
          expect(r.kind).toBe(kind);
          expect(r.owner).toMatch(/\S/);
          expect(registry.get(kind, r.id)).toBe(r.component);
        }
      }
    });

    for (const kind of KINDS) {
      const regs = cases(kind);
      if (regs.length === 0) continue;
      it.each(regs)(`${kind} %s: the registered id is the component's own id`, (id, r) => {
        expect(componentId(kind, r.component)).toBe(id);
        // Singletons: resolving twice gives the same instance.
        expect(registryOf(container).get(kind, id)).toBe(r.component);
      });
    }
  });

  describe.each(cases<AnyBackbone>('backbone'))('backbone %s', (id, reg) => {
    const backbone = reg.component;
    const built: BackboneModel<unknown>[] = [];
    afterAll(() => {
      for (const m of built) {
        m.network.dispose();
        m.pretrainedHead?.network.dispose();
      }
    });
    const build = async (init: 'random' | 'pretrained', seed: number, from: AnyBackbone = backbone) => {
      const m = await from.build({ init, seed });
      built.push(m);
      return m;
    };

    it('describe() is sane and matches the random-init network', async () => {
      const info = backbone.describe();
      expect(info.id).toBe(id);
      expect(TASKS).toContain(info.task);
      expect(info.version).toMatch(/\S/);
      expect(info.description).toMatch(/\S/);
      expect(info.contextLength).toBeGreaterThan(0);
      expect(Number.isInteger(info.contextLength)).toBe(true);
      expect(info.embeddingSize).toBeGreaterThan(0);
      expect(info.parameters).toBeGreaterThan(0);
      for (const [label, value] of Object.entries(info.details ?? {})) expect(String(value), label).toMatch(/\S/);
      const m = await build('random', 11);
      expect(m.info.id).toBe(id);
      expect(m.network.countParams()).toBe(info.parameters);
      expect(m.pretrainedHead).toBeUndefined();
      const input = backbone.exampleInput(4, 5);
      const enc = encodeArray(m, input);
      tf.dispose(input as tf.TensorContainer);
      expect(enc.shape).toEqual([4, info.embeddingSize]);
    });

    it('random init: [4, embeddingSize] finite encodings; same seed identical, different seed different', async () => {
      const { embeddingSize } = backbone.describe();
      const input = backbone.exampleInput(4, 3);
      const a = encodeArray(await build('random', 1), input);
      const b = encodeArray(await build('random', 1), input);
      const c = encodeArray(await build('random', 2), input);
      tf.dispose(input as tf.TensorContainer);
      expect(a.shape).toEqual([4, embeddingSize]);
      expect(allFinite(a.data)).toBe(true);
      expect(b.data).toEqual(a.data);
      expect(c.data).not.toEqual(a.data);
      // Different sequences in the batch are encoded differently (the encoder reads its input).
      const w = embeddingSize;
      expect(a.data.subarray(0, w)).not.toEqual(a.data.subarray(w, 2 * w));
    });

    it('exampleInput is deterministic per seed', async () => {
      const m = await build('random', 1);
      const in1 = backbone.exampleInput(4, 9);
      const in2 = backbone.exampleInput(4, 9);
      const in3 = backbone.exampleInput(4, 10);
      const [e1, e2, e3] = [in1, in2, in3].map((i) => encodeArray(m, i));
      tf.dispose([in1, in2, in3] as tf.TensorContainer);
      expect(e2!.data).toEqual(e1!.data);
      expect(e3!.data).not.toEqual(e1!.data);
    });

    it('exampleInput leaves no tensors behind once its input is disposed', () => {
      const before = tf.memory().numTensors;
      tf.dispose(backbone.exampleInput(4, 9) as tf.TensorContainer);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('wrap() of a saved and reloaded network reproduces the encoding exactly', async () => {
      const m = await build('random', 21);
      const dir = `${tmp}/backbone-${id}`;
      const hashes = await saveNetwork(m.network, dir, 'net');
      expect(Object.keys(hashes).sort()).toEqual(['net.json', 'net.weights.bin']);
      const reloaded = await loadNetwork(dir, 'net', hashes);
      const wrapped = backbone.wrap(reloaded);
      built.push(wrapped);
      expect(wrapped.info).toEqual(backbone.describe());
      const input = backbone.exampleInput(4, 8);
      const before = encodeArray(m, input);
      const after = encodeArray(wrapped, input);
      tf.dispose(input as tf.TensorContainer);
      expect(after.shape).toEqual(before.shape);
      expect(after.data).toEqual(before.data);
    });

    it('pretrained build (when weights ship) has a pretrained head and differs from random init', async (ctx) => {
      const info = backbone.describe();
      if (!info.hasWeights) ctx.skip();
      const source = options.pretrainedSource ? options.pretrainedSource(backbone) : backbone;
      if (!source) return ctx.skip();
      expect(source.id).toBe(id);
      const m = await build('pretrained', 1, source);
      expect(m.pretrainedHead).toBeDefined();
      expect(m.network.countParams()).toBe(info.parameters);
      const head = m.pretrainedHead!;
      expect(head.config.embeddingSize).toBe(info.embeddingSize);
      // A backbone that names its longest horizon (forecasting) ships a head that wide.
      const maxHorizon = (info as { maxHorizon?: number }).maxHorizon;
      if (maxHorizon !== undefined) expect(head.config.outputs).toBe(maxHorizon);
      const input = backbone.exampleInput(4, 2);
      const enc = encodeArray(m, input);
      const pred = tf.tidy(() => head.predict(m.encode(input, false), input, false));
      const random = encodeArray(await build('random', 1), input);
      tf.dispose(input as tf.TensorContainer);
      expect(enc.shape).toEqual([4, info.embeddingSize]);
      expect(allFinite(enc.data)).toBe(true);
      expect(pred.shape).toEqual([4, head.config.outputs]);
      expect(allFinite(pred.dataSync())).toBe(true);
      pred.dispose();
      expect(enc.data).not.toEqual(random.data);
      // The seed does not matter for pretrained weights.
      const input2 = backbone.exampleInput(4, 2);
      const again = encodeArray(await build('pretrained', 99, source), input2);
      tf.dispose(input2 as tf.TensorContainer);
      expect(again.data).toEqual(enc.data);
    });
  });

  describe.each(cases<AnyHead>('head'))('head %s', (_headId, reg) => {
    it('declares a known task and a description', () => {
      expect(TASKS).toContain(reg.component.task);
      expect(reg.component.description).toMatch(/\S/);
    });
  });

  // Every head on every backbone of its task, both among the components checked (a plugin's own
  // suite stays on its own components).
  const owned = (r: Registration<unknown>) => !options.owners || options.owners.includes(r.owner);
  const backbones = registry.all<AnyBackbone>('backbone').map((b) => ({ b, task: b.component.describe().task }));
  const pairs = registry.all<AnyHead>('head').flatMap((h) =>
    backbones
      .filter(({ b, task }) => task === h.component.task && owned(h) && owned(b))
      .map(({ b }): [string, Registration<AnyHead>, Registration<AnyBackbone>] => [`${h.id} on ${b.id}`, h, b]),
  );
  if (pairs.length > 0) describe('heads on the backbones of their task', () => {
    it.for(pairs)('%s: predict, loss and wrap', async ([, reg, breg]) => {
      const headId = reg.id;
      const head = reg.component;
      const backbone = breg.component;
      const info = backbone.describe();
      const bm = await backbone.build({ init: 'random', seed: 4 });
      const config = { head: headId, embeddingSize: info.embeddingSize, outputs: 5 };
      const hm = head.create(config, { seed: 3 });
      expect(hm.config).toEqual(config);
      const other = head.create(config, { seed: 4 });
      const input = backbone.exampleInput(4, 6);
      const [pred, otherPred, wrappedPred] = [hm, other, head.wrap(config, hm.network)].map((h) =>
        tf.tidy(() => h.predict(bm.encode(input, false), input, false)),
      ) as tf.Tensor[];
      expect(pred!.shape).toEqual([4, 5]);
      const p = pred!.dataSync();
      expect(allFinite(p)).toBe(true);
      expect(otherPred!.dataSync()).not.toEqual(p);
      expect(wrappedPred!.dataSync()).toEqual(p);

      // A saved and reloaded head network, wrapped, predicts the same.
      const dir = `${tmp}/head-${headId}-${breg.id}`;
      const hashes = await saveNetwork(hm.network, dir, 'head');
      const reloaded = head.wrap(config, await loadNetwork(dir, 'head', hashes));
      const r = tf.tidy(() => reloaded.predict(bm.encode(input, false), input, false));
      expect(r.dataSync()).toEqual(p);

      if (head.task === 'recommend') {
        // Classification over the catalogue: the target is a column index per row.
        const best = tf.argMax(pred!, 1);
        const worst = tf.argMin(pred!, 1);
        const lb = hm.loss(pred!, best);
        const lw = hm.loss(pred!, worst);
        expect(lb.rank).toBe(0);
        expect(Number.isFinite(lb.dataSync()[0]!)).toBe(true);
        expect(lb.dataSync()[0]!).toBeGreaterThan(0);
        expect(lw.dataSync()[0]!).toBeGreaterThan(lb.dataSync()[0]!);
        tf.dispose([best, worst, lb, lw]);
      }
      const target = tf.randomNormal([4, 5], 0, 1, 'float32', 1);
      if (head.task === 'forecast') {
        const loss = hm.loss(pred!, target);
        expect(loss.rank).toBe(0);
        const l = loss.dataSync()[0]!;
        expect(Number.isFinite(l)).toBe(true);
        expect(l).toBeGreaterThan(0);
        const zero = hm.loss(pred!, pred!.clone());
        expect(zero.dataSync()[0]).toBe(0);
        // Loss grows with the error.
        const far = hm.loss(pred!, tf.add(target, 10));
        expect(far.dataSync()[0]!).toBeGreaterThan(l);
      }
      tf.dispose([pred!, otherPred!, wrappedPred!, r, target, input as tf.TensorContainer]);
      bm.network.dispose();
      hm.network.dispose();
      other.network.dispose();
      reloaded.network.dispose();
    });
  });

  describe.each(cases<Evaluator<unknown>>('evaluator'))('evaluator %s', (_id, reg) => {
    const evaluator = reg.component;
    it('reports every declared metric in the aggregate', () => {
      expect(TASKS).toContain(evaluator.task);
      expect(evaluator.metrics.length).toBeGreaterThan(0);
      const input = evaluator.exampleCases();
      expect(input.length).toBeGreaterThanOrEqual(2);
      const report = evaluator.evaluate(input);
      expect(report.metrics).toEqual(expect.arrayContaining([...evaluator.metrics]));
      for (const m of evaluator.metrics) {
        expect(report.aggregate, m).toHaveProperty(m);
        expect(Number.isFinite(report.aggregate[m]), m).toBe(true);
      }
      if (report.perItem) {
        expect(Object.keys(report.perItem)).toHaveLength(input.length);
        const perItem = evaluator.metrics.filter((m) => !evaluator.setMetrics?.includes(m));
        for (const row of Object.values(report.perItem)) for (const m of perItem) expect(row).toHaveProperty(m);
      }
      // Scores depend on the cases: one case alone gives a different aggregate than both.
      const single = evaluator.evaluate(input.slice(0, 1));
      expect(evaluator.metrics.some((m) => single.aggregate[m] !== report.aggregate[m])).toBe(true);
    });
  });

  describe.each(cases<ForecastBaseline>('baseline').filter(([, r]) => ((r.component as { task?: string }).task ?? 'forecast') === 'forecast'))('baseline %s', (_id, reg) => {
    const baseline = reg.component;
    it('forecast(history, h, m) returns h finite numbers', () => {
      expect(baseline.description).toMatch(/\S/);
      const long = Array.from({ length: 48 }, (_, t) => 50 + 0.3 * t + 6 * Math.sin((2 * Math.PI * t) / 12));
      for (const [history, h, m] of [
        [long, 6, 12],
        [long, 13, 12],
        [long.slice(0, 10), 3, 1],
        [long.slice(0, 5), 4, 12],
      ] as const) {
        const f = baseline.forecast([...history], h, m);
        expect(f, `${history.length} points, h=${h}, m=${m}`).toHaveLength(h);
        expect(f.every(Number.isFinite)).toBe(true);
      }
    });

    it('does not modify the history it is given', () => {
      const history = Array.from({ length: 30 }, (_, t) => t % 7);
      const copy = [...history];
      baseline.forecast(history, 5, 7);
      expect(history).toEqual(copy);
    });
  });

  describe.each(cases<Pretrainer<unknown>>('pretrainer'))('pretrainer %s', (_id, reg) => {
    it('pretrains a registered backbone of its own task: two steps on its example corpus give a complete, hashed weights folder', async () => {
      const p = reg.component;
      expect(registry.ids('backbone')).toContain(p.backboneId);
      const backbone = registry.get<AnyBackbone>('backbone', p.backboneId);
      expect(backbone.describe().task).toBe(p.task);
      const work = mkdtempSync(join(tmp, `pretrain-${p.backboneId}-`));
      const out = join(work, 'weights');
      const summary = await p.run({ ...((await p.exampleOptions(work)) as object), out, command: 'contract suite' });
      expect(summary.steps).toBe(2);
      expect(summary.parameters).toBe(backbone.describe().parameters);
      for (const loss of Object.values(summary.finalLoss)) expect(Number.isFinite(loss)).toBe(true);
      const manifest = readWeightsManifest(out);
      expect(manifest.backbone).toBe(p.backboneId);
      expect(manifest.command).toBe('contract suite');
      expect(manifest.steps).toBe(2);
      for (const [file, hash] of Object.entries(manifest.files)) expect(sha256(readFileSync(join(out, file))), file).toBe(hash);
    }, 120_000);
  });

  describe.each(cases<DataAdapter<unknown, unknown>>('adapter'))('adapter %s', (_id, reg) => {
    it('declares a known task and a description; a missing file is a HeadstartError naming it', async () => {
      const a = reg.component;
      expect(TASKS).toContain(a.task);
      expect(a.description).toMatch(/\S/);
      const missing = `${tmp}/does-not-exist.csv`;
      expect(existsSync(missing)).toBe(false);
      const err = await a.load(missing, {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HeadstartError);
      expect((err as Error).message).toContain(missing);
    });
  });

  describe.each(cases<RecommendBaseline>('baseline').filter(([, r]) => r.component.task === 'recommend'))('recommend baseline %s', (_id, reg) => {
    it('fit(sequences).scoreBatch(histories) gives histories × catalogue finite scores and leaves its input alone', () => {
      const sequences = [[0, 1, 2], [2, 3], [1, 1, 4]];
      const copy = sequences.map((s) => [...s]);
      const scorer = reg.component.fit({ catalogueSize: 6, sequences });
      const scores = scorer.scoreBatch([[0, 1], [], [5]]);
      expect(scorer.catalogueSize).toBe(6);
      expect(scores).toHaveLength(18);
      expect(Array.from(scores).every(Number.isFinite)).toBe(true);
      expect(sequences).toEqual(copy);
    });
  });
}
