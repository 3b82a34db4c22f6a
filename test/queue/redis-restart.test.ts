/**
 * Redis restarted mid-run: with its data kept on disk (as a production Redis should), the worker
 * and the submitting command reconnect and the run finishes with the local run's file; without it,
 * the submitting command notices its jobs are gone, queues them again, and still writes that file.
 */
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { skipWithoutRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { WorkerProcess } from '../helpers/worker-process.js';

function writeData(path: string, series: number, months: number): void {
  const lines = ['series_id,timestamp,value'];
  for (let i = 0; i < series; i++) {
    for (let t = 0; t < months; t++) {
      const month = `${2015 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`;
      lines.push(`S${i},${month},${(80 + (i % 13) + 0.4 * t + 4 * Math.sin((2 * Math.PI * t) / 12) + Math.cos(t * 3.3 + i)).toFixed(3)}`);
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

describe.skipIf(skipWithoutRedis())('Redis restarted mid-run', () => {
  let redis: TestRedis;
  let dir: string;
  let data: string;
  let model: string;
  let local: string;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('headstart-queue-restart-');
    redis = await startRedis({ persistDir: dir });
    data = join(dir, 'series.csv');
    model = join(dir, 'model');
    local = join(dir, 'local.csv');
    writeData(data, 120, 48);
    const made = await cli(['transfer', 'forecast', '--data', data, '--backbone', 'patch-mixer-s', '--strategy', 'zero-shot', '--horizon', '6', '--out', model]);
    expect(made.code, made.stderr).toBe(0);
    const ran = await cli(['forecast', '--model', model, '--data', data, '--out', local]);
    expect(ran.code, ran.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('resumes once Redis is back, with nothing lost', async () => {
    worker = new WorkerProcess(redis.url);
    await worker.ready();
    const queued = join(dir, 'queued.csv');
    const submitted = cli(['forecast', '--model', model, '--data', data, '--out', queued, '--queue', redis.url, '--shard-size', '20']);
    await worker.waitFor(/forecast-shard \(try 1\) done in/, 60_000);
    await redis.stop();
    const doneBefore = worker.output.match(/done in/g)!.length;
    redis = await startRedis({ port: redis.port, persistDir: dir });
    const r = await submitted;
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(queued)).toEqual(readFileSync(local));
    // Jobs were still to do when Redis went away, and all 6 got done.
    expect(doneBefore).toBeLessThan(6);
    expect(worker.output.match(/done in/g)!.length).toBeGreaterThanOrEqual(6);
  }, 120_000);

  it('queues again what a Redis restarted without its data lost, and still writes the local run\'s file', async () => {
    const queued = join(dir, 'queued-lost.csv');
    const submitted = cli(['forecast', '--model', model, '--data', data, '--out', queued, '--queue', redis.url, '--shard-size', '20']);
    const before = worker!.output.match(/done in/g)?.length ?? 0;
    const deadline = Date.now() + 60_000;
    while ((worker!.output.match(/done in/g)?.length ?? 0) <= before && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    await redis.stop();
    // A fresh Redis on the same port: every job of the run is gone.
    redis = await startRedis({ port: redis.port });
    const r = await submitted;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/notice: \d+ jobs? that Redis lost \(restarted without its data\?\) queued again/);
    expect(readFileSync(queued)).toEqual(readFileSync(local));
  }, 120_000);
});
