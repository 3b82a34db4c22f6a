import { randomBytes } from 'node:crypto';
import type { Queue, QueueEvents, Job } from 'bullmq';
import { QUEUE_NAME, redisOptions, type QueueConnection } from './connection.js';
import { fromFailedReason, type QueueJobError } from './failure.js';

/** What every run of jobs may set. */
export interface QueueRunOptions {
  /** Tries per job for errors that may pass (a crash, a lost connection); bad input never retries. Default 3. */
  attempts?: number;
  /** How often to look for jobs Redis lost (restarted without its data, flushed); default 10 s. */
  lostJobCheckSeconds?: number;
  /** Told how many lost jobs were queued again. */
  onRequeued?(jobs: number): void;
}

/** The line a command prints when the watchdog queued lost jobs again. */
export function requeuedNotice(jobs: number, unit = 'job'): string {
  return `${jobs} ${unit}${jobs > 1 ? 's' : ''} that Redis lost (restarted without its data?) queued again`;
}

/** One job to queue: a registered kind and its JSON payload. */
export interface JobSpec {
  kind: string;
  payload: unknown;
}

export interface RunJobsOptions extends QueueRunOptions {
  onProgress?(done: number, total: number): void;
}

/**
 * Queues the jobs, waits for all of them and returns their results in the jobs' order. Each job has
 * an id of this run and its index, so each result lands in its own slot exactly once whatever
 * worker (or retry) produced it. The first failure removes the run's jobs not yet started and is
 * thrown as the worker's one-line error.
 */
export async function runJobs<R>(conn: QueueConnection, specs: JobSpec[], o: RunJobsOptions = {}): Promise<R[]> {
  return onQueue(conn, specs, o, async (queue, events, jobs, settled) => {
    let done = 0;
    o.onProgress?.(0, jobs.length);
    const results = await Promise.all(jobs.map(async (job: Job, i) => {
      try {
        const r = (await job.waitUntilFinished(events)) as R; // BullMQ parses the worker's JSON
        settled.add(i);
        o.onProgress?.(++done, jobs.length);
        return r;
      } catch (err) {
        throw fromFailedReason((err as Error).message, `${specs[i]!.kind} job ${i + 1}/${specs.length}`);
      }
    })).catch(async (err) => {
      // The run is over: the watchdog must not queue again what removeWaiting takes away.
      jobs.forEach((_, i) => settled.add(i));
      await removeWaiting(queue, jobs);
      throw err;
    });
    await Promise.all(jobs.map((j) => j.remove().catch(() => {})));
    return results;
  });
}

/** How one job of settleJobs ended. */
export type JobOutcome<R> = { ok: true; value: R } | { ok: false; error: QueueJobError };

export interface SettleJobsOptions<R> extends QueueRunOptions {
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
  return onQueue(conn, specs, o, async (_queue, events, jobs, settled) => {
    let chain: Promise<void> = Promise.resolve();
    const outcomes = await Promise.all(jobs.map(async (job: Job, i): Promise<JobOutcome<R>> => {
      let outcome: JobOutcome<R>;
      try {
        outcome = { ok: true, value: (await job.waitUntilFinished(events)) as R };
      } catch (err) {
        outcome = { ok: false, error: fromFailedReason((err as Error).message, `${specs[i]!.kind} job ${i + 1}/${specs.length}`) };
      }
      settled.add(i);
      chain = chain.then(() => o.onSettled?.(i, outcome));
      return outcome;
    }));
    await chain;
    // Failed jobs stay in Redis (removeOnFail) for a look at them; finished ones are read and gone.
    await Promise.all(jobs.map((j, i) => (outcomes[i]!.ok ? j.remove().catch(() => {}) : undefined)));
    return outcomes;
  });
}

/**
 * Queues the specs under ids of a fresh run and hands the jobs to `use`, which adds each job's index
 * to `settled` once it has its result; closes the connections after. Meanwhile a watchdog looks for
 * unsettled jobs that Redis no longer knows (a restart without persistence, a flush) and queues
 * them again under the same ids: a job's result depends only on its payload, and each index is read
 * once, so a job run twice is neither lost nor counted twice.
 */
async function onQueue<T>(conn: QueueConnection, specs: JobSpec[], o: QueueRunOptions, use: (queue: Queue, events: QueueEvents, jobs: Job[], settled: Set<number>) => Promise<T>): Promise<T> {
  // BullMQ is loaded only when a queue is used (see startQueueWorker).
  const { Queue, QueueEvents } = await import('bullmq');
  const connection = redisOptions(conn);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  queue.on('error', () => {});
  events.on('error', () => {});
  // Each waiting job listens for the queue closing: without this Node warns past 10 jobs.
  queue.setMaxListeners(specs.length + 10);
  const run = randomBytes(6).toString('hex');
  const settled = new Set<number>();
  const toAdd = specs.map((s, i) => ({
    name: s.kind,
    data: s.payload,
    opts: {
      jobId: `${run}-${i}`,
      attempts: o.attempts ?? 3,
      backoff: { type: 'exponential' as const, delay: 1000 },
      // The results are read here; a crashed submitter leaves them for a day, not for ever.
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  }));
  let watchdog: NodeJS.Timeout | undefined;
  try {
    await events.waitUntilReady();
    const jobs = await queue.addBulk(toAdd);
    let checking = false;
    watchdog = setInterval(() => {
      if (checking) return; // Redis is slow or away: one check at a time
      checking = true;
      requeueLost(queue, toAdd, settled).then((n) => { if (n > 0) o.onRequeued?.(n); }, () => {}).finally(() => { checking = false; });
    }, 1000 * (o.lostJobCheckSeconds ?? 10));
    watchdog.unref();
    return await use(queue, events, jobs, settled);
  } finally {
    clearInterval(watchdog);
    await events.close();
    await queue.close();
  }
}

/** How many unsettled jobs one watchdog tick looks at first; all of them only once one is found missing. */
const LOST_JOB_PROBE = 20;

/** Queues again the unsettled jobs Redis has no trace of; returns how many. */
async function requeueLost(queue: Queue, toAdd: Parameters<Queue['addBulk']>[0], settled: Set<number>): Promise<number> {
  const open = toAdd.map((_, i) => i).filter((i) => !settled.has(i));
  const missing = async (ids: number[]) => {
    const states = await Promise.all(ids.map((i) => queue.getJobState(toAdd[i]!.opts!.jobId!)));
    return ids.filter((i, k) => states[k] === 'unknown' && !settled.has(i));
  };
  const probed = await missing(open.slice(0, LOST_JOB_PROBE));
  if (probed.length === 0) return 0;
  const lost = [...probed, ...(await missing(open.slice(LOST_JOB_PROBE)))];
  if (lost.length > 0) await queue.addBulk(lost.map((i) => toAdd[i]!));
  return lost.length;
}

/** A failed run's jobs that no worker took yet: removed, so workers do not spend time on a run that has already failed. */
async function removeWaiting(queue: Queue, jobs: Job[]): Promise<void> {
  for (const j of jobs) {
    const state = await queue.getJobState(j.id!).catch(() => 'unknown');
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await queue.remove(j.id!).catch(() => 0);
  }
}
