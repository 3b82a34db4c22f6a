import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { QUEUE_NAME, redisOptions, type QueueConnection } from './connection.js';
import { fromFailedReason } from './failure.js';

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
        attempts: o.attempts ?? 3,
        backoff: { type: 'exponential', delay: 1000 },
        // The results are read here; a crashed submitter leaves them for a day, not for ever.
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    })));
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
