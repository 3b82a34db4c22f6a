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
 * The flags over benchmarks/services/throughput.ts (also `headstart bench throughput`).
 */
import { parseArgs } from '../harness/args.js';
import { BENCH_BACKENDS, type BenchBackend } from '../harness/backends.js';
import { resultsDir, scriptCommand } from '../harness/results.js';
import { runThroughput } from '../services/throughput.js';

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
    out: { type: 'string', description: 'results folder (default benchmarks/results)' },
  },
  { usage: 'npm run bench:throughput -- [flags]' },
);

const result = await runThroughput({
  out: args.out ?? resultsDir(),
  quick: args.quick,
  seconds: args.seconds,
  batch: args.batch,
  inferenceBatch: args['inference-batch'],
  warmup: args.warmup,
  minSteps: args['min-steps'],
  backends: args.backends as BenchBackend[],
  backbones: args.backbones,
  seed: args.seed,
  lr: args.lr,
  note: args.note,
  noWrite: args['no-write'],
  command: scriptCommand('bench:throughput'),
});
console.log(result.table);
if (!args['no-write']) console.log(`wrote ${[result.files.json, result.files.markdown, result.files.html, result.files.svg].filter(Boolean).join(', ')}`);
if (result.failed) process.exitCode = 1;
