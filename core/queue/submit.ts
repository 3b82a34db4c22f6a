import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { QUEUE_NAME, redisOptions, type QueueConnection } from './connection.js';
import { fromFailedReason, type QueueJobError } from './failure.js';

/** One job to queue: a registered kind and its JSON payload. */
export interface JobSpec {
  kind: string;
  payload: unknown;
}

export interface RunJobsOptions {
  /** Tries per job for errors that may pass (a crash, a lost connection); bad input never retries. Default 3. */
  attempts?: number;
  onProgress?(done: number, total: number): void;
}

/**
 * Queues the jobs, waits for all of them and returns their results in the jobs' order. Each job has
 * an id of this run and its index, so each result lands in its own slot exactly once whatever
 * worker (or retry) produced it. The first failure removes the run's jobs not yet started and is
 * thrown as the worker's one-line error.
 */
export async function runJobs<R>(conn: QueueConnection, specs: JobSpec[], o: RunJobsOptions = {}): Promise<R[]> {
  return onQueue(conn, specs, o.attempts, async (queue, events, jobs) => {
    let done = 0;
    o.onProgress?.(0, jobs.length);
    const results = await Promise.all(jobs.map(async (job: Job, i) => {
      try {
        const r = (await job.waitUntilFinished(events)) as R; // BullMQ parses the worker's JSON
        o.onProgress?.(++done, jobs.length);
        return r;
      } catch (err) {
        throw fromFailedReason((err as Error).message, `${specs[i]!.kind} job ${i + 1}/${specs.length}`);
      }
    })).catch(async (err) => {
      await removeWaiting(queue, jobs);
      throw err;
    });
    await Promise.all(jobs.map((j) => j.remove().catch(() => {})));
    return results;
  });
}

/** How one job of settleJobs ended. */
export type JobOutcome<R> = { ok: true; value: R } | { ok: false; error: QueueJobError };

export interface SettleJobsOptions<R> {
  /** As runJobs. */
  attempts?: number;
  /**
   * Each job as it ends, in the order jobs end (not the jobs' order). Calls never overlap: the next
   * waits for the previous one's promise, so a caller may append to a file from here.
   */
  onSettled?(index: number, outcome: JobOutcome<R>): void | Promise<void>;
}

/**
 * Like runJobs, but a failed job does not stop the others: for runs of independent jobs (the cells
 * of a benchmark sweep), where every result that can be had is worth keeping. Returns each job's
 * outcome in the jobs' order.
 */
export async function settleJobs<R>(conn: QueueConnection, specs: JobSpec[], o: SettleJobsOptions<R> = {}): Promise<JobOutcome<R>[]> {
  return onQueue(conn, specs, o.attempts, async (_queue, events, jobs) => {
    let chain: Promise<void> = Promise.resolve();
    const outcomes = await Promise.all(jobs.map(async (job: Job, i): Promise<JobOutcome<R>> => {
      let outcome: JobOutcome<R>;
      try {
        outcome = { ok: true, value: (await job.waitUntilFinished(events)) as R };
      } catch (err) {
        outcome = { ok: false, error: fromFailedReason((err as Error).message, `${specs[i]!.kind} job ${i + 1}/${specs.length}`) };
      }
      chain = chain.then(() => o.onSettled?.(i, outcome));
      return outcome;
    }));
    await chain;
    // Failed jobs stay in Redis (removeOnFail) for a look at them; finished ones are read and gone.
    await Promise.all(jobs.map((j, i) => (outcomes[i]!.ok ? j.remove().catch(() => {}) : undefined)));
    return outcomes;
  });
}

/** Queues the specs under ids of a fresh run and hands the jobs to `use`; closes the connections after. */
async function onQueue<T>(conn: QueueConnection, specs: JobSpec[], attempts: number | undefined, use: (queue: Queue, events: QueueEvents, jobs: Job[]) => Promise<T>): Promise<T> {
  const connection = redisOptions(conn);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  queue.on('error', () => {});
  events.on('error', () => {});
  // Each waiting job listens for the queue closing: without this Node warns past 10 jobs.
  queue.setMaxListeners(specs.length + 10);
  const run = randomBytes(6).toString('hex');
  try {
    await events.waitUntilReady();
    const jobs = await queue.addBulk(specs.map((s, i) => ({
      name: s.kind,
      data: s.payload,
      opts: {
        jobId: `${run}-${i}`,
        attempts: attempts ?? 3,
        backoff: { type: 'exponential', delay: 1000 },
        // The results are read here; a crashed submitter leaves them for a day, not for ever.
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    })));
    return await use(queue, events, jobs);
  } finally {
    await events.close();
    await queue.close();
  }
}

/** A failed run's jobs that no worker took yet: removed, so workers do not spend time on a run that has already failed. */
async function removeWaiting(queue: Queue, jobs: Job[]): Promise<void> {
  for (const j of jobs) {
    const state = await queue.getJobState(j.id!).catch(() => 'unknown');
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await queue.remove(j.id!).catch(() => 0);
  }
}
