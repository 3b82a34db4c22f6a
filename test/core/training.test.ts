import * as tf from '@tensorflow/tfjs';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import type { BackboneModel, Batch, ExampleSet, HeadModel, StrategyName } from '../../core/interfaces/index.js';
import type { ForecastDataset, ForecastInput } from '../../plugins/forecasting/contracts.js';
import type { Registry } from '../../core/registry.js';
import { TaskModel } from '../../core/task/task-model.js';
import { STRATEGIES } from '../../core/training/strategies.js';
import { Trainer } from '../../core/training/trainer.js';
import { PatchMixerBackbone } from '../../plugins/forecasting/backbones/patch-mixer.js';
import { ForecastWindows, splitCuts, validationWindowsFor } from '../../plugins/forecasting/data/windows.js';
import { PERIOD_BUCKETS } from '../../plugins/forecasting/data/period.js';
import type { Forecaster } from '../../plugins/forecasting/forecaster.js';
import { LinearForecastHead } from '../../plugins/forecasting/heads/linear-forecast-head.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService, TransferOptions, TransferOutcome } from '../../plugins/forecasting/services/forecast-service.js';
import { builtinPlugins } from '../../plugins/index.js';
import { copyWeights, seasonalDataset, weightsShipped } from '../helpers/fixtures.js';

const H = 4;
const HAS_WEIGHTS = weightsShipped();

let service: ForecastService;
let registry: Registry;
let weights: string | undefined;
/** The pretrained backbone and head as shipped (from the temp copy), for before/after comparisons. */
let pretrained: BackboneModel<ForecastInput> | undefined;
const data = seasonalDataset({ series: 6, length: 48 });
const toDispose: Forecaster[] = [];

beforeAll(async () => {
  await useBackend('wasm');
  const container = createContainer(builtinPlugins);
  service = container.get<ForecastService>(FORECAST_SERVICE);
  registry = registryOf(container);
  weights = HAS_WEIGHTS ? copyWeights() : undefined;
  if (weights) {
    // The container's backbone must not read the folder the background pretraining swaps.
    registry.get<PatchMixerBackbone>('backbone', 'patch-mixer-s').weightsDir = weights;
    pretrained = await PatchMixerBackbone.at(weights).build({ init: 'pretrained', seed: 0 });
  }
});
afterAll(() => {
  for (const f of toDispose) f.dispose();
  pretrained?.network.dispose();
  pretrained?.pretrainedHead?.network.dispose();
  if (weights) rmSync(weights, { recursive: true, force: true });
});

type Snapshot = Float32Array[];
const snapshot = (net: tf.LayersModel): Snapshot => net.getWeights().map((w) => w.dataSync().slice() as Float32Array);
function identical(a: Snapshot, b: Snapshot): boolean {
  return a.length === b.length && a.every((x, i) => x.length === b[i]!.length && x.every((v, j) => Object.is(v, b[i]![j])));
}
const countParams = (net: tf.LayersModel) => net.trainableWeights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);

/** The pretrained head cut to the first H outputs: what a warm-started new head starts from. */
function warmStartSnapshot(): Snapshot {
  const [k, b] = pretrained!.pretrainedHead!.network.getLayer('forecast').getWeights();
  return tf.tidy(() => [tf.slice(k!, [0, 0], [k!.shape[0]!, H]).dataSync().slice() as Float32Array, tf.slice(b!, [0], [H]).dataSync().slice() as Float32Array]);
}

async function transfer(strategy: StrategyName, o: Partial<TransferOptions> = {}, ds: ForecastDataset = data): Promise<TransferOutcome> {
  // One validation horizon per series, as with many series; the few-series rule has its own test.
  const out = await service.transfer(ds, { backbone: 'patch-mixer-s', strategy, horizon: H, epochs: 2, seed: 1, validationWindows: 1, ...o });
  toDispose.push(out.forecaster);
  return out;
}

/**
 * transfer(), also snapshotting the backbone and head weights right after the first optimiser step
 * (early stopping may later restore the initial weights when no epoch beats them on validation).
 */
