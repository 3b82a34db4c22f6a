import { HeadstartError } from '../errors.js';

/**
 * How a job's error crosses Redis. A HeadstartError (bad data, bad model, bad usage) would fail the
 * same way on every try, so it becomes a BullMQ UnrecoverableError (no retry) carrying its code;
 * anything else (a crash, a bug) stays retryable up to the job's attempts. `Unrecoverable` is BullMQ's
 * class, passed in by the worker that loaded it (BullMQ is imported only where a queue is used).
 */
export function toQueueError(err: unknown, Unrecoverable: new (message: string) => Error): Error {
  if (err instanceof HeadstartError) return new Unrecoverable(`[${err.code}] ${err.message}`);
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
