import { manifestDigest } from '../io/manifest-digest.js';
import * as tf from '@tensorflow/tfjs';
import { sha256 } from '../io/sha256.js';
import { join } from 'node:path';
import type { PretrainProgress, PretrainRunOptions, PretrainSummary } from '../interfaces/index.js';
import { saveNetwork } from '../io/layers-io.js';
import { writeDirAtomic, writeFileAtomic, type DirWriteOptions } from '../io/atomic.js';
import { WEIGHTS_MANIFEST, type WeightsManifest } from '../io/weights-manifest.js';
import { currentBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { loadResumeState, resumeDir, saveResumeState } from './pretrain-resume.js';
import { createAdam } from './fused-adam.js';
import { ReplicaExchange } from './replica-exchange.js';

export interface PretrainLoopOptions extends Omit<PretrainRunOptions, 'batchSize' | 'seed'> {
  variables: tf.Variable[];
  /** Loss on the next training batch; draws the batch itself (called under tf.variableGrads). */
  trainLoss: () => tf.Scalar;
  /** Loss on fixed held-out data, NaN when there is none. */
  heldOutLoss: () => number;
  onProgress?: (p: PretrainProgress) => void;
  /** Where checkpoints also keep the full training state, and whether to continue from it. */
  resumeState?: { dir: string; continue: boolean; settings: Record<string, unknown> };
  /** The data sampler's random stream, restored on resume so the continuation is exact. */
  sampler?: { snapshot(): number; restore(state: number): void };
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
  if (o.emaDecay !== undefined && !(o.emaDecay >= 0 && o.emaDecay < 1)) throw new UsageError(`EMA decay must be in [0, 1) (got ${o.emaDecay})`);
}

/**
 * An exponential moving average of variables' values (Polyak averaging). The decay ramps up as
 * (1 + t) / (10 + t) so early steps do not anchor the average at the random init.
 */
export class WeightAverage {
  private readonly shadow: tf.Variable[];
  private updates = 0;

  constructor(
    private readonly variables: tf.Variable[],
    private readonly decay: number,
  ) {
    this.shadow = variables.map((v) => tf.variable(v.clone(), false));
  }

  update(): void {
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.updates++;
    tf.tidy(() => this.shadow.forEach((s, i) => s.assign(tf.add(tf.mul(s, d), tf.mul(this.variables[i]!, 1 - d)))));
  }

  /** Runs `fn` with the averaged values in the variables, then puts the live values back. */
  async withAveraged<T>(fn: () => Promise<T>): Promise<T> {
    const live = this.variables.map((v) => v.clone());
    this.variables.forEach((v, i) => v.assign(this.shadow[i]!));
    try {
      return await fn();
    } finally {
      this.variables.forEach((v, i) => v.assign(live[i]!));
      tf.dispose(live);
    }
  }

  /** The averaged values and the update count, for a resumable checkpoint. */
  snapshot(): { updates: number; shadow: tf.Variable[] } {
    return { updates: this.updates, shadow: this.shadow };
  }

  restore(updates: number, values: tf.Tensor[]): void {
    this.updates = updates;
    this.shadow.forEach((s, i) => s.assign(values[i]!));
  }

  dispose(): void {
    tf.dispose(this.shadow);
  }
}

/** Learning rate at `step`: linear warm-up over min(500, steps/10) steps, then cosine decay to 10%. */
export function pretrainLearningRate(step: number, steps: number, base: number): number {
  const warmup = Math.min(500, Math.floor(steps / 10));
  return step < warmup ? (base * (step + 1)) / warmup : base * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * step) / steps)));
}

/**
 * The pretraining loop every pretrainer shares: Adam with the schedule above, an EMA of the training
 * loss, a divergence check, progress, and `checkpoint` every `checkpointEvery` steps and at the end
 * (of the averaged weights when `emaDecay` is set).
 */
