/**
 * One throughput cell: a backbone + the first head of its task, timed on the backend this process
 * runs (full training step, probe step, inference). Runs in a child process per backend
 * (throughput-child.ts); see throughput.ts for the protocol.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import { UsageError } from '../../core/errors.js';
import { createAdam } from '../../core/training/fused-adam.js';
import type { Backbone, BackboneInfo, BackboneModel, Head, HeadConfig, HeadModel, TaskKind } from '../../core/interfaces/index.js';
import type { Registry } from '../../core/registry.js';
import { builtinPlugins } from '../../plugins/index.js';
import type { BenchBackend } from '../harness/backends.js';
import { formatRate } from '../harness/format.js';
import { ratePerSecond, timeSteps, type StepTiming } from '../harness/timing.js';

/** What every cell of a throughput run is measured with. */
export interface ThroughputSettings {
  batch: number;
  inferenceBatch: number;
  secondsPerCell: number;
  warmup: number;
  minSteps: number;
  seed: number;
  learningRate: number;
  quick: boolean;
  /** Items of a head whose output size the backbone does not fix (next-item); default DEFAULT_HEAD_OUTPUTS. */
  catalogue?: number;
  /** Share of a cell's measured seconds per phase. */
  shares: { train: number; probe: number; inference: number };
}

export interface PhaseResult {
  /** Items per second at the median step (samples/s for training, series/s for inference). */
  perSecond: number;
  batch: number;
  medianStepMs: number;
  steps: number;
  warmupMs: number[];
}

export interface ThroughputCell {
  backbone: string;
  backboneVersion?: string;
  task?: TaskKind;
  head?: string;
  backend: BenchBackend;
  /** tfjs's name of the backend that ran, and the package that provided it. */
  activeBackend?: string;
  provider?: string;
  status: 'ok' | 'not installed' | 'no head' | 'failed';
  error?: string;
  /** Outputs of the head (forecast horizon or catalogue size). */
  headOutputs?: number;
  parameters?: { backbone: number; head: number; total: number; headTrainable?: number; headNonTrainable?: number };
  train?: PhaseResult & { finalLoss: number };
  probe?: PhaseResult;
  inference?: PhaseResult;
  /** Tensors still alive after the cell disposed everything it made (0 expected). */
  leakedTensors?: number;
  /** Kernels per step (tf.profile) and memory: measured in --twin runs. */
  kernels?: { train: number; inference: number };
  memory?: { peakTensorMB: number; rssMB: number };
  /** The PyTorch twin's side of the cell (--twin torch). */
  twin?: TwinResult;
}

/** The PyTorch twin of a cell, measured interleaved with it (throughput-twin.ts). */
export interface TwinResult {
  framework: 'pytorch';
  status: 'ok' | 'not installed' | 'no twin' | 'failed';
  error?: string;
  version?: string;
  threads?: number;
  blas?: string;
  parameters?: { backbone: number; headTrainable: number; headNonTrainable: number };
  /** Whether every count equals headstart's; the mismatching counts as [headstart, torch]. */
  parametersMatch?: boolean;
  mismatch?: Record<string, [number, number]>;
  train?: PhaseResult & { finalLoss: number };
  inference?: PhaseResult;
  /** Peak RSS of the python process (getrusage ru_maxrss). */
  rssMB?: number;
  /** ours / PyTorch, samples/s. */
  ratio?: { train: number; inference: number };
  /** Interleaved rounds per phase. */
  rounds?: number;
}

const ms = (s: number) => Math.round(s * 1e5) / 100;

export function phase(items: number, t: StepTiming): PhaseResult {
  return { perSecond: ratePerSecond(items, t), batch: items, medianStepMs: ms(t.medianSeconds), steps: t.steps, warmupMs: t.warmupSeconds.map(ms) };
}

export function selectedBackbones(registry: Registry, ids: readonly string[]): Backbone<unknown>[] {
  const all = registry.all<Backbone<unknown>>('backbone').map((r) => r.component);
  if (!ids.length) return all;
  const unknown = ids.filter((id) => !all.some((b) => b.id === id));
  if (unknown.length) throw new UsageError(`unknown backbone(s) ${unknown.join(', ')}; registered: ${all.map((b) => b.id).join(', ')}`);
  return all.filter((b) => ids.includes(b.id));
}

/** The first registered head (registry order) whose task matches. */
function headFor(registry: Registry, task: TaskKind): Head<unknown> | undefined {
  return registry.all<Head<unknown>>('head').find((r) => r.component.task === task)?.component;
}

type Grads = Parameters<tf.Optimizer['applyGradients']>[0];

