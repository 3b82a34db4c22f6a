/**
 * Training and inference throughput of every registered backbone on every tfjs backend here.
 *
 *   npm run bench:throughput -- [--quick] [--seconds 10] [--batch 64] [--inference-batch 256]
 *                               [--backends tensorflow-gpu,tensorflow,wasm,cpu] [--backbones id,…]
 *
 * Per (backbone, backend) cell, with a random-init backbone and the first registered head of the
 * backbone's task ({outputs: maxHorizon ?? 12, covariates: []}), Adam, on the backbone's exampleInput:
 *   - train: full fine-tune (backbone + head weights), loss = head.loss vs a random target, samples/s
 *   - probe: head weights only, on one fixed encoding of the same batch, samples/s
 *   - inference: encode + head predict on batches of --inference-batch, series/s
 * Each rate is items per step at the median step time, after 2 untimed warm-up steps (1 with --quick). A cell gets
 * about --seconds of measured time (train 50%, probe 15%, inference 35%) and at least 3 measured
 * steps per phase (2 with --quick), so slow backends (cpu ≈ 9–14× slower than wasm) run fewer steps,
 * not longer (a cpu cell still takes ~1 min: one 256-series inference step is ~6 s there).
 *
 * Each backend runs in its own child process (useBackend picks a backend once per process; a fresh
 * heap keeps backends independent; a crash in one backend does not lose the others). A backend whose
 * package is not installed is listed as "not installed". Writes benchmarks/results/throughput.{json,md}.
 */
import * as tf from '@tensorflow/tfjs';
import { fileURLToPath } from 'node:url';
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import type { Backbone, Head, TaskKind } from '../../core/interfaces/index.js';
import type { Registry } from '../../core/registry.js';
import { renderMarkdown, renderTable } from '../../core/report/table.js';
import { builtinPlugins } from '../../plugins/index.js';
import { parseArgs } from '../harness/args.js';
import { BACKEND_PACKAGE, BENCH_BACKENDS, isBackendInstalled, type BenchBackend } from '../harness/backends.js';
import { replyToParent, runInChild } from '../harness/child.js';
import { formatInt, formatRate } from '../harness/format.js';
import { loadWarning, machineInfo, machineSummary } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';
import { ratePerSecond, timeSteps, type StepTiming } from '../harness/timing.js';

const args = parseArgs(
  process.argv.slice(2),
  {
    quick: { type: 'boolean', description: 'CI-size run: ~1.5 s measured per cell, 1 warm-up and at least 2 measured steps per phase' },
    seconds: { type: 'number', min: 0, description: 'measured seconds per (backbone, backend) cell (default 10, 1.5 with --quick)' },
    batch: { type: 'number', default: 64, integer: true, min: 1, description: 'training batch size' },
    'inference-batch': { type: 'number', default: 256, integer: true, min: 1, description: 'inference batch size' },
    warmup: { type: 'number', integer: true, min: 0, description: 'untimed steps before each measurement (default 2, 1 with --quick)' },
    'min-steps': { type: 'number', integer: true, min: 1, description: 'measured steps per phase at least (default 3, 2 with --quick)' },
    backends: { type: 'list', default: BENCH_BACKENDS, choices: BENCH_BACKENDS, description: 'backends to try' },
    backbones: { type: 'list', description: 'only these backbone ids (default: every registered backbone)' },
    seed: { type: 'number', default: 7, integer: true, description: 'seed of the random init, inputs and targets' },
    lr: { type: 'number', default: 1e-3, min: 0, description: 'Adam learning rate' },
    note: { type: 'string', description: 'free text stored with the results (e.g. "background job running")' },
    'no-write': { type: 'boolean', description: 'print the table only; do not write benchmarks/results/' },
    'child-backend': { type: 'string', choices: BENCH_BACKENDS, description: '(internal) measure one backend in this process' },
  },
  { usage: 'npm run bench:throughput -- [flags]' },
);

const settings = {
  batch: args.batch,
  inferenceBatch: args['inference-batch'],
  secondsPerCell: args.seconds ?? (args.quick ? 1.5 : 10),
  warmup: args.warmup ?? (args.quick ? 1 : 2),
  minSteps: args['min-steps'] ?? (args.quick ? 2 : 3),
  seed: args.seed,
  learningRate: args.lr,
  quick: args.quick,
  /** Share of a cell's measured seconds per phase. */
  shares: { train: 0.5, probe: 0.15, inference: 0.35 },
};

interface PhaseResult {
  /** Items per second at the median step (samples/s for training, series/s for inference). */
  perSecond: number;
  batch: number;
  medianStepMs: number;
  steps: number;
  warmupMs: number[];
}

