import { Flags } from '@oclif/core';
import { UsageError } from '../../../core/errors.js';
import { BENCH_BACKENDS, type BenchBackend } from '../../../benchmarks/harness/backends.js';
import { runThroughput, THROUGHPUT_NAME } from '../../../benchmarks/services/throughput.js';
import { BenchCommand } from '../../bench-command.js';
import { benchFlags, nameList, openBenchOut } from '../../flags/bench.js';

export default class BenchThroughput extends BenchCommand {
  static override summary = 'Training and inference throughput of every backbone on every tfjs backend installed here';
  static override description =
    'Per (backbone, backend): a full training step, a probe step (head only, on a fixed encoding) and inference, in samples or series per second at the median step after warm-up; each backend in its own process. Writes JSON, markdown and an HTML report into --out. --resume is accepted but runs every cell again: a cell is seconds, and each run measures the machine anew.';
  static override examples = [
    '<%= config.bin %> bench throughput --out r4/',
    '<%= config.bin %> bench throughput --quick --backends wasm --backbones patch-mixer-s --out r4/ --json',
    '<%= config.bin %> bench throughput --twin torch --seconds 6 --out r5/',
  ];
  static override flags = {
    quick: Flags.boolean({ description: 'CI-size run: ~1.5 s measured per cell' }),
    seconds: Flags.string({ description: 'measured seconds per (backbone, backend) cell (default 10, 1.5 with --quick)' }),
    backends: Flags.string({ description: `backends to try, e.g. wasm,cpu (default ${BENCH_BACKENDS.join(',')})` }),
    backbones: Flags.string({ description: 'only these backbone ids (default every registered backbone)' }),
    batch: Flags.integer({ description: 'training batch size', default: 64, min: 1 }),
    'inference-batch': Flags.integer({ description: 'inference batch size', default: 256, min: 1 }),
    seeds: Flags.string({ description: 'the seed of the random init, inputs and targets (one value)' }),
    note: Flags.string({ description: 'free text stored with the results (e.g. "background job running")' }),
    twin: Flags.string({ description: 'also measure a twin of each backbone in another framework, interleaved (torch: PyTorch, when python3-torch is installed; else its columns say "not installed")', options: ['torch'] }),
    catalogue: Flags.integer({ description: 'items of the next-item head (default 12; 12101 with --twin)', min: 1 }),
    python: Flags.string({ description: 'interpreter of the PyTorch twin (default $HEADSTART_PYTHON or /usr/bin/python3)' }),
    'twin-threads': Flags.integer({ description: 'torch.set_num_threads of the PyTorch twin', default: 2, min: 1 }),
    ...benchFlags('throughput'),
  };

  async run() {
    const { flags } = await this.parse(BenchThroughput);
    const seconds = flags.seconds !== undefined ? Number(flags.seconds) : undefined;
    if (seconds !== undefined && !(seconds >= 0)) throw new UsageError(`--seconds ${flags.seconds}: must be a number of seconds >= 0`);
    const seed = flags.seeds !== undefined ? Number(flags.seeds) : undefined;
    if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seeds ${flags.seeds}: throughput takes one whole-number seed`);
    const options = {
      quick: flags.quick,
      seconds,
      backends: nameList('backends', flags.backends, BENCH_BACKENDS as readonly BenchBackend[]),
      backbones: flags.backbones?.split(',').map((s) => s.trim()).filter(Boolean),
      batch: flags.batch,
      inferenceBatch: flags['inference-batch'],
      seed,
      note: flags.note,
      twin: flags.twin as 'torch' | undefined,
      catalogue: flags.catalogue,
      python: flags.python,
      twinThreads: flags['twin-threads'],
    };
    // No runs file: --resume (like --force) measures every cell again over the earlier results.
    const { dir } = await openBenchOut('throughput', flags, [`${THROUGHPUT_NAME}.json`], options);
    const result = await runThroughput({ ...options, out: dir, command: `headstart bench throughput ${this.argv.join(' ')}`.trim(), progress: (l) => this.logToStderr(l) });
    if (result.failed) process.exitCode = 1;
    return { ...this.finish(result), cells: result.summary };
  }
}