async function observed(strategy: StrategyName, o: Partial<TransferOptions> = {}) {
  const buildSpy = vi.spyOn(registry.get<PatchMixerBackbone>('backbone', 'patch-mixer-s'), 'build');
  const createSpy = vi.spyOn(registry.get<LinearForecastHead>('head', 'linear-forecast'), 'create');
  let firstStep: { backbone: Snapshot; head: Snapshot } | undefined;
  try {
    const out = await transfer(strategy, {
      ...o,
      onProgress: (p) => {
        if (firstStep || p.valLoss !== undefined) return;
        const backbone = buildSpy.mock.settledResults.at(-1)!.value as BackboneModel<ForecastInput>;
        const head = createSpy.mock.results.at(-1)!.value as HeadModel<ForecastInput>;
        firstStep = { backbone: snapshot(backbone.network), head: snapshot(head.network) };
      },
    });
    expect(buildSpy).toHaveBeenCalledOnce();
    return { ...out, firstStep: firstStep! };
  } finally {
    buildSpy.mockRestore();
    createSpy.mockRestore();
  }
}

const once = <T>(f: () => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};
const scratchSeed1 = once(() => transfer('scratch'));
const testForecast = (f: Forecaster, ds: ForecastDataset = data) => f.predict(ds, service.testCuts(ds, H));

/** `ds` with the given window (counted back from the end, in horizons) replaced by huge values. */
function poisoned(ds: ForecastDataset, fromEnd: number, toEnd: number): ForecastDataset {
  return {
    ...ds,
    series: ds.series.map((s) => {
      const n = s.values.length;
      return { ...s, values: s.values.map((v, t) => (t >= n - fromEnd * H && t < n - toEnd * H ? 1e6 + t : v)) };
    }),
  };
}

describe.skipIf(!HAS_WEIGHTS)('pretrained strategies', () => {
  it('zero-shot trains nothing: 0 trainable parameters, no epochs, weights as shipped', async () => {
    const { training, forecaster } = await transfer('zero-shot', {}, seasonalDataset({ covariate: true }));
    expect(training.trainableParameters).toBe(0);
    expect(training.epochsRun).toBe(0);
    expect(training.history.map((h) => h.epoch)).toEqual([0]);
    expect(Number.isFinite(training.bestValLoss)).toBe(true);
    expect(identical(snapshot(forecaster.model.backbone.network), snapshot(pretrained!.network))).toBe(true);
    expect(identical(snapshot(forecaster.model.head.network), warmStartSnapshot())).toBe(true);
    // Zero-shot never uses covariates: the pretrained head has no inputs for them.
    expect(forecaster.meta.head.covariates).toEqual([]);
    expect(forecaster.meta.covariates).toBeUndefined();
  });

  it('probe leaves the backbone bit-identical and trains the head only', async () => {
    const { training, forecaster, firstStep } = await observed('probe');
    const pre = snapshot(pretrained!.network);
    const warm = warmStartSnapshot();
    expect(firstStep).toBeDefined();
    expect(identical(firstStep.backbone, pre)).toBe(true);
    expect(identical(firstStep.head, warm)).toBe(false);
    expect(identical(snapshot(forecaster.model.backbone.network), pre)).toBe(true);
    // The final head is the warm start only when early stopping kept the initial weights.
    expect(identical(snapshot(forecaster.model.head.network), warm)).toBe(training.bestEpoch === 0);
    expect(training.trainableParameters).toBe(countParams(forecaster.model.head.network));
    expect(training.trainableParameters).toBe((pretrained!.info.embeddingSize + 1) * H);
    expect(training.epochsRun).toBeGreaterThan(0);
  });

  it('fine-tune changes both the backbone and the head', async () => {
    const { training, forecaster, firstStep } = await observed('fine-tune');
    const pre = snapshot(pretrained!.network);
    const warm = warmStartSnapshot();
    expect(identical(firstStep.backbone, pre)).toBe(false);
    expect(identical(firstStep.head, warm)).toBe(false);
    expect(identical(snapshot(forecaster.model.backbone.network), pre)).toBe(training.bestEpoch === 0);
    expect(identical(snapshot(forecaster.model.head.network), warm)).toBe(training.bestEpoch === 0);
    expect(training.trainableParameters).toBe(countParams(forecaster.model.head.network) + pretrained!.info.parameters);
  });

  it('scratch does not start from the pretrained weights', async () => {
    const { forecaster } = await scratchSeed1();
    const random = await PatchMixerBackbone.at(weights!).build({ init: 'random', seed: 1 });
    const init = snapshot(random.network);
    random.network.dispose();
    const pre = snapshot(pretrained!.network);
    expect(identical(init, pre)).toBe(false);
    expect(identical(snapshot(forecaster.model.backbone.network), pre)).toBe(false);
  });
});