interface Cell {
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

function selectedBackbones(registry: Registry): Backbone<unknown>[] {
  const all = registry.all<Backbone<unknown>>('backbone').map((r) => r.component);
  if (!args.backbones.length) return all;
  const unknown = args.backbones.filter((id) => !all.some((b) => b.id === id));
  if (unknown.length) throw new Error(`unknown backbone(s) ${unknown.join(', ')}; registered: ${all.map((b) => b.id).join(', ')}`);
  return all.filter((b) => args.backbones.includes(b.id));
}

/** The first registered head (registry order) whose task matches. */
function headFor(registry: Registry, task: TaskKind): Head<unknown> | undefined {
  return registry.all<Head<unknown>>('head').find((r) => r.component.task === task)?.component;
}

type Grads = Parameters<tf.Optimizer['applyGradients']>[0];

/** Measures one backbone on the backend this process runs. */
async function measureCell(backbone: Backbone<unknown>, headKind: Head<unknown>, backend: BenchBackend): Promise<Cell> {
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
async function runBackend(backend: BenchBackend): Promise<Cell[]> {
  const choice = await useBackend(backend);
  const registry = registryOf(createContainer(builtinPlugins));
  const cells: Cell[] = [];
  for (const backbone of selectedBackbones(registry)) {
    const info = backbone.describe();
    const base = { backbone: info.id, backboneVersion: info.version, task: info.task, backend, activeBackend: tf.getBackend(), provider: choice.provider };
    const headKind = headFor(registry, info.task);
    if (!headKind) {
      cells.push({ ...base, status: 'no head', error: `no registered head has task "${info.task}"` });
      continue;
    }
    const before = tf.memory().numTensors;
    try {
      const cell = { ...(await measureCell(backbone, headKind, backend)), activeBackend: tf.getBackend(), provider: choice.provider };
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

/** Parent: one child process per installed backend, in order; then the table and the result files. */
async function main(): Promise<void> {
  const machine = machineInfo();
  // Backbone ids and tasks, for the rows of backends that do not run (describe() builds on tfjs's default backend).
  const registry = registryOf(createContainer(builtinPlugins));
  const backbones = selectedBackbones(registry).map((b) => b.describe());
  const script = fileURLToPath(import.meta.url);
  const childArgs = process.argv.slice(2).filter((a, i, all) => a !== '--child-backend' && all[i - 1] !== '--child-backend' && !a.startsWith('--child-backend='));
  const cells: Cell[] = [];
  const backends = [...new Set(args.backends)] as BenchBackend[];
  process.stderr.write(`throughput: ${backbones.length} backbone(s) × ${backends.length} backend(s), ~${settings.secondsPerCell}s per cell; ${machineSummary(machine)}\n`);
  for (const backend of backends) {
    const skeleton = (status: Cell['status'], error?: string): Cell[] =>
      backbones.map((b) => ({ backbone: b.id, backboneVersion: b.version, task: b.task, backend, status, ...(error ? { error } : {}) }));
    if (!isBackendInstalled(backend)) {
      process.stderr.write(`[${backend}] not installed (${BACKEND_PACKAGE[backend]})\n`);
      cells.push(...skeleton('not installed', `${BACKEND_PACKAGE[backend]} is not installed`));
      continue;
    }
    try {
      cells.push(...(await runInChild<Cell[]>(script, [...childArgs, '--child-backend', backend])));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`[${backend}] failed: ${message}\n`);
      cells.push(...skeleton('failed', message));
    }
  }

  const notes = [args.note, loadWarning(machine)].filter((x): x is string => Boolean(x));
  const header = ['backbone', 'task', 'backend', 'params', 'train samples/s', 'probe samples/s', 'inference series/s', 'status'];
  const rows = cells.map((c) => [
    c.backbone,
    c.task ?? '-',
    c.backend,
    formatInt(c.parameters?.total),
    formatRate(c.train?.perSecond),
    formatRate(c.probe?.perSecond),
    formatRate(c.inference?.perSecond),
    c.status === 'failed' ? `failed: ${c.error ?? ''}` : c.status,
  ]);
  const method =
    `Random-init backbone + first head of its task, Adam (lr ${settings.learningRate}), training batch ${settings.batch}, inference batch ${settings.inferenceBatch}; ` +
    `rate at the median step after ${settings.warmup} warm-up steps, ~${settings.secondsPerCell}s measured per cell (min ${settings.minSteps} steps per phase). ` +
    `params = backbone + head (all learn in "train"; only the head in "probe", on a fixed encoding).`;
  console.log(renderTable(header, rows));
  for (const n of notes) console.log(`note: ${n}`);

  if (!args['no-write']) {
    const md = [
      '# Throughput',
      '',
      `${machineSummary(machine)}; ${machine.takenAt}.`,
      '',
      method,
      '',
      renderMarkdown(header, rows),
      ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
      '',
    ].join('\n');
    const json = { benchmark: 'throughput', createdAt: new Date().toISOString(), machine, settings, notes, method, results: cells };
    const written = await writeResults('throughput', json, md);
    console.log(`wrote ${written.json} and ${written.markdown}`);
  }
  if (cells.some((c) => c.status === 'failed')) process.exitCode = 1;
}

if (args['child-backend']) await replyToParent(() => runBackend(args['child-backend'] as BenchBackend));
else await main();
