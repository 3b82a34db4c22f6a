import { Flags } from '@oclif/core';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { prepareBenchFolder } from '../../benchmarks/services/bench-folder.js';
import { checkReachable, parseQueueUrl, type QueueConnection } from '../../core/queue/connection.js';

/** Flags every `headstart bench` suite takes. */
export function benchFlags(suite: string) {
  return {
    out: Flags.string({ description: 'results folder (in the current directory unless a path is given): runs file, JSON, markdown and an HTML report', default: `bench-${suite}` }),
    resume: Flags.boolean({ description: 'continue an interrupted run of the same suite in --out from its runs file (finished runs are kept, the rest run)' }),
    force: Flags.boolean({ description: 'start over in an --out that holds an earlier run, or write into a folder headstart did not write' }),
  };
}

/**
 * `--queue` of the suites whose cells can run on `headstart worker`s (not in benchFlags: a suite
 * without a cell job kind must not offer it).
 */
export function benchQueueFlag() {
  return {
    queue: Flags.string({ description: 'Redis URL (redis://host:port[/db]): run each cell still to do as a job on `headstart worker`s there, collecting the results here (see docs/scale-out.md)' }),
  };
}

/** The parsed --queue, checked to answer before --out is touched; undefined without the flag. */
export async function benchQueue(value: string | undefined): Promise<QueueConnection | undefined> {
  if (value === undefined) return undefined;
  const queue = parseQueueUrl(value);
  await checkReachable(queue);
  return queue;
}

/** A comma-separated flag of numbers, each checked; the error names the flag. */
export function numberList(flag: string, value: string | undefined, ok: (x: number) => boolean, rule: string): number[] | undefined {
  if (value === undefined) return undefined;
  const xs = value.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (xs.length === 0 || !xs.every((x) => Number.isFinite(x) && ok(x))) throw new UsageError(`--${flag} ${value}: expected ${rule}, comma-separated`);
  return xs;
}

export const seedList = (value: string | undefined) => numberList('seeds', value, (x) => Number.isInteger(x) && x >= 0, 'whole numbers');
export const shareList = (value: string | undefined) => numberList('shares', value, (x) => x > 0 && x <= 1, 'shares in (0, 1]');

/** A comma-separated flag of names, each one of `choices`. */
export function nameList<T extends string>(flag: string, value: string | undefined, choices: readonly T[]): T[] | undefined {
  if (value === undefined) return undefined;
  const xs = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = xs.filter((x) => !choices.includes(x as T));
  if (xs.length === 0 || bad.length) throw new UsageError(`--${flag} ${value}: ${bad.length ? `"${bad.join(', ')}" is not` : 'expected'} one of ${choices.join(', ')}`);
  return xs as T[];
}

/** Checks and claims --out (see prepareBenchFolder); returns its absolute path and whether earlier runs are discarded. */
export function openBenchOut(suite: string, flags: { out: string; resume: boolean; force: boolean }, runsFiles: string[], options: Record<string, unknown>) {
  return prepareBenchFolder({ out: flags.out, suite, runsFiles, resume: flags.resume, force: flags.force, options: { ...options, out: resolve(flags.out) } });
}
