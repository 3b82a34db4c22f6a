import { Worker } from 'node:worker_threads';
import { DataError, HeadstartError, ModelError, UsageError } from '../errors.js';
import { WASM_THREADS_ENV } from '../wasm-threads.js';
import type { PretrainProgress, PretrainRunOptions, PretrainSummary } from '../interfaces/index.js';
import { abortExchange, createExchangeBuffer } from './replica-exchange.js';

/**
 * Data-parallel pretraining over worker threads. tfjs-backend-wasm runs one thread per process and
 * its own pool gains little (every small kernel waits for all threads), but independent trainers in
 * separate threads each run near full speed; so each replica trains on its share of the batch and
 * the replicas average gradients every step (replica-exchange.ts).
 */

/** Examples one replica draws per step: the run's batch split evenly over the replicas. */
export function replicaBatch(o: Pick<PretrainRunOptions, 'batchSize' | 'replica'>): number {
  const world = o.replica?.world ?? 1;
  checkReplicaBatch(o.batchSize, world);
  return o.batchSize / world;
}

/**
 * Seed of a replica's batch stream: rank 0 keeps `seed` (so one replica is the plain run), the
 * others are offset far beyond the small offsets pretrainers add to their seed.
 */
export function replicaSeed(seed: number, o: Pick<PretrainRunOptions, 'replica'>): number {
  return seed + (o.replica?.rank ?? 0) * 1_000_003;
}

export function checkReplicaBatch(batchSize: number, world: number): void {
  if (!Number.isInteger(world) || world < 1) throw new UsageError(`--replicas must be a positive integer (got ${world})`);
  if (batchSize % world !== 0) throw new UsageError(`--batch-size ${batchSize} is not divisible by --replicas ${world}; each replica trains on batch-size / replicas examples`);
}

export interface ReplicaRunRequest {
  world: number;
  /** tfjs backend of every replica: only the in-process ones can run in several threads. */
  backend: string;
  /** URL of a module exporting `builtinPlugins` (ContainerModule[]): what each replica's container holds. */
  pluginsModule: string;
  backboneId: string;
  /** The pretrainer's run options (structured-cloneable: no functions). */
  options: Record<string, unknown>;
  onProgress?: (p: PretrainProgress) => void;
}

/** What a replica thread is started with. */
export interface ReplicaWorkerData extends Omit<ReplicaRunRequest, 'onProgress' | 'world'> {
  rank: number;
  world: number;
  shared: SharedArrayBuffer;
}

export type ReplicaMessage =
  | { type: 'progress'; progress: PretrainProgress }
  | { type: 'done'; summary: PretrainSummary }
  | { type: 'error'; name: string; message: string; code?: string; stack?: string };

const ERRORS: Record<string, new (message: string, code?: string) => HeadstartError> = { UsageError, DataError, ModelError };

/** The error a replica reported, as the same kind of error in this thread. */
function rethrown(rank: number, m: Extract<ReplicaMessage, { type: 'error' }>): Error {
  if (m.code !== undefined) return new (ERRORS[m.name] ?? HeadstartError)(m.message, m.code);
  const err = new Error(`replica ${rank}: ${m.message}`);
  if (m.stack) err.stack = `${err.message}\n${m.stack}`;
  return err;
}

/**
 * Runs the pretrainer in `world` worker threads and resolves with rank 0's summary (the one that
 * wrote the weights). The first failure fails the run with that replica's error; the other
 * replicas are stopped.
 */
export function runReplicas(r: ReplicaRunRequest): Promise<PretrainSummary> {
  if (r.backend !== 'wasm' && r.backend !== 'cpu') throw new UsageError(`--replicas ${r.world} runs tfjs in worker threads, which only the wasm and cpu backends can (this run: ${r.backend}); add --backend wasm`);
  const shared = createExchangeBuffer();
  // Each replica is one thread of the machine's cores: a wasm thread pool inside it would compete.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[WASM_THREADS_ENV];
  const url = new URL('./replica-worker.js', import.meta.url);
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let settled = false;
    let summary: PretrainSummary | undefined;
    let finished = 0;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      abortExchange(shared);
      for (const w of workers) void w.terminate();
      reject(err);
    };
    for (let rank = 0; rank < r.world; rank++) {
      const { onProgress, ...request } = r;
      const data: ReplicaWorkerData = { ...request, rank, shared };
      const w = new Worker(url, { workerData: data, env });
      workers.push(w);
      let done = false;
      let aborted: Error | undefined;
      w.on('message', (m: ReplicaMessage) => {
        if (m.type === 'progress') onProgress?.(m.progress);
        // A replica stopped by another's failure is not the cause: wait for the failing one's message.
        else if (m.type === 'error' && m.code === 'replica-aborted') aborted = rethrown(rank, m);
        else if (m.type === 'error') fail(rethrown(rank, m));
        else {
          done = true;
          if (rank === 0) summary = m.summary;
          if (++finished === r.world && !settled) {
            settled = true;
            for (const x of workers) void x.terminate();
            resolve(summary!);
          }
        }
      });
      w.on('error', (err) => fail(new Error(`replica ${rank}: ${err.message}`)));
      w.on('exit', (code) => {
        if (!done) fail(aborted ?? new HeadstartError(`replica ${rank} stopped (exit code ${code}) before finishing`, 'replica-exit'));
      });
    }
  });
}
