import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../core/backend.js';
import { sha256 } from '../../core/io/sha256.js';
import { readWeightsManifest } from '../../core/io/weights-manifest.js';
import { PatchMixerPretrainer } from '../../plugins/forecasting/pretraining/pretrain-patch-mixer.js';
import { PatchMixerBackbone } from '../../plugins/forecasting/backbones/patch-mixer.js';
import { kernelSynthSeries } from '../../plugins/forecasting/pretraining/kernel-synth.js';
import { periodFromTimeStep, readCorpusFile } from '../../plugins/forecasting/pretraining/corpus.js';
import { WindowSampler } from '../../plugins/forecasting/pretraining/window-sampler.js';
import { ModelError } from '../../core/errors.js';
import { exampleCorpusCsv } from '../../plugins/forecasting/pretraining/example-corpus.js';

beforeAll(async () => {
  await useBackend('wasm');
});

function corpusFile(dir: string): string {
  const path = join(dir, 'corpus.csv');
  writeFileSync(path, exampleCorpusCsv());
  return path;
}

describe('KernelSynth-style generator', () => {
  it('is deterministic per seed and finite', () => {
    const a = kernelSynthSeries(7, 200);
    const b = kernelSynthSeries(7, 200);
    const c = kernelSynthSeries(8, 200);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.values)).not.toEqual(Array.from(c.values));
    for (let s = 0; s < 200; s++) expect(kernelSynthSeries(s, 64).values.every(Number.isFinite)).toBe(true);
  });
});

describe('pretraining corpus', () => {
  it('reads series in order and infers the period from decimal time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-corpus-'));
    const series = await readCorpusFile(corpusFile(dir), { idColumn: 'series_id', valueColumn: 'value', orderColumn: 't', timeColumn: 'time' });
    expect(series).toHaveLength(6);
    expect(series[0]!.values).toHaveLength(40);
    expect(series.every((s) => s.period === 12)).toBe(true);
    expect(periodFromTimeStep([2000, 2000.25, 2000.5])).toBe(4);
    expect(periodFromTimeStep([1990, 1991, 1992])).toBe(1);
  });

  it('names the missing column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-corpus-'));
    await expect(readCorpusFile(corpusFile(dir), { idColumn: 'id', valueColumn: 'value' })).rejects.toThrow(/column "id" not found/);
  });

  it('samples padded, masked windows with targets masked beyond the series end', () => {
    const values = Float64Array.from({ length: 20 }, (_, i) => i);
    const sampler = new WindowSampler({ contextLength: 16, horizon: 8, real: [{ values, period: 1 }], synthetic: 0, syntheticRatio: 0, seed: 3 });
    const b = sampler.sample(32);
    for (let r = 0; r < 32; r++) {
      const mask = b.mask.subarray(r * 16, (r + 1) * 16);
      // Observed steps are a contiguous suffix of the context.
      const first = mask.indexOf(1);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(Array.from(mask.subarray(first)).every((m) => m === 1)).toBe(true);
      const observed = 16 - first;
      const targets = Array.from(b.targetMask.subarray(r * 8, (r + 1) * 8));
      // Series of 20 points: history + target never exceeds the series.
      expect(targets.indexOf(0) === -1 ? 8 : targets.indexOf(0)).toBeGreaterThan(0);
      expect(observed).toBeLessThanOrEqual(16);
    }
  });
});

