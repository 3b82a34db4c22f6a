import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import type { PretrainSummary, Pretrainer, PretrainProgress } from '../../../core/interfaces/index.js';
import { saveNetwork } from '../../../core/io/layers-io.js';
import { writeDirAtomic, writeFileAtomic } from '../../../core/io/atomic.js';
import { WEIGHTS_MANIFEST, type WeightsManifest } from '../../../core/io/weights-manifest.js';
import { currentBackend } from '../../../core/backend.js';
import { buildPatchMixerNetwork } from '../backbones/patch-mixer-network.js';
import { PatchMixerBackbone, PATCH_MIXER_VERSION } from '../backbones/patch-mixer.js';
import { LinearForecastHead } from '../heads/linear-forecast-head.js';
import { readCorpusFile, isHeldOut, type CorpusFileOptions, type CorpusSeries } from './corpus.js';
import { PERIOD_BUCKETS } from '../data/period.js';
import { WindowSampler, type PretrainBatch } from './window-sampler.js';
import { join } from 'node:path';

export interface ForecastPretrainOptions {
  corpus: (CorpusFileOptions & { path: string })[];
  /** Number of KernelSynth-style series in the corpus. */
  synthetic: number;
  /** Share of each batch drawn from the synthetic series (when both parts exist). */
  syntheticRatio: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Stop early (recording the steps reached) after this many minutes. */
  maxMinutes?: number;
  /** Stop after this many steps while keeping the learning-rate schedule of `steps`: re-runs a time-capped run exactly. */
  stopAfter?: number;
  /** Save a complete, loadable weights folder every this many steps. */
  checkpointEvery: number;
}

const HOLDOUT_FRACTION = 0.05;

/** Pretrains the patch-mixer encoder with its forecast head on masked MAE in normalised units. */
@injectable()
export class PatchMixerPretrainer implements Pretrainer<ForecastPretrainOptions> {
  readonly backboneId = 'patch-mixer-s';
  readonly task = 'forecast' as const;

  async run(o: ForecastPretrainOptions & { out: string; command: string; onProgress?: (p: PretrainProgress) => void }): Promise<PretrainSummary> {
    const cfg = new PatchMixerBackbone().config;
    const real: CorpusSeries[] = [];
    const heldOut: CorpusSeries[] = [];
    for (const file of o.corpus) {
      for (const s of await readCorpusFile(file.path, file)) (isHeldOut(s.id, HOLDOUT_FRACTION) ? heldOut : real).push(s);
    }
    const sampler = new WindowSampler({ contextLength: cfg.contextLength, horizon: cfg.maxHorizon, real, synthetic: o.synthetic, syntheticRatio: o.syntheticRatio, seed: o.seed });
    // Fixed held-out windows (real series never trained on) to report generalisation.
    const holdoutBatch = heldOut.length > 0
      ? new WindowSampler({ contextLength: cfg.contextLength, horizon: cfg.maxHorizon, real: heldOut, synthetic: 0, syntheticRatio: 0, seed: o.seed + 1 }).sample(1024)
      : undefined;

    const backbone = buildPatchMixerNetwork(cfg, o.seed);
    const embeddingSize = backbone.outputs[0]!.shape[1] as number;
    const head = new LinearForecastHead().create({ head: 'linear-forecast', embeddingSize, outputs: cfg.maxHorizon, covariates: [] }, { seed: o.seed + 7 });
    const vars = [...backbone.trainableWeights, ...head.network.trainableWeights].map((w) => w.read() as tf.Variable);
    const optimizer = tf.train.adam(o.learningRate);
    const setLr = (lr: number) => ((optimizer as unknown as { learningRate: number }).learningRate = lr);
    const loss = (b: PretrainBatch, training: boolean) => {
      const L = cfg.contextLength;
      const H = cfg.maxHorizon;
      const ctx = tf.tensor2d(b.context, [b.size, L]);
      const mask = tf.tensor2d(b.mask, [b.size, L]);
      const y = tf.tensor2d(b.target, [b.size, H]);
      const m = tf.tensor2d(b.targetMask, [b.size, H]);
      const period = tf.tensor2d(b.period, [b.size, PERIOD_BUCKETS]);
      const hidden = backbone.apply([ctx, mask, period], { training }) as tf.Tensor2D;
      const pred = head.network.apply(hidden, { training }) as tf.Tensor;
      return tf.div(tf.sum(tf.mul(tf.abs(tf.sub(pred, y)), m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
    };
    const evalHoldout = () => (holdoutBatch ? tf.tidy(() => loss(holdoutBatch, false).dataSync()[0]!) : NaN);

    const started = Date.now();
    const warmup = Math.min(500, Math.floor(o.steps / 10));
    let step = 0;
    let ema = NaN;
    const save = async () => {
      const files: Record<string, string> = {};
      const manifest: WeightsManifest = {
        backbone: this.backboneId,
        version: PATCH_MIXER_VERSION,
        config: { ...cfg },
        corpus: {
          description: `${o.synthetic} KernelSynth-style synthetic series + ${real.length} real series (${o.corpus.map((c) => c.path.split('/').pop()).join(', ')}; ${heldOut.length} held out)`,
          sources: o.corpus.map((c) => c.path.split('/').pop()!),
          synthetic: o.synthetic,
        },
        command: o.command,
        seed: o.seed,
        steps: step,
        batchSize: o.batchSize,
        wallSeconds: Math.round((Date.now() - started) / 1000),
        parameters: backbone.countParams(),
        finalLoss: { trainEma: ema, heldOut: evalHoldout() },
        backend: currentBackend()?.active ?? tf.getBackend(),
        createdAt: new Date().toISOString(),
        files,
      };
      await writeDirAtomic(o.out, async (dir) => {
        Object.assign(files, await saveNetwork(backbone, dir, 'backbone'));
        Object.assign(files, await saveNetwork(head.network, dir, 'head'));
        await writeFileAtomic(join(dir, WEIGHTS_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
      });
      return manifest;
    };

    const deadline = o.maxMinutes ? started + o.maxMinutes * 60_000 : Infinity;
    const last = Math.min(o.steps, o.stopAfter ?? Infinity);
    for (step = 0; step < last && Date.now() < deadline; ) {
      const lr = step < warmup ? (o.learningRate * (step + 1)) / warmup : o.learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * step) / o.steps)));
      setLr(lr);
      const batch = sampler.sample(o.batchSize);
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => loss(batch, true), vars);
        optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
        return value.dataSync()[0]!;
      });
      if (!Number.isFinite(l)) throw new Error(`pretraining diverged at step ${step} (loss ${l}); lower --learning-rate`);
      ema = Number.isNaN(ema) ? l : 0.98 * ema + 0.02 * l;
      step++;
      o.onProgress?.({ step, steps: o.steps, loss: ema, elapsedSeconds: (Date.now() - started) / 1000 });
      if (step % o.checkpointEvery === 0) await save();
    }
    const manifest = await save();
    return { out: o.out, steps: step, wallSeconds: manifest.wallSeconds, parameters: manifest.parameters, finalLoss: manifest.finalLoss };
  }
}
