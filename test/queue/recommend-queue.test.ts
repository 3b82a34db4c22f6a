/** `headstart recommend --queue` on two workers writes the local run's file byte for byte, users sharded in the file's order. */
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from '../helpers/cli.js';
import { tempDir, writeEventsCsv } from '../helpers/fixtures.js';
import { skipWithoutRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { WorkerProcess } from '../helpers/worker-process.js';

describe.skipIf(skipWithoutRedis())('recommend --queue', () => {
  let redis: TestRedis;
  let dir: string;
  let events: string;
  let model: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    redis = await startRedis();
    dir = tempDir('headstart-queue-rec-');
    events = join(dir, 'clicks.csv');
    model = join(dir, 'model');
    writeEventsCsv(events, 60, 15, 3);
    workers.push(new WorkerProcess(redis.url), new WorkerProcess(redis.url));
    const made = await cli(['transfer', 'recommend', '--events', events, '--strategy', 'scratch', '--epochs', '2', '--steps-per-epoch', '4', '--batch-size', '16', '--out', model]);
    expect(made.code, made.stderr).toBe(0);
    await Promise.all(workers.map((w) => w.ready()));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the local run\'s file byte for byte, with unknown items and empty users handled alike', async () => {
    // A user whose only item is unknown gets no rows in either run.
    const recent = join(dir, 'recent.csv');
    writeFileSync(recent, readFileSync(events, 'utf8') + 'ghost,not-an-item,1\n');
    const local = join(dir, 'local.csv');
    const queued = join(dir, 'queued.csv');
    const flags = ['--model', model, '--events', recent, '--k', '5'];
    const a = await cli(['recommend', ...flags, '--out', local]);
    expect(a.code, a.stderr).toBe(0);
    const b = await cli(['recommend', ...flags, '--out', queued, '--queue', redis.url, '--shard-size', '7', '--json']);
    expect(b.code, b.stderr + b.stdout).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ users: 60, skippedUsers: 1 });
    expect(readFileSync(queued)).toEqual(readFileSync(local));
    for (const w of workers) expect(w.output).toMatch(/recommend-shard \(try 1\) done/);
  }, 120_000);
});
