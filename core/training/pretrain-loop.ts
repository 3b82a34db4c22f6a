import * as tf from '@tensorflow/tfjs';
import { sha256 } from '../io/sha256.js';
import { join } from 'node:path';
import type { PretrainProgress, PretrainRunOptions } from '../interfaces/index.js';
import { saveNetwork } from '../io/layers-io.js';
import { writeDirAtomic, writeFileAtomic } from '../io/atomic.js';
import { WEIGHTS_MANIFEST, type WeightsManifest } from '../io/weights-manifest.js';
import { currentBackend } from '../backend.js';
import { UsageError } from '../errors.js';

export interface PretrainLoopOptions extends Omit<PretrainRunOptions, 'batchSize' | 'seed'> {
  variables: tf.Variable[];
  /** Loss on the next training batch; draws the batch itself (called under tf.variableGrads). */
  trainLoss: () => tf.Scalar;
  /** Loss on fixed held-out data, NaN when there is none. */
  heldOutLoss: () => number;
  onProgress?: (p: PretrainProgress) => void;
}

/** Where the loop stands when it checkpoints. */
export interface PretrainState {
  step: number;
  trainEma: number;
  wallSeconds: number;
}

/** Rejects settings no pretraining run can use, before any data is read. */
export function checkPretrainRunOptions(o: PretrainRunOptions): void {
  for (const [name, v] of [['steps', o.steps], ['batch size', o.batchSize], ['checkpoint every', o.checkpointEvery]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`${name} must be a positive integer (got ${v})`);
  }
  if (!(o.learningRate > 0)) throw new UsageError(`learning rate must be positive (got ${o.learningRate})`);
}

/** Learning rate at `step`: linear warm-up over min(500, steps/10) steps, then cosine decay to 10%. */
export function pretrainLearningRate(step: number, steps: number, base: number): number {
  const warmup = Math.min(500, Math.floor(steps / 10));
  return step < warmup ? (base * (step + 1)) / warmup : base * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * step) / steps)));
}

/**
 * The pretraining loop every pretrainer shares: Adam with the schedule above, an EMA of the training
 * loss, a divergence check, progress, and `checkpoint` every `checkpointEvery` steps and at the end.
 */
export async function runPretraining(o: PretrainLoopOptions, checkpoint: (s: PretrainState) => Promise<void>): Promise<PretrainState> {
  const optimizer = tf.train.adam(o.learningRate);
  const started = Date.now();
  const deadline = o.maxMinutes ? started + o.maxMinutes * 60_000 : Infinity;
  const last = Math.min(o.steps, o.stopAfter ?? Infinity);
  const state = (): PretrainState => ({ step, trainEma: ema, wallSeconds: Math.round((Date.now() - started) / 1000) });
  let step = 0;
  let ema = NaN;
  try {
    while (step < last && Date.now() < deadline) {
      (optimizer as unknown as { learningRate: number }).learningRate = pretrainLearningRate(step, o.steps, o.learningRate);
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(o.trainLoss, o.variables);
        optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
        return value.dataSync()[0]!;
      });
      if (!Number.isFinite(l)) throw new UsageError(`pretraining diverged at step ${step} (loss ${l}); lower --learning-rate`, 'diverged');
      ema = Number.isNaN(ema) ? l : 0.98 * ema + 0.02 * l;
      step++;
      o.onProgress?.({ step, steps: o.steps, loss: ema, elapsedSeconds: (Date.now() - started) / 1000 });
      if (step % o.checkpointEvery === 0) await checkpoint(state());
    }
    const end = state();
    await checkpoint(end);
    return end;
  } finally {
    optimizer.dispose();
  }
}

/**
 * Writes networks plus a weights manifest (with the sha256 of every file) into `out`, atomically.
 * `manifest` is everything but `files`, `backend` and `createdAt`, which this fills in.
 */
export async function saveWeightsFolder(
  out: string,
  networks: Record<string, tf.LayersModel>,
  manifest: Omit<WeightsManifest, 'files' | 'backend' | 'createdAt'>,
  extraFiles: Record<string, string | Uint8Array> = {},
): Promise<WeightsManifest> {
  const full: WeightsManifest = { ...manifest, backend: currentBackend()?.active ?? tf.getBackend(), createdAt: new Date().toISOString(), files: {} };
  await writeDirAtomic(out, async (dir) => {
    for (const [name, net] of Object.entries(networks)) Object.assign(full.files, await saveNetwork(net, dir, name));
    for (const [name, data] of Object.entries(extraFiles)) {
      await writeFileAtomic(join(dir, name), data);
      full.files[name] = sha256(data);
    }
    await writeFileAtomic(join(dir, WEIGHTS_MANIFEST), JSON.stringify(full, null, 2) + '\n');
  });
  return full;
}
