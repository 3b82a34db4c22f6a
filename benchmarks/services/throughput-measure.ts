/**
 * One throughput cell: a backbone + the first head of its task, timed on the backend this process
 * runs (full training step, probe step, inference). Runs in a child process per backend
 * (throughput-child.ts); see throughput.ts for the protocol.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import { UsageError } from '../../core/errors.js';
import type { Backbone, Head, TaskKind } from '../../core/interfaces/index.js';
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
  parameters?: { backbone: number; head: number; total: number };
  train?: PhaseResult & { finalLoss: number };
  probe?: PhaseResult;
  inference?: PhaseResult;
  /** Tensors still alive after the cell disposed everything it made (0 expected). */
  leakedTensors?: number;
}

const ms = (s: number) => Math.round(s * 1e5) / 100;

function phase(items: number, t: StepTiming): PhaseResult {
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

/** Measures one backbone on the backend this process runs. */
async function measureCell(settings: ThroughputSettings, backbone: Backbone<unknown>, headKind: Head<unknown>, backend: BenchBackend): Promise<ThroughputCell> {
  const info = backbone.describe();
  const { batch, inferenceBatch, seed, secondsPerCell: secs, shares } = settings;
  const timing = (share: number) => ({ warmup: settings.warmup, seconds: secs * share, minSteps: settings.minSteps });

  const model = await backbone.build({ init: 'random', seed });
  const head = headKind.create(
    { head: headKind.id, embeddingSize: info.embeddingSize, outputs: info.maxHorizon ?? 12, covariates: [] },
    { seed: seed + 1 },
  );
  const input = backbone.exampleInput(batch, seed);
  const inferInput = backbone.exampleInput(inferenceBatch, seed + 3);
  // A random target of the kind the head's loss expects (values for forecasting, class ids for next-item).
  const target = head.exampleTarget(batch, seed + 2);
  const encoding = tf.tidy(() => model.encode(input, false).hidden);
  const variables = (m: tf.LayersModel) => m.trainableWeights.map((w) => w.read() as tf.Variable);
  const fullVars = [...variables(model.network), ...variables(head.network)];
  const headVars = variables(head.network);
  const fullOpt = tf.train.adam(settings.learningRate);
  const probeOpt = tf.train.adam(settings.learningRate);
  const disposeAll = () => {
    fullOpt.dispose();
    probeOpt.dispose();
    tf.dispose([target, encoding, input as tf.TensorContainer, inferInput as tf.TensorContainer]);
    model.network.dispose();
    head.network.dispose();
  };

  try {
    let finalLoss = NaN;
    const trainStep = (lossFn: () => tf.Scalar, vars: tf.Variable[], opt: tf.Optimizer) => {
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossFn, vars);
        opt.applyGradients(grads as unknown as Grads);
        return value;
      });
      finalLoss = loss.dataSync()[0]!; // read outside tidy; waits for the step to finish
      loss.dispose();
    };

    const full = await timeSteps(
      () => trainStep(() => head.loss(head.predict(model.encode(input, true), input, true), target), fullVars, fullOpt),
      timing(shares.train),
    );
    const trainLoss = finalLoss;
    const probe = await timeSteps(() => trainStep(() => head.loss(head.predict({ hidden: encoding }, input, true), target), headVars, probeOpt), timing(shares.probe));
    const infer = await timeSteps(() => {
      const y = tf.tidy(() => head.predict(model.encode(inferInput, false), inferInput, false));
      y.dataSync();
      y.dispose();
    }, timing(shares.inference));

    const headParams = head.network.countParams();
    return {
      backbone: info.id,
      backboneVersion: info.version,
      task: info.task,
      head: headKind.id,
      backend,
      status: 'ok',
      parameters: { backbone: info.parameters, head: headParams, total: info.parameters + headParams },
      train: { ...phase(batch, full), finalLoss: trainLoss },
      probe: phase(batch, probe),
      inference: phase(inferenceBatch, infer),
    };
  } finally {
    disposeAll();
  }
}

/** Child: every selected backbone on one backend. */
export async function runBackend(settings: ThroughputSettings, backend: BenchBackend, backboneIds: readonly string[]): Promise<ThroughputCell[]> {
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
      const cell = { ...(await measureCell(settings, backbone, headKind, backend)), activeBackend: tf.getBackend(), provider: choice.provider };
      cell.leakedTensors = tf.memory().numTensors - before;
      if (cell.leakedTensors !== 0) process.stderr.write(`[${backend}] ${info.id}: ${cell.leakedTensors} tensors left after the cell\n`);
      cells.push(cell);
      process.stderr.write(
        `[${backend}] ${info.id}: train ${formatRate(cell.train?.perSecond)} samples/s (${cell.train?.steps} steps), ` +
          `probe ${formatRate(cell.probe?.perSecond)} samples/s (${cell.probe?.steps}), inference ${formatRate(cell.inference?.perSecond)} series/s (${cell.inference?.steps})\n`,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`[${backend}] ${info.id}: failed: ${message}\n`);
      cells.push({ ...base, head: headKind.id, status: 'failed', error: message });
    }
  }
  return cells;
}