/** Catalogue of the next-item head when no --catalogue is given (the bench's historical tiny head). */
export const DEFAULT_HEAD_OUTPUTS = 12;

/**
 * The head's config for a backbone: a forecast head covers the backbone's longest horizon; a head
 * without one (next-item) gets `catalogue` outputs, default DEFAULT_HEAD_OUTPUTS.
 */
export function benchHeadConfig(info: BackboneInfo, headId: string, catalogue?: number): HeadConfig {
  const options = BENCH_HEAD_OPTIONS[headId];
  return { head: headId, embeddingSize: info.embeddingSize, outputs: (info as { maxHorizon?: number }).maxHorizon ?? catalogue ?? DEFAULT_HEAD_OUTPUTS, ...(options ? { options } : {}) };
}

/** Heads measured in a fixed form: the next-item head as one softmax, the function its PyTorch twin (benchmarks/twins) computes. */
const BENCH_HEAD_OPTIONS: Record<string, HeadConfig['options']> = { 'next-item': { mixture: false } };

/** Trainable and non-trainable weight counts of a network (countParams adds both). */
export function weightCounts(network: tf.LayersModel): { trainable: number; nonTrainable: number } {
  const size = (ws: tf.LayerVariable[]) => ws.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
  return { trainable: size(network.trainableWeights), nonTrainable: size(network.nonTrainableWeights) };
}

/** A built cell: its steps, ready to time, and what disposes it. */
export interface PreparedCell {
  info: BackboneInfo;
  model: BackboneModel<unknown>;
  head: HeadModel<unknown>;
  headConfig: HeadConfig;
  /** One full training step (backbone + head, Adam); reads the loss back, so the step has finished. */
  trainStep: () => void;
  /** One head-only step on a fixed encoding. */
  probeStep: () => void;
  /** One inference batch, read back. */
  inferStep: () => void;
  /** Loss of the latest training step. */
  lastLoss: () => number;
  dispose: () => void;
}

/** Builds a random-init backbone + head and the step closures the timings run. */
export async function prepareCell(settings: ThroughputSettings, backbone: Backbone<unknown>, headKind: Head<unknown>): Promise<PreparedCell> {
  const info = backbone.describe();
  const { batch, inferenceBatch, seed } = settings;
  const model = await backbone.build({ init: 'random', seed });
  const headConfig = benchHeadConfig(info, headKind.id, settings.catalogue);
  const head = headKind.create(headConfig, { seed: seed + 1 });
  const input = backbone.exampleInput(batch, seed);
  const inferInput = backbone.exampleInput(inferenceBatch, seed + 3);
  // A random target of the kind the head's loss expects (values for forecasting, class ids for next-item).
  const target = head.exampleTarget(batch, seed + 2);
  const encoding = tf.tidy(() => model.encode(input, false).hidden);
  const variables = (m: tf.LayersModel) => m.trainableWeights.map((w) => w.read() as tf.Variable);
  const fullVars = [...variables(model.network), ...variables(head.network)];
  const headVars = variables(head.network);
  const fullOpt = createAdam(settings.learningRate);
  const probeOpt = createAdam(settings.learningRate);
  let finalLoss = NaN;
  const step = (lossFn: () => tf.Scalar, vars: tf.Variable[], opt: tf.Optimizer) => {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossFn, vars);
      opt.applyGradients(grads as unknown as Grads);
      return value;
    });
    finalLoss = loss.dataSync()[0]!; // read outside tidy; waits for the step to finish
    loss.dispose();
  };
  return {
    info,
    model,
    head,
    headConfig,
    trainStep: () => step(() => head.loss(head.predict(model.encode(input, true), input, true), target), fullVars, fullOpt),
    probeStep: () => step(() => head.loss(head.predict({ hidden: encoding }, input, true), target), headVars, probeOpt),
    inferStep: () => {
      const y = tf.tidy(() => head.predict(model.encode(inferInput, false), inferInput, false));
      y.dataSync();
      y.dispose();
    },
    lastLoss: () => finalLoss,
    dispose: () => {
      fullOpt.dispose();
      probeOpt.dispose();
      tf.dispose([target, encoding, input as tf.TensorContainer, inferInput as tf.TensorContainer]);
      model.network.dispose();
      head.network.dispose();
    },
  };
}

/** Kernels one step issues and the tensor-byte peak during it (tf.profile: every engine.runKernel call, backward and Adam included). */
export async function profileStep(step: () => void): Promise<{ kernels: number; peakTensorBytes: number }> {
  const p = await tf.profile(() => {
    step();
    return [];
  });
  return { kernels: p.kernels.length, peakTensorBytes: p.peakBytes };
}

