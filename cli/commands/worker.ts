import { benchmarkJobs } from '../../benchmarks/jobs/module.js';
import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../base-command.js';
import { TOKENS } from '../../core/tokens.js';
import type { JobKinds } from '../../core/queue/job-kinds.js';
import { checkReachable, parseQueueUrl } from '../../core/queue/connection.js';
import { startQueueWorker, type QueueWorkerEvent } from '../../core/queue/worker.js';

export default class Worker extends HeadstartCommand {
  static override summary = 'Run queued headstart jobs (forecast/recommend --queue shards, bench --queue cells) from a Redis queue until stopped';
  static override description =
    'Start one per core on every machine that should take a share; each reads the models and data files by the paths the jobs name (a disk every worker mounts at the same path) and checks their sha256 first. Ctrl-C or SIGTERM finishes the running job, then stops. See docs/scale-out.md.';
  static override examples = [
    '<%= config.bin %> worker --queue redis://localhost:6379',
    '<%= config.bin %> worker --queue redis://:password@qhost:6379 --lock-seconds 120',
  ];
  static override flags = {
    queue: Flags.string({ description: 'Redis URL (redis://host:port[/db]) the submitting commands use', required: true }),
    concurrency: Flags.integer({ description: 'jobs at once in this process (the work is single-threaded: start one worker per core instead of raising this)', default: 1, min: 1 }),
    'lock-seconds': Flags.integer({ description: 'how long a job stays locked to this worker without a renewal; a killed worker\'s job goes to another after it', default: 30, min: 1 }),
  };

  async run() {
    const { flags } = await this.parse(Worker);
    const queue = parseQueueUrl(flags.queue);
    await checkReachable(queue);
    // Benchmark cells are job kinds too; only a worker needs them (and the suites they load).
    await this.setup(flags.backend, [benchmarkJobs]);
    const kinds = this.container.get<JobKinds>(TOKENS.JobKinds);
    const counts = { completed: 0, failed: 0 };
    const worker = await startQueueWorker(queue, kinds, {
      concurrency: flags.concurrency,
      lockMs: flags['lock-seconds'] * 1000,
      onEvent: (e) => {
        if (e.type === 'completed') counts.completed++;
        if (e.type === 'failed' && !e.willRetry) counts.failed++;
        this.say(jobLine(e));
      },
    });
    this.say(`worker ${process.pid} on ${queue.label} (backend ${this.backend.active}), job kinds: ${kinds.ids().join(', ')}; Ctrl-C to stop`);
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    // A second signal while the running job finishes stops at once (its job goes back to the queue after the lock time).
    const force = () => void worker.close(true);
    process.once('SIGINT', force);
    process.once('SIGTERM', force);
    this.say(`${signal}: finishing the running job, then stopping`);
    await worker.close();
    this.say(`stopped: ${counts.completed} jobs completed, ${counts.failed} failed`);
    return { queue: queue.label, ...counts };
  }
}

/** One line per job event, as the worker prints it. */
function jobLine(e: QueueWorkerEvent): string {
  const head = `job ${e.jobId} ${e.kind} (try ${e.attempt})`;
  if (e.type === 'started') return `${head} started`;
  if (e.type === 'completed') return `${head} done in ${e.seconds!.toFixed(2)}s`;
  return `${head} failed${e.willRetry ? ', will retry' : ''}: ${e.message}`;
}
