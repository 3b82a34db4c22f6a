/**
 * A sweep's cells as queued jobs (`headstart bench … --queue`): one job per cell, results taken in
 * the cells' own order whatever order the workers finish them in, so the runs file reads as a
 * local run's, and an interrupted run keeps every cell up to the first one still out.
 */
import { QueueJobError } from '../../core/queue/failure.js';
import { requeuedNotice, settleJobs, type JobOutcome, type JobSpec } from '../../core/queue/submit.js';
import type { QueueConnection } from '../../core/queue/connection.js';
import type { BenchLog } from './bench-folder.js';

export interface QueuedCell {
  /** What progress lines and errors call the cell. */
  label: string;
  job: JobSpec;
}

export interface QueuedSweepOptions<R> {
  log: BenchLog;
  /** A finished cell's result, in cell order (never concurrently): append its runs here. */
  take(index: number, result: R): Promise<void>;
  /** After each cell ends, done of all (failed ones count as ended). */
  progress?(done: number, total: number, label: string): void;
}

/**
 * Runs the cells on the queue's workers. A cell that fails (bad input fails once, see
 * core/queue/failure.ts) does not stop the others; once all have ended the first failure is thrown
 * as one line naming the cell, with the count, and the finished cells are in the runs file already
 * (so --resume reruns only the failed ones).
 */
export async function runQueuedSweep<R>(queue: QueueConnection, cells: QueuedCell[], o: QueuedSweepOptions<R>): Promise<void> {
  if (cells.length === 0) return;
  const t0 = performance.now();
  const outcomes: (JobOutcome<R> | undefined)[] = cells.map(() => undefined);
  let next = 0;
  let ended = 0;
  o.log(`queued ${cells.length} cell${cells.length > 1 ? 's' : ''} on ${queue.label}; start workers with \`headstart worker --queue ${queue.label}\``);
  await settleJobs<R>(queue, cells.map((c) => c.job), {
    onRequeued: (n) => o.log(`queue: ${requeuedNotice(n, 'cell')}`),
    onSettled: async (i, outcome) => {
      outcomes[i] = outcome;
      ended++;
      const at = ((performance.now() - t0) / 1000).toFixed(1);
      o.log(`cell ${ended}/${cells.length} ${outcome.ok ? 'done' : 'failed'} at ${at}s: ${cells[i]!.label}${outcome.ok ? '' : ` (${outcome.error.message})`}`);
      o.progress?.(ended, cells.length, cells[i]!.label);
      // Append every finished cell up to the first one still running, in cell order.
      for (; next < cells.length && outcomes[next]; next++) {
        const r = outcomes[next]!;
        if (r.ok) await o.take(next, r.value);
      }
    },
  });
  const failed = outcomes.flatMap((r, i) => (r && !r.ok ? [{ cell: cells[i]!, error: r.error }] : []));
  if (failed.length) {
    const first = failed[0]!;
    throw new QueueJobError(`${failed.length} of ${cells.length} cells failed (the others are in the runs file; --resume reruns the failed ones); first, ${first.cell.label}: ${first.error.message}`, first.error.code);
  }
}