describe('scratch strategy', () => {
  it('trains every weight: backbone moves away from its random init', async () => {
    const { training, forecaster } = await scratchSeed1();
    const random = await new PatchMixerBackbone().build({ init: 'random', seed: 1 });
    expect(identical(snapshot(forecaster.model.backbone.network), snapshot(random.network))).toBe(false);
    expect(training.trainableParameters).toBe(random.network.countParams() + countParams(forecaster.model.head.network));
    random.network.dispose();
    expect(forecaster.meta.strategy).toBe('scratch');
  });

  it('same seed gives identical forecasts; a different seed different ones', async () => {
    const a = testForecast((await scratchSeed1()).forecaster);
    const b = testForecast((await transfer('scratch')).forecaster);
    const c = testForecast((await transfer('scratch', { seed: 2 })).forecaster);
    expect(a).toHaveLength(6);
    for (const row of a) {
      expect(row).toHaveLength(H);
      expect(row.every(Number.isFinite)).toBe(true);
    }
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  /** Mean validation loss of a forecaster's current weights, recomputed from scratch. */
  function validationLoss(forecaster: Forecaster): number {
    const val = new ForecastWindows(data, splitCuts(data, H).val, { contextLength: forecaster.meta.contextLength, horizon: H, covariates: forecaster.meta.covariates });
    expect(val.size).toBe(6);
    return tf.tidy(() => {
      const b = val.batch(Array.from({ length: val.size }, (_, i) => i));
      return forecaster.model.head.loss(forecaster.model.predict(b.input), b.target, b.weight).dataSync()[0]!;
    });
  }

  it('bestValLoss is the best epoch and equals a recomputed validation loss of the final weights', async () => {
    const { training, forecaster } = await scratchSeed1();
    // The start (epoch 0) and every epoch run.
    expect(training.history).toHaveLength(training.epochsRun + 1);
    const losses = training.history.map((h) => h.valLoss);
    expect(training.bestValLoss).toBeLessThanOrEqual(Math.min(...losses));
    expect(training.bestValLoss).toBe(losses[training.bestEpoch]);
    expect(validationLoss(forecaster)).toBeCloseTo(training.bestValLoss, 5);
  });

  it('early stopping restores the best weights when training makes validation worse', async () => {
    // A learning rate of 1 wrecks the randomly initialised network in one epoch: the initial
    // weights (epoch 0) stay best, patience 1 stops right away, and they must be restored.
    const { training, forecaster } = await transfer('scratch', { epochs: 5, patience: 1, learningRate: 1 });
    expect(training.epochsRun).toBe(1);
    expect(training.bestEpoch).toBe(0);
    expect(training.history[1]!.valLoss).toBeGreaterThan(training.bestValLoss);
    const recomputed = validationLoss(forecaster);
    expect(recomputed).toBeCloseTo(training.bestValLoss, 5);
    expect(Math.abs(recomputed - training.history[1]!.valLoss)).toBeGreaterThan(1e-3);
  });

  it('the last horizon never enters training; the validation horizon does', async () => {
    const base = await scratchSeed1();
    const withTest = await transfer('scratch', {}, poisoned(data, 1, 0));
    expect(identical(snapshot(withTest.forecaster.model.backbone.network), snapshot(base.forecaster.model.backbone.network))).toBe(true);
    expect(identical(snapshot(withTest.forecaster.model.head.network), snapshot(base.forecaster.model.head.network))).toBe(true);
    const losses = (t: typeof base.training) => t.history.map(({ seconds: _s, ...rest }) => rest);
    expect(losses(withTest.training)).toEqual(losses(base.training));
    // Sensitivity check: poisoning the validation window instead changes what training sees.
    const withVal = await transfer('scratch', { epochs: 1 }, poisoned(data, 2, 1));
    expect(withVal.training.history[1]!.valLoss).not.toBe(base.training.history[1]!.valLoss);
  });
});

describe('validation windows', () => {
  it('with few series, validation takes several horizons per series and training ends before the earliest', async () => {
    const few = { validationWindows: undefined, epochs: 1 };
    const base = await transfer('scratch', few);
    expect(base.validation.windowsPerSeries).toBe(validationWindowsFor(data.series.length));
    expect(base.validation.windowsPerSeries).toBeGreaterThan(1);
    // Poisoning the earliest validation horizon changes validation, never training.
    const k = base.validation.windowsPerSeries;
    const hit = await transfer('scratch', few, poisoned(data, k + 1, k));
    expect(hit.training.history[1]!.trainLoss).toBe(base.training.history[1]!.trainLoss);
    expect(hit.training.history[1]!.valLoss).not.toBe(base.training.history[1]!.valLoss);
  });
});

describe('Trainer', () => {
  /** An encoder that outputs zeros, so the head's prediction is its bias: the optimiser path is predictable. */
  function zeroBackbone(): BackboneModel<ForecastInput> {
    const network = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, kernelInitializer: 'zeros', biasInitializer: 'zeros', trainable: false })] });
    return {
      info: { id: 'zero', version: '0', task: 'forecast', description: '', contextLength: 4, embeddingSize: 2, parameters: 10, corpus: '', hasWeights: false },
      network,
      encode: (input) => ({ hidden: network.apply(input.context) as tf.Tensor2D }),
    };
  }
  const constantSet = (size: number, target: number): ExampleSet<ForecastInput> => ({
    size,
    batch: (idx): Batch<ForecastInput> => ({
      input: { context: tf.zeros([idx.length, 4]) as tf.Tensor2D, mask: tf.ones([idx.length, 4]) as tf.Tensor2D, period: tf.zeros([idx.length, PERIOD_BUCKETS]) as tf.Tensor2D },
      target: tf.fill([idx.length, 1], target),
    }),
  });

  it('stops after `patience` epochs without improvement and restores the best epoch', async () => {
    const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 2, outputs: 1, covariates: [] }, { seed: 1 });
    const model = new TaskModel(zeroBackbone(), head);
    const bias = () => head.network.getLayer('forecast').getWeights()[1]!.dataSync()[0]!;
    expect(bias()).toBe(0);
    // Train targets 1, validation targets 0.5: with Adam's ~lr-sized steps the bias walks 0.25, 0.5, 0.75, 1.
    const result = await new Trainer().fit(model, STRATEGIES.probe, constantSet(8, 1), constantSet(4, 0.5), {
      seed: 1,
      epochs: 20,
      batchSize: 8,
      learningRate: 0.25,
      patience: 2,
    });
    // The start (epoch 0: bias 0, loss 0.5) is the first checkpoint.
    expect(result.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3, 4]);
    const val = result.history.map((h) => h.valLoss);
    [0.5, 0.25, 0, 0.25, 0.5].forEach((v, i) => expect(val[i]).toBeCloseTo(v, 4));
    expect(result.epochsRun).toBe(4);
    expect(result.bestEpoch).toBe(2);
    expect(result.bestValLoss).toBeCloseTo(0, 4);
    expect(bias()).toBeCloseTo(0.5, 4);
    expect(result.trainableParameters).toBe(3);
    model.dispose();
  });

  it('an epoch selector, not the validation loss, chooses the kept epoch when given', async () => {
    const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 2, outputs: 1, covariates: [] }, { seed: 1 });
    const model = new TaskModel(zeroBackbone(), head);
    const bias = () => head.network.getLayer('forecast').getWeights()[1]!.dataSync()[0]!;
    // The same walk as above (bias 0.25, 0.5, 0.75, 1, …); validation loss prefers 0.5, the selector 0.75.
    const selectBy = { name: 'closeness to 0.75', score: () => -Math.abs(bias() - 0.75) };
    const result = await new Trainer().fit(model, STRATEGIES.probe, constantSet(8, 1), constantSet(4, 0.5), { seed: 1, epochs: 20, batchSize: 8, learningRate: 0.25, patience: 2, selectBy });
    expect(result.selectedBy).toBe('closeness to 0.75');
    expect(result.bestEpoch).toBe(3);
    expect(result.epochsRun).toBe(5);
    expect(bias()).toBeCloseTo(0.75, 4);
    expect(result.bestValScore).toBeCloseTo(0, 4);
    expect(result.bestValLoss).toBeCloseTo(0.25, 4);
    expect(result.history.map((h) => h.valScore)).toHaveLength(6);
    expect(result.history[2]!.valScore).toBeCloseTo(-0.25, 4);
    model.dispose();
  });

  it('without a selector the kept epoch is the lowest validation loss, recorded as such', async () => {
    const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 2, outputs: 1, covariates: [] }, { seed: 1 });
    const model = new TaskModel(zeroBackbone(), head);
    const result = await new Trainer().fit(model, STRATEGIES.probe, constantSet(8, 1), constantSet(4, 0.5), { seed: 1, epochs: 20, batchSize: 8, learningRate: 0.25, patience: 2 });
    expect(result.selectedBy).toBe('val loss');
    expect(result.bestValScore).toBeUndefined();
    expect(result.history.every((h) => h.valScore === undefined)).toBe(true);
    model.dispose();
  });

  it('a strategy that trains nothing leaves every weight alone', async () => {
    const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 2, outputs: 1, covariates: [] }, { seed: 1 });
    const model = new TaskModel(zeroBackbone(), head);
    const before = snapshot(head.network);
    const result = await new Trainer().fit(model, STRATEGIES['zero-shot'], constantSet(8, 1), constantSet(4, 0.5), { seed: 1, epochs: 5, batchSize: 8, learningRate: 0.25, patience: 2 });
    expect(result).toMatchObject({ epochsRun: 0, bestEpoch: 0, trainableParameters: 0 });
    expect(result.history.map((h) => h.epoch)).toEqual([0]);
    expect(result.bestValLoss).toBeCloseTo(0.5, 6);
    expect(identical(snapshot(head.network), before)).toBe(true);
    model.dispose();
  });

  it('checkpoints: the start and every epoch, in order, with the weights of that moment; their own time is off the clock', async () => {
    const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 2, outputs: 1, covariates: [] }, { seed: 1 });
    const model = new TaskModel(zeroBackbone(), head);
    const bias = () => head.network.getLayer('forecast').getWeights()[1]!.dataSync()[0]!;
    const seen: { epoch: number; seconds: number; bias: number }[] = [];
    const result = await new Trainer().fit(model, STRATEGIES.probe, constantSet(8, 1), constantSet(4, 0.5), {
      seed: 1, epochs: 3, batchSize: 8, learningRate: 0.25, patience: 5,
      onCheckpoint: async (c) => {
        seen.push({ epoch: c.epoch, seconds: c.seconds, bias: bias() });
        await new Promise((r) => setTimeout(r, 300));
      },
    });
    expect(seen.map((c) => c.epoch)).toEqual([0, 1, 2, 3]);
    [0, 0.25, 0.5, 0.75].forEach((b, i) => expect(seen[i]!.bias).toBeCloseTo(b, 4));
    expect(seen.map((c) => c.seconds)).toEqual(result.history.map((h) => h.seconds));
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.seconds).toBeGreaterThanOrEqual(seen[i - 1]!.seconds);
    // Four callbacks slept 1.2 s in all; the training clock left them out.
    expect(result.seconds).toBeLessThan(1);
    model.dispose();
  });

  it('a head\'s fresh weights learn at freshLrScale times the head\'s rate, the others at the head\'s', async () => {
    const moved = async (fresh: boolean) => {
      const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 2, outputs: 1, covariates: [] }, { seed: 1 });
      const bias = head.network.getLayer('forecast').weights[1]!;
      if (fresh) Object.assign(head, { freshVariables: () => [bias.read() as tf.Variable] });
      const model = new TaskModel(zeroBackbone(), head);
      // One Adam step moves the bias by about its learning rate; validation wants the move kept.
      await new Trainer().fit(model, STRATEGIES.probe, constantSet(8, 1), constantSet(4, 1), { seed: 1, epochs: 1, batchSize: 8, learningRate: 0.05, patience: 1 });
      const b = bias.read().dataSync()[0]!;
      model.dispose();
      return b;
    };
    expect(STRATEGIES.probe.freshLrScale).toBe(3);
    expect(await moved(false)).toBeCloseTo(0.05, 3);
    expect(await moved(true)).toBeCloseTo(0.15, 3);
  });

  it('maxStepsPerEpoch caps the optimiser steps', async () => {
    const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize: 2, outputs: 1, covariates: [] }, { seed: 1 });
    const model = new TaskModel(zeroBackbone(), head);
    const steps: number[] = [];
    await new Trainer().fit(model, STRATEGIES.scratch, constantSet(40, 1), constantSet(4, 1), {
      seed: 1,
      epochs: 1,
      batchSize: 4,
      learningRate: 0.01,
      patience: 1,
      maxStepsPerEpoch: 3,
      onProgress: (p) => steps.push(p.steps),
    });
    expect(new Set(steps)).toEqual(new Set([3]));
    model.dispose();
  });
});