export async function runPretraining(o: PretrainLoopOptions, checkpoint: (s: PretrainState) => Promise<void>): Promise<PretrainState> {
  const optimizer = createAdam(o.learningRate);
  // Data-parallel: every replica runs this loop on its own batches; gradients are averaged across
  // replicas each step, and only rank 0 writes.
  const replica = o.replica && o.replica.world > 1 ? o.replica : undefined;
  const exchange = replica ? new ReplicaExchange(replica) : undefined;
  const lead = !replica || replica.rank === 0;
  let started = Date.now();
  const deadline = o.maxMinutes ? started + o.maxMinutes * 60_000 : Infinity;
  const last = Math.min(o.steps, o.stopAfter ?? Infinity);
  const state = (): PretrainState => ({ step, trainEma: ema, wallSeconds: Math.round((Date.now() - started) / 1000) });
  let step = 0;
  let ema = NaN;
  const average = o.emaDecay ? new WeightAverage(o.variables, o.emaDecay) : undefined;
  if (o.resumeState?.continue) {
    const loaded = loadResumeState(o.resumeState.dir, o.resumeState.settings);
    o.variables.forEach((v, i) => v.assign(loaded.groups.variables![i]!));
    const names = (loaded.counters.settings.optimizerNames as string[] | undefined) ?? [];
    await optimizer.setWeights(loaded.groups.optimizer!.map((tensor, i) => ({ name: names[i]!, tensor })));
    if (average) average.restore(loaded.counters.averageUpdates, loaded.groups.average!);
    const samplerState = replica ? loaded.counters.samplerStates?.[replica.rank] : loaded.counters.samplerState;
    if (o.sampler && samplerState !== undefined) o.sampler.restore(samplerState);
    step = loaded.counters.step;
    ema = loaded.counters.trainEma;
    started -= loaded.counters.wallSeconds * 1000;
    tf.dispose(Object.values(loaded.groups).flat());
  }
  const save = async (s: PretrainState) => {
    // Every replica's sampler position, so a resumed replicated run draws what this one would have.
    const samplerStates = exchange && o.sampler ? gatherUint32(exchange, o.sampler.snapshot()) : undefined;
    if (!lead) return;
    await (average ? average.withAveraged(() => checkpoint(s)) : checkpoint(s));
    if (!o.resumeState) return;
    const opt = await optimizer.getWeights();
    await saveResumeState(o.resumeState.dir, {
      step: s.step, trainEma: s.trainEma, wallSeconds: s.wallSeconds,
      averageUpdates: average?.snapshot().updates ?? 0,
      samplerState: o.sampler?.snapshot(),
      ...(samplerStates ? { samplerStates } : {}),
      settings: { ...o.resumeState.settings, optimizerNames: opt.map((w) => w.name) },
    }, { variables: o.variables, optimizer: opt.map((w) => w.tensor), average: average?.snapshot().shadow ?? [] });
  };
  // Replicas agree on stopping at the deadline (each votes in the exchange), or one would wait alone.
  let stopVoted = false;
  exchange?.prepare(o.variables.reduce((n, v) => n + v.size, 0) + 2);
  try {
    while (step < last && (exchange ? !stopVoted : Date.now() < deadline)) {
      (optimizer as unknown as { learningRate: number }).learningRate = pretrainLearningRate(step, o.steps, o.learningRate);
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(o.trainLoss, o.variables);
        if (!exchange) {
          optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
          return value.dataSync()[0]!;
        }
        const mean = allReduceGrads(exchange, o.variables, grads, value.dataSync()[0]!, Date.now() >= deadline);
        stopVoted = mean.stop;
        optimizer.applyGradients(mean.grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
        return mean.loss;
      });
      if (!Number.isFinite(l)) throw new UsageError(`pretraining diverged at step ${step} (loss ${l}); lower --learning-rate`, 'diverged');
      ema = Number.isNaN(ema) ? l : 0.98 * ema + 0.02 * l;
      average?.update();
      step++;
      if (lead) o.onProgress?.({ step, steps: o.steps, loss: ema, elapsedSeconds: (Date.now() - started) / 1000 });
      if (step % o.checkpointEvery === 0) await save(state());
    }
    const end = state();
    await save(end);
    return end;
  } finally {
    optimizer.dispose();
    average?.dispose();
  }
}

/**
 * Averages this replica's gradients (flat, in the variables' order), loss and stop vote with the
 * other replicas'; the result is the same on every replica.
 */
