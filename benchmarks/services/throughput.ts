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
 * package is not installed is listed as "not installed". Writes <out>/throughput.{json,md,html,svg} (`npm run bench:throughput`: benchmarks/results).
 *
 * With `twin: 'torch'` (docs/throughput.md) each backbone runs in a child of its own (so peak RSS is
 * the backbone's) on the first installed backend (default wasm only), interleaved with a PyTorch twin
 * of the same architecture (throughput-twin.ts), and the next-item head covers TWIN_CATALOGUE items
 * unless `catalogue` says otherwise. Without torch the twin columns say "not installed".
 * Used by `headstart bench throughput` and `npm run bench:throughput`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContainer, registryOf } from '../../core/container.js';
import { renderMarkdown, renderTable } from '../../core/report/table.js';
import { builtinPlugins } from '../../plugins/index.js';
import { BACKEND_PACKAGE, BENCH_BACKENDS, isBackendInstalled, type BenchBackend } from '../harness/backends.js';
import { runInChild } from '../harness/child.js';
import { formatInt, formatRate } from '../harness/format.js';
import { loadWarning, machineInfo, machineSummary } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';
import { throughputCharts, writeReport } from '../report/index.js';
import { selectedBackbones, type ThroughputCell, type ThroughputSettings } from './throughput-measure.js';
import type { ThroughputChildJob } from './throughput-child.js';
import { DEFAULT_TWIN_PYTHON, torchAvailability } from './throughput-twin-process.js';
import { twinChartCells, twinCostTable, twinRateTable, type Table } from './throughput-twin-table.js';
import { twinRounds, type TwinJob } from './throughput-twin.js';
import type { BenchLog } from './bench-folder.js';
import type { BenchResult } from './result.js';

export type { ThroughputCell, ThroughputSettings } from './throughput-measure.js';
export const THROUGHPUT_NAME = 'throughput';

/** Catalogue of the next-item head in a --twin run: Beauty's catalogue, the size the side-by-side measurement uses. */
export const TWIN_CATALOGUE = 12_101;

export interface ThroughputOptions {
  /** Results folder (throughput.json, .md, .html, .svg). */
  out: string;
  /** CI-size run: ~1.5 s measured per cell, 1 warm-up and at least 2 measured steps per phase. */
  quick?: boolean;
  /** Measured seconds per (backbone, backend) cell (default 10, 1.5 with quick). */
  seconds?: number;
  /** Training batch size (default 64). */
  batch?: number;
  /** Inference batch size (default 256). */
  inferenceBatch?: number;
  /** Untimed steps before each measurement (default 2, 1 with quick). */
  warmup?: number;
  /** Measured steps per phase at least (default 3, 2 with quick). */
  minSteps?: number;
  /** Backends to try (default all). */
  backends?: BenchBackend[];
  /** Only these backbone ids (default every registered backbone). */
  backbones?: string[];
  /** Seed of the random init, inputs and targets (default 7). */
  seed?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Free text stored with the results (e.g. "background job running"). */
  note?: string;
  /** Measure each backbone interleaved with a twin in another framework ('torch': PyTorch, when it imports). */
  twin?: 'torch';
  /** Items of the next-item head (default 12; TWIN_CATALOGUE with a twin). */
  catalogue?: number;
  /** Interpreter of the PyTorch twin (default DEFAULT_TWIN_PYTHON). */
  python?: string;
  /** torch.set_num_threads of the twin (default 2). */
  twinThreads?: number;
  /** Print the table only; write nothing. */
  noWrite?: boolean;
  command?: string;
  /** Per-cell progress lines (default stderr). */
  progress?: BenchLog;
}

export function throughputSettings(o: ThroughputOptions): ThroughputSettings {
  const quick = Boolean(o.quick);
  return {
    batch: o.batch ?? 64,
    inferenceBatch: o.inferenceBatch ?? 256,
    secondsPerCell: o.seconds ?? (quick ? 1.5 : 10),
    warmup: o.warmup ?? (quick ? 1 : 2),
    minSteps: o.minSteps ?? (quick ? 2 : 3),
    seed: o.seed ?? 7,
    learningRate: o.lr ?? 1e-3,
    quick,
    ...(o.catalogue !== undefined || o.twin ? { catalogue: o.catalogue ?? TWIN_CATALOGUE } : {}),
    shares: { train: 0.5, probe: 0.15, inference: 0.35 },
  };
}

