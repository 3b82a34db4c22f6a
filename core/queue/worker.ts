import type { Job } from 'bullmq';
import type { JobKinds } from './job-kinds.js';
import { QUEUE_NAME, redisOptions, type QueueConnection } from './connection.js';
import { toQueueError } from './failure.js';

export interface QueueWorkerOptions {
  /** Jobs run at once in this process (each job's heavy work is synchronous: run one worker process per core for parallelism). */
  concurrency: number;
  /**
   * How long a job's lock lasts without renewal, in ms. A worker that dies (kill -9, lost machine)
   * stops renewing; after this its job goes back to the queue for another worker. A shard's
   * synchronous work blocks renewal too, so keep a shard well under it.
   */
  lockMs: number;
  onEvent?(e: QueueWorkerEvent): void;
}

export interface QueueWorkerEvent {
  type: 'started' | 'completed' | 'failed';
  jobId: string;
  kind: string;
  /** 1 for the first try. */
  attempt: number;
  seconds?: number;
  message?: string;
  /** For `failed`: whether the queue will try the job again. */
  willRetry?: boolean;
}

export interface QueueWorker {
  /** Stops taking jobs; waits for the running ones unless `force`. */
  close(force?: boolean): Promise<void>;
}

/** Runs jobs of the registered kinds from the queue until closed. */
export async function startQueueWorker(conn: QueueConnection, kinds: JobKinds, o: QueueWorkerOptions): Promise<QueueWorker> {
  // Loaded here, not at the top: only queue commands need BullMQ, and every command starts faster without it.
  const { Worker } = await import('bullmq');
  const started = new Map<string, number>();
  const processor = async (job: Job) => {
    started.set(job.id!, performance.now());
    o.onEvent?.({ type: 'started', jobId: job.id!, kind: job.name, attempt: job.attemptsMade + 1 });
    try {
      const kind = kinds.get(job.name);
      return await kind.run(kind.parse(job.data));
    } catch (err) {
      throw toQueueError(err);
    }
  };
  const worker = new Worker(QUEUE_NAME, processor, {
    connection: redisOptions(conn),
    concurrency: o.concurrency,
    lockDuration: o.lockMs,
    stalledInterval: o.lockMs,
    // A job that stalled a third time (its worker died, or blocked past the lock) is more likely the job's fault (memory) than bad luck.
    maxStalledCount: 2,
  });
  const seconds = (job: Job) => (performance.now() - (started.get(job.id!) ?? performance.now())) / 1000;
  worker.on('completed', (job) => {
    o.onEvent?.({ type: 'completed', jobId: job.id!, kind: job.name, attempt: job.attemptsMade, seconds: seconds(job) });
    started.delete(job.id!);
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const willRetry = err.name !== 'UnrecoverableError' && job.attemptsMade < (job.opts.attempts ?? 1);
    o.onEvent?.({ type: 'failed', jobId: job.id!, kind: job.name, attempt: job.attemptsMade, seconds: seconds(job), message: err.message.split('\n')[0], willRetry });
    started.delete(job.id!);
  });
  // Connection trouble is retried by ioredis (a restarted Redis is picked up again); keep it from crashing the process.
  worker.on('error', () => {});
  await worker.waitUntilReady();
  return { close: (force = false) => worker.close(force) };
}