export function allReduceGrads(exchange: ReplicaExchange, variables: tf.Variable[], grads: tf.NamedTensorMap, loss: number, stop: boolean): { grads: tf.NamedTensorMap; loss: number; stop: boolean } {
  const slot = exchange.nextSlot();
  // The slot holds every gradient value, then the loss and the stop vote (prepare's size).
  const size = slot.length - 2;
  let at = 0;
  for (const v of variables) {
    slot.set(grads[v.name]!.dataSync() as Float32Array, at);
    at += v.size;
  }
  slot[size] = loss;
  slot[size + 1] = stop ? 1 : 0;
  const mean = exchange.reduceMean();
  const out: tf.NamedTensorMap = {};
  at = 0;
  for (const v of variables) {
    out[v.name] = tf.tensor(mean.subarray(at, at + v.size), v.shape, 'float32');
    at += v.size;
  }
  return { grads: out, loss: mean[size]!, stop: mean[size + 1]! > 0 };
}

/** A uint32 from every replica, split in 16-bit halves so float32 carries it exactly. */
function gatherUint32(exchange: ReplicaExchange, value: number): number[] {
  return exchange.allGather(Float32Array.of(value >>> 16, value & 0xffff)).map((h) => ((h[0]! << 16) >>> 0) + h[1]!);
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
  o: DirWriteOptions = {},
): Promise<WeightsManifest> {
  const full: WeightsManifest = { ...manifest, backend: currentBackend()?.active ?? tf.getBackend(), createdAt: new Date().toISOString(), files: {} };
  await writeDirAtomic(out, async (dir) => {
    for (const [name, net] of Object.entries(networks)) Object.assign(full.files, await saveNetwork(net, dir, name));
    for (const [name, data] of Object.entries(extraFiles)) {
      await writeFileAtomic(join(dir, name), data);
      full.files[name] = sha256(data);
    }
    full.digest = manifestDigest(full);
    await writeFileAtomic(join(dir, WEIGHTS_MANIFEST), JSON.stringify(full, null, 2) + '\n');
  }, o);
  return full;
}

/** What a pretrainer says about its weights; pretrainAndSave adds the run's own figures. */
export type WeightsDescription = Pick<WeightsManifest, 'backbone' | 'version' | 'config' | 'corpus'>;

/**
 * Runs the shared loop and writes a complete weights folder at every checkpoint: `networks` (one
 * named `backbone`, whose parameters are counted) plus `extraFiles`, with a manifest of the
 * description and the run (command, seed, steps, batch, wall time, losses).
 */
export async function pretrainAndSave(
  o: PretrainRunOptions & { out: string; command: string; onProgress?: (p: PretrainProgress) => void },
  loop: Pick<PretrainLoopOptions, 'variables' | 'trainLoss' | 'heldOutLoss' | 'sampler'>,
  networks: Record<string, tf.LayersModel>,
  description: WeightsDescription,
  extraFiles: Record<string, string | Uint8Array> = {},
  /** The network whose parameters the manifest counts (the backbone, or the head of a head-only run). */
  counted = 'backbone',
): Promise<PretrainSummary> {
  let manifest: WeightsManifest | undefined;
  const replicas = o.replica && o.replica.world > 1 ? { replicas: o.replica.world } : {};
  const settings = { steps: o.steps, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed, emaDecay: o.emaDecay ?? 0, backbone: description.backbone, ...replicas };
  const resumeState = { dir: resumeDir(o.out), continue: Boolean(o.resume), settings };
  const end = await runPretraining({ ...o, ...loop, resumeState }, async (state) => {
    manifest = await saveWeightsFolder(o.out, networks, {
      ...description,
      command: o.command,
      seed: o.seed,
      steps: state.step,
      batchSize: o.batchSize,
      ...replicas,
      wallSeconds: state.wallSeconds,
      parameters: networks[counted]!.countParams(),
      finalLoss: { trainEma: state.trainEma, heldOut: loop.heldOutLoss() },
    }, extraFiles, { force: o.force });
  });
  // Replicas other than rank 0 write nothing; their summary is only for completeness.
  if (!manifest) return { out: o.out, steps: end.step, wallSeconds: end.wallSeconds, parameters: networks[counted]!.countParams(), finalLoss: { trainEma: end.trainEma } };
  return { out: o.out, steps: end.step, wallSeconds: end.wallSeconds, parameters: manifest.parameters, finalLoss: manifest.finalLoss };
}
