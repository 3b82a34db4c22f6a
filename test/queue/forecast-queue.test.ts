/**
 * `headstart forecast --queue` on two `headstart worker` processes writes the local run's file byte
 * for byte; a job that fails for bad input (a corrupted model file) fails once, not in a loop, and
 * the submitting command shows the worker's one-line error.
 */
import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, expectOneLineError, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { skipWithoutRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { WorkerProcess } from '../helpers/worker-process.js';
import { QUEUE_NAME } from '../../core/queue/connection.js';

const DATA = join(ROOT, 'plugins/forecasting/datasets/chicago_ridership.csv');
const SERIES = 'Austin,Quincy_Wells,Belmont,Archer_35th,Oak_Park';

describe.skipIf(skipWithoutRedis())('forecast --queue', () => {
  let redis: TestRedis;
  let dir: string;
  let model: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    redis = await startRedis();
    dir = tempDir('headstart-queue-');
    model = join(dir, 'model');
    workers.push(new WorkerProcess(redis.url), new WorkerProcess(redis.url));
    const made = await cli(['transfer', 'forecast', '--data', DATA, '--series-columns', SERIES, '--backbone', 'patch-mixer-s', '--strategy', 'zero-shot', '--horizon', '7', '--quantiles', '0.1,0.5,0.9', '--out', model]);
    expect(made.code, made.stderr).toBe(0);
    await Promise.all(workers.map((w) => w.ready()));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the local run\'s file byte for byte, sharded over two workers', async () => {
    const local = join(dir, 'local.csv');
    const queued = join(dir, 'queued.csv');
    const one = join(dir, 'one-shard.csv');
    const [l, r] = await Promise.all([
      cli(['forecast', '--model', model, '--data', DATA, '--out', local]),
      cli(['forecast', '--model', model, '--data', DATA, '--out', queued, '--queue', redis.url, '--shard-size', '2', '--json']),
    ]);
    expect(l.code, l.stderr).toBe(0);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ series: 5, shards: 3, quantiles: [0.1, 0.5, 0.9] });
    expect(readFileSync(queued)).toEqual(readFileSync(local));
    expect((await cli(['forecast', '--model', model, '--data', DATA, '--out', one, '--queue', redis.url])).code).toBe(0);
    expect(readFileSync(one)).toEqual(readFileSync(local));
    // Both workers took a share.
    for (const w of workers) expect(w.output).toMatch(/forecast-shard \(try 1\) done/);
  }, 120_000);

  it('splits a long-format input into one file per job, and still writes the local run\'s file byte for byte', async () => {
    // Long layout, rows interleaved by date as such files usually are; an id with a comma needs quoting.
    const [header, ...rows] = readFileSync(DATA, 'utf8').trim().split('\n');
    const names = header!.split(',');
    const stations = SERIES.split(',');
    const lines = ['station,date,riders'];
    for (const row of rows) {
      const cells = row.split(',');
      for (const st of stations) lines.push(`${st === 'Belmont' ? '"Belmont, North Side"' : st},${cells[0]},${cells[names.indexOf(st)]}`);
    }
    const long = join(dir, 'long.csv');
    writeFileSync(long, lines.join('\n') + '\n');
    const flags = ['--format', 'long', '--id-column', 'station', '--value-column', 'riders'];
    const local = join(dir, 'long-local.csv');
    const queued = join(dir, 'long-queued.csv');
    const whole = join(dir, 'long-whole.csv');
    const l = await cli(['forecast', '--model', model, '--data', long, ...flags, '--out', local]);
    expect(l.code, l.stderr).toBe(0);
    const r = await cli(['forecast', '--model', model, '--data', long, ...flags, '--out', queued, '--queue', redis.url, '--shard-size', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ series: 5, shards: 3, splitInput: true });
    expect(readFileSync(queued)).toEqual(readFileSync(local));
    expect(readFileSync(local, 'utf8')).toContain('"Belmont, North Side"');
    // The shard files are gone once the run ends.
    expect(readdirSync(dir).filter((f) => f.startsWith('.headstart-shards-'))).toEqual([]);
    const w = await cli(['forecast', '--model', model, '--data', long, ...flags, '--out', whole, '--queue', redis.url, '--shard-size', '2', '--no-split-input', '--json']);
    expect(w.code, w.stderr).toBe(0);
    expect(JSON.parse(w.stdout)).toMatchObject({ splitInput: false });
    expect(readFileSync(whole)).toEqual(readFileSync(local));
  }, 120_000);

  it('fails each job of a corrupted model once and shows the worker\'s one-line error', async () => {
    const bad = join(dir, 'bad-model');
    cpSync(model, bad, { recursive: true });
    appendFileSync(join(bad, 'head.weights.bin'), 'xx');
    const r = await cli(['forecast', '--model', bad, '--data', DATA, '--out', join(dir, 'bad.csv'), '--queue', redis.url, '--shard-size', '1']);
    expect(expectOneLineError(r)).toMatch(/head\.weights\.bin: sha256 .* does not match the manifest/);
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      const failed = await queue.getFailed();
      expect(failed.length).toBeGreaterThan(0);
      for (const job of failed) expect(job.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
    const output = workers.map((w) => w.output).join('');
    expect(output).toMatch(/failed: \[weights-tampered\]/);
    expect(output).not.toMatch(/will retry/);
  });

  it('stops a worker gracefully on SIGTERM, with its counts', async () => {
    const w = workers.pop()!;
    expect(await w.stop('SIGTERM')).toBe(0);
    expect(w.output).toMatch(/SIGTERM: finishing the running job, then stopping\nstopped: \d+ jobs completed, \d+ failed/);
  });

  it('refuses a bad --queue URL in one line (an address with no Redis: see jobs.test.ts)', async () => {
    expect(expectOneLineError(await cli(['forecast', '--model', model, '--data', DATA, '--out', join(dir, 'x.csv'), '--queue', 'localhost:6379']))).toMatch(/--queue localhost:6379: .*use redis:\/\/host:port/);
  });
});
