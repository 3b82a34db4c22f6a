/**
 * The child process of a throughput run: measures every selected backbone on one backend (a
 * process picks its tfjs backend once; a fresh heap keeps backends independent) and sends the
 * cells to the parent. Its one argument is the job as JSON. With `twin`, each cell is measured
 * interleaved with its PyTorch twin (throughput-twin.ts).
 */
import { replyToParent } from '../harness/child.js';
import type { BenchBackend } from '../harness/backends.js';
import { runBackend, type ThroughputSettings } from './throughput-measure.js';
import { twinMeasure, type TwinJob } from './throughput-twin.js';

export interface ThroughputChildJob {
  settings: ThroughputSettings;
  backend: BenchBackend;
  backbones: string[];
  twin?: TwinJob;
}

// Only as a forked script: importing this module (for its types) must not start a measurement.
if (process.send && process.argv[2]) {
  const job = JSON.parse(process.argv[2]) as ThroughputChildJob;
  await replyToParent(() => runBackend(job.settings, job.backend, job.backbones, job.twin ? twinMeasure(job.twin) : undefined));
}
