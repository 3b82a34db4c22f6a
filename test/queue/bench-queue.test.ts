/**
 * `headstart bench forecast-multi|forecast-savings --queue`: one job per cell on `headstart worker`
 * processes. With two workers and with one, the runs file holds the local run's rows, cell by cell
 * and in the local order; a resumed queued run queues only the cells missing from its runs file; a
 * cell that fails for bad input fails once and the run reports it in one line.
 *
 * The numbers are compared exactly (toEqual on every field but the timings), not to a tolerance: a
 * worker runs the very cell function of the local run on the same data with the same seeds, on the
 * same wasm backend with the same thread count (one machine), so every floating-point operation
 * happens in the same order; a cell's result does not depend on which process ran it or when.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, expectOneLineError, ROOT, type Run } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { skipWithoutRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { WorkerProcess } from '../helpers/worker-process.js';
import { QUEUE_NAME } from '../../core/queue/connection.js';
import { ForecastBenchCellJob } from '../../benchmarks/jobs/forecast-bench-cell.js';
import { untimedRows } from '../helpers/untimed.js';

const DATA = join(ROOT, 'plugins/forecasting/datasets/chicago_ridership.csv');
const load = (columns: string[]) => ({ format: 'wide', timestampColumn: 'date', seriesColumns: columns });
/** Two small datasets (stations of one file), so cells of several datasets interleave on the workers. */
const MULTI_SUITE = {
  description: 'bench --queue test',
  datasets: [
    { name: 'chicago_a', path: DATA, horizon: 7, load: load(['Austin', 'Quincy_Wells', 'Belmont', 'Archer_35th']) },
    { name: 'chicago_b', path: DATA, horizon: 7, load: load(['Oak_Park', 'Western', 'Clark_Lake']) },
  ],
};
const SAVINGS_SUITE = { description: 'bench --queue test', datasets: [{ name: 'chicago', path: DATA, horizon: 7, load: load(['Austin', 'Quincy_Wells', 'Belmont', 'Archer_35th', 'Oak_Park', 'Western']) }] };
/** 3 cells per dataset: the baselines, zero-shot, probe (seed 1). */
const MULTI_ARGS = ['--quick', '--strategies', 'zero-shot,probe', '--seeds', '1', '--origins', '1'];
/** 3 cells: zero-shot with the baselines, probe with seeds 1 and 2. */
const SAVINGS_ARGS = ['--quick', '--strategies', 'probe', '--seeds', '1,2', '--shares', '1'];
const TIMINGS = new Set(['seconds', 'trainSeconds', 'predictSeconds']);

/** The runs file's rows without their timings, in file order. */
const rowsOf = (path: string) => untimedRows(path, TIMINGS);

function ok(r: Run): Run {
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r;
}