describe('pretrain command service', () => {
  it('writes weights with a complete manifest that loads and verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-pretrain-'));
    const out = join(dir, 'weights');
    const summary = await new PatchMixerPretrainer().run({
      corpus: [{ path: corpusFile(dir), idColumn: 'series_id', valueColumn: 'value', orderColumn: 't', timeColumn: 'time' }],
      synthetic: 50,
      syntheticRatio: 0.5,
      steps: 3,
      batchSize: 8,
      learningRate: 1e-3,
      seed: 5,
      checkpointEvery: 2,
      out,
      command: 'headstart pretrain forecast --steps 3',
    });
    expect(summary.steps).toBe(3);
    const m = readWeightsManifest(out);
    expect(m.command).toBe('headstart pretrain forecast --steps 3');
    expect(m.seed).toBe(5);
    expect(m.steps).toBe(3);
    expect(m.parameters).toBe(new PatchMixerBackbone().describe().parameters);
    expect(m.corpus.synthetic).toBe(50);
    expect(Number.isFinite(m.wallSeconds)).toBe(true);
    for (const [file, hash] of Object.entries(m.files)) expect(sha256(readFileSync(join(out, file)))).toBe(hash);

    // Same seed, same corpus, same steps: bit-identical weights (what makes the manifest's command a recipe).
    const again = join(dir, 'again');
    await new PatchMixerPretrainer().run({
      corpus: [{ path: join(dir, 'corpus.csv'), idColumn: 'series_id', valueColumn: 'value', orderColumn: 't', timeColumn: 'time' }],
      synthetic: 50, syntheticRatio: 0.5, steps: 5, stopAfter: 3, batchSize: 8, learningRate: 1e-3, seed: 5, checkpointEvery: 100, out: again, command: 'x',
    });
    const first = await new PatchMixerPretrainer().run({
      corpus: [{ path: join(dir, 'corpus.csv'), idColumn: 'series_id', valueColumn: 'value', orderColumn: 't', timeColumn: 'time' }],
      synthetic: 50, syntheticRatio: 0.5, steps: 5, stopAfter: 3, batchSize: 8, learningRate: 1e-3, seed: 5, checkpointEvery: 100, out: join(dir, 'again2'), command: 'x',
    });
    expect(first.steps).toBe(3);
    // Weight bytes, not model.json: tfjs numbers auto-named layers per process, so topology names differ in-process.
    const weightsOnly = (files: Record<string, string>) => Object.entries(files).filter(([f]) => f.endsWith('.bin'));
    expect(weightsOnly(readWeightsManifest(again).files)).toEqual(weightsOnly(readWeightsManifest(join(dir, 'again2')).files));

    const model = await PatchMixerBackbone.at(out).build({ init: 'pretrained', seed: 1 });
    expect(model.pretrainedHead).toBeDefined();

    const bytes = readFileSync(join(out, 'backbone.weights.bin'));
    bytes[10] = bytes[10]! ^ 0xff;
    writeFileSync(join(out, 'backbone.weights.bin'), bytes);
    await expect(PatchMixerBackbone.at(out).build({ init: 'pretrained', seed: 1 })).rejects.toThrow(ModelError);
    await expect(PatchMixerBackbone.at(out).build({ init: 'pretrained', seed: 1 })).rejects.toThrow(/sha256/);
  });

  it('--resume continues an interrupted run exactly: 3 steps + resume to 6 equals 6 straight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-resume-'));
    const base = {
      corpus: [{ path: corpusFile(dir), idColumn: 'series_id', valueColumn: 'value', orderColumn: 't', timeColumn: 'time' }],
      synthetic: 50, syntheticRatio: 0.5, recipe: 'demand' as const, steps: 6, batchSize: 8, learningRate: 1e-3, seed: 5, checkpointEvery: 3, emaDecay: 0.9, command: 'x',
    };
    await new PatchMixerPretrainer().run({ ...base, out: join(dir, 'straight') });
    await new PatchMixerPretrainer().run({ ...base, stopAfter: 3, out: join(dir, 'split') });
    expect(readWeightsManifest(join(dir, 'split')).steps).toBe(3);
    const resumed = await new PatchMixerPretrainer().run({ ...base, resume: true, out: join(dir, 'split') });
    expect(resumed.steps).toBe(6);
    const weightsOnly = (files: Record<string, string>) => Object.entries(files).filter(([f]) => f.endsWith('.bin'));
    expect(weightsOnly(readWeightsManifest(join(dir, 'split')).files)).toEqual(weightsOnly(readWeightsManifest(join(dir, 'straight')).files));
    // Another schedule is another run: refused with the setting that differs.
    await expect(new PatchMixerPretrainer().run({ ...base, steps: 9, resume: true, out: join(dir, 'split') })).rejects.toThrow(/steps=6/);
    await expect(new PatchMixerPretrainer().run({ ...base, resume: true, out: join(dir, 'none') })).rejects.toThrow(/no resume state/);
  });

  it('--resume is exact from any step (the optimizer\'s bias-correction powers are restored as the steps accumulate them): 2 + 4 equals 6 straight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-resume-any-'));
    const base = {
      corpus: [{ path: corpusFile(dir), idColumn: 'series_id', valueColumn: 'value', orderColumn: 't', timeColumn: 'time' }],
      synthetic: 50, syntheticRatio: 0.5, recipe: 'demand' as const, steps: 6, batchSize: 8, learningRate: 1e-3, seed: 5, checkpointEvery: 2, command: 'x',
    };
    await new PatchMixerPretrainer().run({ ...base, out: join(dir, 'straight') });
    await new PatchMixerPretrainer().run({ ...base, stopAfter: 2, out: join(dir, 'split') });
    await new PatchMixerPretrainer().run({ ...base, resume: true, out: join(dir, 'split') });
    const weightsOnly = (files: Record<string, string>) => Object.entries(files).filter(([f]) => f.endsWith('.bin'));
    expect(weightsOnly(readWeightsManifest(join(dir, 'split')).files)).toEqual(weightsOnly(readWeightsManifest(join(dir, 'straight')).files));
  });

  it('--init-from continues from a weights folder: one step at a tiny learning rate keeps its weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-init-'));
    const base = { corpus: [], synthetic: 20, syntheticRatio: 1, steps: 2, batchSize: 4, learningRate: 1e-3, seed: 3, checkpointEvery: 10, command: 'x' };
    await new PatchMixerPretrainer().run({ ...base, out: join(dir, 'a') });
    await new PatchMixerPretrainer().run({ ...base, steps: 1, learningRate: 1e-12, initFrom: join(dir, 'a'), out: join(dir, 'b') });
    const a = readFileSync(join(dir, 'a', 'backbone.weights.bin'));
    const b = readFileSync(join(dir, 'b', 'backbone.weights.bin'));
    const fa = new Float32Array(a.buffer, a.byteOffset, a.byteLength / 4);
    const fb = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    expect(fb.length).toBe(fa.length);
    let maxDiff = 0;
    for (let i = 0; i < fa.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fa[i]! - fb[i]!));
    expect(maxDiff).toBeLessThan(1e-6);
    expect(readWeightsManifest(join(dir, 'b')).corpus.description).toMatch(/continued from patch-mixer-s weights of 2 steps/);
  });
});
