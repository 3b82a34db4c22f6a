/**
 * `headstart bench recommend-savings --queue` on two `headstart worker` processes: the runs file
 * holds the local run's rows, cell by cell and in the local order (every field but the timings,
 * compared exactly: the workers run the local run's cell function on the same events with the same
 * seeds; see bench-queue.test.ts); a resumed queued run queues only the missing cells.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { untimedRows } from '../helpers/untimed.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, type Run } from '../helpers/cli.js';
import { tempDir, writeEventsCsv } from '../helpers/fixtures.js';
import { skipWithoutRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { WorkerProcess } from '../helpers/worker-process.js';

/** 4 cells: per seed, zero-shot with the baselines, and probe. */
const ARGS = ['--quick', '--strategies', 'zero-shot,probe', '--seeds', '1,2', '--shares', '1'];
const RUNS = 'recsys-savings-runs-quick.jsonl';
// Timings, also the seconds of the checkpoint curves.
const TIMINGS = new Set(['trainSeconds', 'evalSeconds', 'seconds']);

function rowsOf(path: string): Record<string, unknown>[] {
  return untimedRows(path, TIMINGS);
}

function ok(r: Run): Run {
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r;
}

describe.skipIf(skipWithoutRedis())('bench recommend-savings --queue', () => {
  let redis: TestRedis;
  let dir: string;
  let events: string;
  const workers: WorkerProcess[] = [];
  const bench = (out: string, extra: string[] = []) => cli(['bench', 'recommend-savings', '--events', events, ...ARGS, '--out', join(dir, out), ...extra]);
  const rows = (out: string) => rowsOf(join(dir, out, RUNS));

  beforeAll(async () => {
    ensureBuilt();
    redis = await startRedis();
    dir = tempDir('headstart-bench-queue-rec-');
    events = join(dir, 'clicks.csv');
    writeEventsCsv(events, 120, 30, 5);
    workers.push(new WorkerProcess(redis.url, ['--lock-seconds', '120']), new WorkerProcess(redis.url, ['--lock-seconds', '120']));
    ok(await bench('local'));
    await Promise.all(workers.map((w) => w.ready()));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('on two workers: the local run\'s rows, cell by cell, in the local order', async () => {
    const r = ok(await bench('queued', ['--queue', redis.url]));
    expect(r.stdout).toMatch(/queued 4 cells/);
    expect(rows('queued')).toEqual(rows('local'));
    for (const w of workers) expect(w.output).toMatch(/recommend-bench-cell \(try 1\) done/);
  }, 120_000);

  it('queues only the cells missing from the runs file on --resume', async () => {
    // Keep seed 1's rows: seed 2's two cells are missing.
    cpSync(join(dir, 'local'), join(dir, 'resume'), { recursive: true });
    const runs = join(dir, 'resume', RUNS);
    writeFileSync(runs, readFileSync(runs, 'utf8').split('\n').filter((l) => l.includes('"seed":1,')).join('\n') + '\n');
    const r = ok(await bench('resume', ['--queue', redis.url, '--resume']));
    expect(r.stdout).toMatch(/queued 2 cells/);
    expect(rows('resume')).toEqual(rows('local'));
  }, 120_000);
});