/** The counts a cell reports: backbone (all weights), head (all weights) and the head's trainable/non-trainable split. */
export function cellParameters(cell: PreparedCell): NonNullable<ThroughputCell['parameters']> {
  const headParams = cell.head.network.countParams();
  const split = weightCounts(cell.head.network);
  return { backbone: cell.info.parameters, head: headParams, total: cell.info.parameters + headParams, headTrainable: split.trainable, headNonTrainable: split.nonTrainable };
}

/** Measures one backbone on the backend this process runs. */
async function measureCell(settings: ThroughputSettings, backbone: Backbone<unknown>, headKind: Head<unknown>, backend: BenchBackend): Promise<ThroughputCell> {
  const { batch, inferenceBatch, secondsPerCell: secs, shares } = settings;
  const timing = (share: number) => ({ warmup: settings.warmup, seconds: secs * share, minSteps: settings.minSteps });
  const cell = await prepareCell(settings, backbone, headKind);
  try {
    const full = await timeSteps(cell.trainStep, timing(shares.train));
    const trainLoss = cell.lastLoss();
    const probe = await timeSteps(cell.probeStep, timing(shares.probe));
    const infer = await timeSteps(cell.inferStep, timing(shares.inference));
    return measuredCell(cell, headKind, backend, { train: { ...phase(batch, full), finalLoss: trainLoss }, probe: phase(batch, probe), inference: phase(inferenceBatch, infer) });
  } finally {
    cell.dispose();
  }
}

/** A measured cell's record: what it ran and its three phases (alone or beside a twin). */
export function measuredCell(cell: PreparedCell, headKind: Head<unknown>, backend: BenchBackend, phases: Required<Pick<ThroughputCell, 'train' | 'probe' | 'inference'>>): ThroughputCell {
  return {
    backbone: cell.info.id,
    backboneVersion: cell.info.version,
    task: cell.info.task,
    head: headKind.id,
    headOutputs: cell.headConfig.outputs,
    backend,
    status: 'ok',
    parameters: cellParameters(cell),
    ...phases,
  };
}

/** How a cell is measured: alone (measureCell) or interleaved with a twin (throughput-twin.ts). */
export type CellMeasure = (settings: ThroughputSettings, backbone: Backbone<unknown>, headKind: Head<unknown>, backend: BenchBackend) => Promise<ThroughputCell>;

/** Child: every selected backbone on one backend. */
export async function runBackend(settings: ThroughputSettings, backend: BenchBackend, backboneIds: readonly string[], measure: CellMeasure = measureCell): Promise<ThroughputCell[]> {
  const choice = await useBackend(backend);
  const registry = registryOf(createContainer(builtinPlugins));
  const cells: ThroughputCell[] = [];
  for (const backbone of selectedBackbones(registry, backboneIds)) {
    const info = backbone.describe();
    const base = { backbone: info.id, backboneVersion: info.version, task: info.task, backend, activeBackend: tf.getBackend(), provider: choice.provider };
    const headKind = headFor(registry, info.task);
    if (!headKind) {
      cells.push({ ...base, status: 'no head', error: `no registered head has task "${info.task}"` });
      continue;
    }
    const before = tf.memory().numTensors;
    try {
      const cell = { ...(await measure(settings, backbone, headKind, backend)), activeBackend: tf.getBackend(), provider: choice.provider };
      cell.leakedTensors = tf.memory().numTensors - before;
      if (cell.leakedTensors !== 0) process.stderr.write(`[${backend}] ${info.id}: ${cell.leakedTensors} tensors left after the cell\n`);
      cells.push(cell);
      process.stderr.write(
        `[${backend}] ${info.id}: train ${formatRate(cell.train?.perSecond)} samples/s (${cell.train?.steps} steps), ` +
          `probe ${formatRate(cell.probe?.perSecond)} samples/s (${cell.probe?.steps}), inference ${formatRate(cell.inference?.perSecond)} series/s (${cell.inference?.steps})` +
          (cell.twin?.ratio ? `; PyTorch train ${formatRate(cell.twin.train?.perSecond)}, inference ${formatRate(cell.twin.inference?.perSecond)} (ratios ${cell.twin.ratio.train.toFixed(2)}, ${cell.twin.ratio.inference.toFixed(2)})` : '') +
          '\n',
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`[${backend}] ${info.id}: failed: ${message}\n`);
      cells.push({ ...base, head: headKind.id, status: 'failed', error: message });
    }
  }
  return cells;
}

