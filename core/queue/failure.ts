import { HeadstartError } from '../errors.js';

/**
 * BullMQ's UnrecoverableError by its name, which is what BullMQ checks besides the class
 * (Job.moveToFailed): this file need not import BullMQ, which loads only where a queue is used.
 */
class UnrecoverableJobError extends Error {
  override name = 'UnrecoverableError';
}

/**
 * How a job's error crosses Redis. A HeadstartError (bad data, bad model, bad usage) would fail the
 * same way on every try, so it becomes a BullMQ UnrecoverableError (no retry) carrying its code;
 * anything else (a crash, a bug) stays retryable up to the job's attempts.
 */
export function toQueueError(err: unknown): Error {
  if (err instanceof HeadstartError) return new UnrecoverableJobError(`[${err.code}] ${err.message}`);
  return err instanceof Error ? err : new Error(String(err));
}

/** The error a submitting command shows for a failed job: the worker's one line, with its code when it had one. */
export class QueueJobError extends HeadstartError {
  constructor(message: string, code = 'job-failed') {
    super(message, code);
  }
}

export function fromFailedReason(reason: string, where: string): QueueJobError {
  const line = reason.split('\n')[0] ?? reason;
  const m = /^\[([a-z0-9-]+)\] (.*)$/.exec(line);
  return m ? new QueueJobError(m[2]!, m[1]) : new QueueJobError(`${where} failed on a worker: ${line}`);
}
