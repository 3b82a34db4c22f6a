/**
 * A worker killed mid-job (kill -9) loses nothing: its lock runs out, BullMQ's stalled-job check puts
 * the job back on the queue, another worker runs it, and the output is the local run's, byte for
 * byte (no shard lost, none written twice).
 */
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { skipWithoutRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { WorkerProcess } from '../helpers/worker-process.js';

const SERIES = 300;
const MONTHS = 48;
/** Short enough that the retry comes within seconds; long enough for a shard's longest synchronous stretch on a loaded machine. */
const LOCK = ['--lock-seconds', '4'];

function writeData(path: string): void {
  const lines = ['series_id,timestamp,value'];
  for (let i = 0; i < SERIES; i++) {
    for (let t = 0; t < MONTHS; t++) {
      const month = `${2015 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`;
      lines.push(`S${i},${month},${(100 + (i % 17) + 0.5 * t + 5 * Math.sin((2 * Math.PI * t) / 12) + Math.sin(t * 7.1 + i)).toFixed(3)}`);
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

describe.skipIf(skipWithoutRedis())('a worker killed mid-job', () => {
  let redis: TestRedis;
  let dir: string;
  let data: string;
  let model: string;
  let local: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    redis = await startRedis();
    dir = tempDir('headstart-queue-kill-');
    data = join(dir, 'series.csv');
    model = join(dir, 'model');
    local = join(dir, 'local.csv');
    writeData(data);
    const made = await cli(['transfer', 'forecast', '--data', data, '--backbone', 'patch-mixer-s', '--strategy', 'zero-shot', '--horizon', '6', '--out', model]);
    expect(made.code, made.stderr).toBe(0);
    const ran = await cli(['forecast', '--model', model, '--data', data, '--out', local]);
    expect(ran.code, ran.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has its job retried by another worker, nothing lost or duplicated', async () => {
    const doomed = new WorkerProcess(redis.url, LOCK);
    workers.push(doomed);
    await doomed.ready();
    const queued = join(dir, 'queued.csv');
    const submitted = cli(['forecast', '--model', model, '--data', data, '--out', queued, '--queue', redis.url, '--shard-size', '100']);
    const [, jobId] = await doomed.waitFor(/job (\S+) forecast-shard \(try 1\) started/);
    await doomed.stop('SIGKILL');
    const rescuer = new WorkerProcess(redis.url, LOCK);
    workers.push(rescuer);
    const r = await submitted;
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(queued)).toEqual(readFileSync(local));
    expect(doomed.output).not.toMatch(/done in/);
    expect(rescuer.output).toContain(`job ${jobId} forecast-shard (try 1) started`);
    expect(rescuer.output.match(/forecast-shard \(try 1\) done in/g)).toHaveLength(3);
  }, 120_000);
});