/** Parent: one child process per installed backend, in order; then the table and the result files. */
export async function runThroughput(o: ThroughputOptions): Promise<BenchResult<ThroughputCell[]> & { failed: boolean; table: string }> {
  const progress = o.progress ?? ((line: string) => process.stderr.write(line + '\n'));
  const settings = throughputSettings(o);
  const backboneIds = o.backbones ?? [];
  const machine = machineInfo();
  // Backbone ids and tasks, for the rows of backends that do not run (describe() builds on tfjs's default backend).
  const registry = registryOf(createContainer(builtinPlugins));
  const backbones = selectedBackbones(registry, backboneIds).map((b) => b.describe());
  const script = fileURLToPath(new URL('./throughput-child.js', import.meta.url));
  const cells: ThroughputCell[] = [];
  // A twin pairs with one backend; wasm is the one headstart trains on here.
  const backends = [...new Set(o.backends ?? (o.twin ? ['wasm'] : BENCH_BACKENDS))] as BenchBackend[];
  const twin = o.twin ? twinJob(o) : undefined;
  const twinBackend = twin ? backends.find(isBackendInstalled) : undefined;
  progress(`throughput: ${backbones.length} backbone(s) × ${backends.length} backend(s), ~${settings.secondsPerCell}s per cell; ${machineSummary(machine)}`);
  if (twin) progress(twin.unavailable ? `[twin] PyTorch not installed: ${twin.unavailable}` : `[twin] PyTorch via ${twin.python}, ${twin.threads} thread(s), interleaved with ${twinBackend ?? 'no installed backend'} in ${twinRounds(settings)} rounds`);
  for (const backend of backends) {
    const skeleton = (status: ThroughputCell['status'], error?: string): ThroughputCell[] =>
      backbones.map((b) => ({ backbone: b.id, backboneVersion: b.version, task: b.task, backend, status, ...(error ? { error } : {}) }));
    if (!isBackendInstalled(backend)) {
      progress(`[${backend}] not installed (${BACKEND_PACKAGE[backend]})`);
      cells.push(...skeleton('not installed', `${BACKEND_PACKAGE[backend]} is not installed`));
      continue;
    }
    try {
      if (twin && backend === twinBackend) {
        // One child per backbone: each side's peak RSS is then that backbone's alone.
        for (const b of backbones) {
          const job: ThroughputChildJob = { settings, backend, backbones: [b.id], twin };
          cells.push(...(await runInChild<ThroughputCell[]>(script, [JSON.stringify(job)])));
        }
      } else {
        const job: ThroughputChildJob = { settings, backend, backbones: backboneIds };
        cells.push(...(await runInChild<ThroughputCell[]>(script, [JSON.stringify(job)])));
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      progress(`[${backend}] failed: ${message}`);
      cells.push(...skeleton('failed', message));
    }
  }

  const notes = [o.note, loadWarning(machine)].filter((x): x is string => Boolean(x));
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
  const twinTables: Table[] = twin ? [twinRateTable(cells.filter((c) => c.twin)), twinCostTable(cells.filter((c) => c.twin))] : [];
  const twinMethod = twin
    ? `Twin: the same architectures in PyTorch (benchmarks/twins/), same batch, Adam and loss, parameter counts compared ("equal"); ${twinRounds(settings)} interleaved rounds per phase, medians of all steps; next-item head over ${formatInt(settings.catalogue)} items. ` +
      `Kernels: tf.profile() kernels of one step (forward, backward and Adam). Memory: tfjs tensor bytes at the step's peak (tf.profile peakBytes), peak RSS of the node child and of the python child (getrusage).`
    : undefined;
  const tables = [renderTable(header, rows), ...twinTables.map((t) => renderTable(t.header, t.rows))].join('\n\n');
  const table = [tables, ...notes.map((n) => `note: ${n}`)].join('\n');
  const md = [
    '# Throughput',
    '',
    `${machineSummary(machine)}; ${machine.takenAt}.`,
    '',
    method,
    '',
    renderMarkdown(header, rows),
    ...(twinMethod ? ['', '## Side by side with PyTorch', '', twinMethod, '', ...twinTables.flatMap((t) => [renderMarkdown(t.header, t.rows), ''])] : []),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
  const failed = cells.some((c) => c.status === 'failed');
  if (o.noWrite) return { files: { json: '', markdown: '', html: '', runs: '' }, markdown: md, summary: cells, runs: cells.length, failed, table };
  const out = resolve(o.out);
  const json = { benchmark: 'throughput', createdAt: new Date().toISOString(), machine, settings, notes, method, ...(twinMethod ? { twinMethod } : {}), results: cells };
  const written = await writeResults(THROUGHPUT_NAME, json, md, { dir: out });
  const report = await writeReport(out, THROUGHPUT_NAME, { title: 'Throughput', markdown: md, charts: throughputCharts([...cells, ...twinChartCells(cells)]), machine, backend: backends.join(', '), command: o.command });
  // Throughput has no runs file: a cell is seconds, and every run measures the machine anew.
  return { files: { ...written, ...report, runs: '' }, markdown: md, summary: cells, runs: cells.length, failed, table };
}

/** The twin's interpreter and threads, and why it cannot run when torch does not import. */
function twinJob(o: ThroughputOptions): TwinJob {
  const python = o.python ?? DEFAULT_TWIN_PYTHON;
  const available = torchAvailability(python);
  return { python, threads: o.twinThreads ?? 2, ...(available.installed ? {} : { unavailable: available.reason }) };
}