describe.skipIf(skipWithoutRedis())('bench --queue', () => {
  let redis: TestRedis;
  let dir: string;
  let multiSuite: string;
  let savingsSuite: string;
  const workers: WorkerProcess[] = [];
  const multi = (out: string, extra: string[] = [], args = MULTI_ARGS) => cli(['bench', 'forecast-multi', '--suite', multiSuite, ...args, '--out', join(dir, out), ...extra]);
  const savings = (out: string, extra: string[] = []) => cli(['bench', 'forecast-savings', '--suite', savingsSuite, ...SAVINGS_ARGS, '--out', join(dir, out), ...extra]);
  const multiRows = (out: string) => rowsOf(join(dir, out, 'forecast-multi-runs.jsonl'));
  const savingsRows = (out: string) => rowsOf(join(dir, out, 'savings-runs.jsonl'));

  beforeAll(async () => {
    ensureBuilt();
    redis = await startRedis();
    dir = tempDir('headstart-bench-queue-');
    multiSuite = join(dir, 'multi.json');
    savingsSuite = join(dir, 'savings.json');
    writeFileSync(multiSuite, JSON.stringify(MULTI_SUITE));
    writeFileSync(savingsSuite, JSON.stringify(SAVINGS_SUITE));
    // A training cell blocks its worker's event loop between the trainer's yields: a roomy lock keeps it from being taken for dead.
    workers.push(new WorkerProcess(redis.url, ['--lock-seconds', '120']), new WorkerProcess(redis.url, ['--lock-seconds', '120']));
    // The local references run while the workers start.
    ok(await multi('multi-local'));
    ok(await savings('savings-local'));
    await Promise.all(workers.map((w) => w.ready()));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('forecast-multi on two workers: the local run\'s rows, cell by cell, in the local order; the same report files', async () => {
    const r = ok(await multi('multi-two', ['--queue', redis.url]));
    expect(r.stdout).toMatch(/queued 6 cells on redis:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toMatch(/cell 6\/6 done at [\d.]+s: /);
    expect(multiRows('multi-two')).toEqual(multiRows('multi-local'));
    for (const f of ['forecast-multi.json', 'forecast-multi.md', 'forecast-multi.html', 'forecast-multi.svg']) expect(readFileSync(join(dir, 'multi-two', f)).length).toBeGreaterThan(0);
    // The summary's scores (its seconds are timings): the same, from the same rows.
    const summary = (out: string) => {
      const { datasets, methods, relMASE } = (JSON.parse(readFileSync(join(dir, out, 'forecast-multi.json'), 'utf8')) as { summary: Record<string, unknown> }).summary;
      return { datasets, methods, relMASE };
    };
    expect(summary('multi-two')).toEqual(summary('multi-local'));
    for (const w of workers) expect(w.output).toMatch(/forecast-bench-cell \(try 1\) done/);
  }, 120_000);

  it('forecast-savings on two workers: the local run\'s rows, cell by cell', async () => {
    ok(await savings('savings-two', ['--queue', redis.url]));
    expect(savingsRows('savings-two')).toEqual(savingsRows('savings-local'));
  }, 120_000);

  it('queues only the cells missing from the runs file on --resume', async () => {
    // Keep the first dataset's rows (3 cells); the second dataset's 3 cells are missing.
    cpSync(join(dir, 'multi-local'), join(dir, 'multi-resume'), { recursive: true });
    const runs = join(dir, 'multi-resume', 'forecast-multi-runs.jsonl');
    writeFileSync(runs, readFileSync(runs, 'utf8').split('\n').filter((l) => l.includes('"chicago_a"')).join('\n') + '\n');
    const r = ok(await multi('multi-resume', ['--queue', redis.url, '--resume']));
    expect(r.stdout).toMatch(/queued 3 cells/);
    expect(r.stdout).not.toMatch(/chicago_a origin 0 baselines/);
    expect(multiRows('multi-resume')).toEqual(multiRows('multi-local'));
  }, 120_000);

  it('fails a cell of bad input once and reports it in one line, keeping the cells that finished', async () => {
    const r = await multi('multi-bad', ['--queue', redis.url, '--backbones', 'nope'], ['--strategies', 'zero-shot', '--origins', '1']);
    expect(expectOneLineError(r)).toMatch(/^Error: 2 of 4 cells failed .*--resume reruns the failed ones\); first, chicago_a origin 0 nope zero-shot seed 0: unknown backbone "nope"/);
    // The baselines cells finished and are kept for a --resume.
    expect(multiRows('multi-bad').map((x) => x.method)).toEqual(['ets', 'naive', 'seasonal-naive', 'tsb', 'ets', 'naive', 'seasonal-naive', 'tsb']);
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      const failed = (await queue.getFailed()).filter((j) => j.name === 'forecast-bench-cell');
      expect(failed).toHaveLength(2);
      for (const job of failed) expect(job.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
    expect(workers.map((w) => w.output).join('')).not.toMatch(/will retry/);
  }, 60_000);

  it('forecast-multi on one worker: the same rows', async () => {
    expect(await workers.pop()!.stop('SIGTERM')).toBe(0);
    ok(await multi('multi-one', ['--queue', redis.url]));
    expect(multiRows('multi-one')).toEqual(multiRows('multi-local'));
  }, 120_000);
});

describe('forecast-bench-cell payloads', () => {
  const job = new ForecastBenchCellJob(undefined as never, undefined as never);
  const ref = { path: DATA, sha256: 'a'.repeat(64) };
  const good = { suite: 'forecast-savings', data: ref, load: {}, cell: { kind: 'trained', strategy: 'probe', fraction: 0.5, seed: 1 }, settings: { backbone: 'patch-mixer-s', horizon: 7, train: { epochs: 2 } } };

  it('reads a cell\'s coordinates and settings', () => {
    expect(job.parse(good)).toEqual(good);
  });

  it('refuses a malformed cell in one line naming the field', () => {
    expect(() => job.parse({ ...good, suite: 'rm -rf' })).toThrow(/^forecast-bench-cell job: suite must be one of forecast-multi, forecast-savings/);
    expect(() => job.parse({ ...good, cell: { ...good.cell, strategy: 'eval' } })).toThrow(/^forecast-bench-cell job: cell\.strategy must be one of zero-shot/);
    expect(() => job.parse({ ...good, cell: { ...good.cell, fraction: 2 } })).toThrow(/cell\.fraction must be a number in/);
    expect(() => job.parse({ ...good, settings: { ...good.settings, train: { epochs: 0 } } })).toThrow(/settings\.train\.epochs must be an integer/);
    expect(() => job.parse({ suite: 'forecast-multi', suiteFile: ref, dataset: 'x', data: [{ path: 'relative.csv', sha256: 'a'.repeat(64) }], origin: 0, cell: { kind: 'reference' }, settings: { train: {}, calibrateQuantiles: true } })).toThrow(/data\[0\] must be \{path: an absolute path/);
  });
});
