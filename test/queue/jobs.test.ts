/**
 * The task-neutral queue machinery in-process: --queue URLs, the one-line error for an address with
 * no Redis, the registry of job kinds, results in the jobs' order, and the retry policy (bad input
 * fails once; a crash is retried).
 */
import { injectable } from 'inversify';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer } from '../../core/container.js';
import { definePlugin } from '../../core/plugin.js';
import { TOKENS } from '../../core/tokens.js';
import { DataError } from '../../core/errors.js';
import type { JobKind } from '../../core/interfaces/index.js';
import { checkReachable, parseQueueUrl, QUEUE_NAME, type QueueConnection } from '../../core/queue/connection.js';
import { JobKinds } from '../../core/queue/job-kinds.js';
import { PayloadReader } from '../../core/queue/payload.js';
import { alignedPieces } from '../../core/queue/pieces.js';
import { fileRef, verifyFileRef } from '../../core/queue/file-ref.js';
import { tempDir } from '../helpers/fixtures.js';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJobs } from '../../core/queue/submit.js';
import { startQueueWorker, type QueueWorker, type QueueWorkerEvent } from '../../core/queue/worker.js';
import { skipWithoutRedis, startRedis, type TestRedis } from '../helpers/redis.js';

@injectable()
class SquareJob implements JobKind<{ n: number }, number> {
  readonly id = 'square';
  readonly description = 'n²';
  parse(payload: unknown) {
    return { n: new PayloadReader(this.id, payload).int('n', 0) };
  }
  async run(p: { n: number }) {
    await new Promise((r) => setTimeout(r, 5 * (p.n % 3)));
    return p.n * p.n;
  }
}

const crashes = new Map<string, number>();

/** Throws a DataError for `bad`, crashes once (a plain Error) for `flaky`. */
@injectable()
class TroubleJob implements JobKind<{ what: string }, string> {
  readonly id = 'trouble';
  readonly description = 'fails on purpose';
  parse(payload: unknown) {
    return { what: new PayloadReader(this.id, payload).string('what') };
  }
  async run(p: { what: string }) {
    if (p.what === 'bad') throw new DataError('input.csv: row 3, column value: not a number; fix the file');
    const n = (crashes.get(p.what) ?? 0) + 1;
    crashes.set(p.what, n);
    if (n === 1) throw new Error('worker crashed');
    return `ok after ${n}`;
  }
}

const testPlugin = definePlugin('queue-test', (r) => {
  r.job('square', SquareJob);
  r.job('trouble', TroubleJob);
});

describe('--queue URLs and Redis reachability', () => {
  it('parses redis:// and rediss:// URLs and hides the password in the label', () => {
    expect(parseQueueUrl('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0, tls: false, label: 'redis://localhost:6379' });
    const c = parseQueueUrl('rediss://me:s3cret@queue.example:6380/2');
    expect(c).toMatchObject({ host: 'queue.example', port: 6380, db: 2, username: 'me', password: 's3cret', tls: true });
    expect(c.label).not.toContain('s3cret');
  });

  it('refuses what is not a Redis URL, naming the flag and the form to use', () => {
    for (const bad of ['localhost:6379', 'http://localhost:6379', 'redis://localhost:6379/queue', 'redis://']) {
      expect(() => parseQueueUrl(bad)).toThrow(new RegExp(`^--queue ${bad.replace(/[/.]/g, '\\$&')}: .*use redis://host:port`));
    }
  });

  it('says in one line that no Redis answers at an address', async () => {
    await expect(checkReachable(parseQueueUrl('redis://127.0.0.1:1'))).rejects.toThrow(/^--queue redis:\/\/127\.0\.0\.1:1: no Redis answers there \(ECONNREFUSED\); start one/);
  });

  it('cuts a shard at the multiples of the predict batch counted from the file\'s first item', () => {
    expect(alignedPieces(0, 600, 256)).toEqual([[0, 256], [256, 512], [512, 600]]);
    expect(alignedPieces(300, 300, 256)).toEqual([[300, 512], [512, 600]]);
    expect(alignedPieces(5, 2, 256)).toEqual([[5, 7]]);
  });

  it('lets a worker use a file only when its sha256 is the submitted one', async () => {
    const dir = tempDir('headstart-fileref-');
    const path = join(dir, 'data.csv');
    writeFileSync(path, 'series_id,timestamp,value\nA,2020-01-01,1\n');
    const ref = await fileRef(path);
    await expect(verifyFileRef(ref, 'data file')).resolves.toBe(path);
    writeFileSync(path, 'series_id,timestamp,value\nA,2020-01-01,2.5\n');
    await expect(verifyFileRef(ref, 'data file')).rejects.toThrow(/data\.csv: sha256 [0-9a-f]{12}… differs from the submitted data file/);
    rmSync(dir, { recursive: true });
    await expect(verifyFileRef(ref, 'data file')).rejects.toThrow(/data\.csv: data file not found on this worker/);
  });

  it('refuses two plugins registering one job kind, naming both', () => {
    const twin = definePlugin('other', (r) => r.job('square', SquareJob));
    expect(() => createContainer([testPlugin, twin]).get(TOKENS.JobKinds)).toThrow(/duplicate job kind "square": registered by plugin "queue-test" and by plugin "other"/);
  });
});

describe.skipIf(skipWithoutRedis())('jobs on the queue', () => {
  let redis: TestRedis;
  let conn: QueueConnection;
  const workers: QueueWorker[] = [];
  const events: QueueWorkerEvent[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    conn = parseQueueUrl(redis.url);
    const kinds = createContainer([testPlugin]).get<JobKinds>(TOKENS.JobKinds);
    for (let i = 0; i < 2; i++) workers.push(await startQueueWorker(conn, kinds, { concurrency: 2, lockMs: 5000, onEvent: (e) => events.push(e) }));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await redis?.stop();
  });

  const failedJobs = async () => {
    const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      return await q.getFailed();
    } finally {
      await q.close();
    }
  };

  it('returns every result once, in the jobs\' order', async () => {
    const results = await runJobs<number>(conn, Array.from({ length: 20 }, (_, n) => ({ kind: 'square', payload: { n } })));
    expect(results).toEqual(Array.from({ length: 20 }, (_, n) => n * n));
  });

  it('fails a job of an unknown kind once, without running anything', async () => {
    await expect(runJobs(conn, [{ kind: 'rm -rf', payload: {} }])).rejects.toMatchObject({ code: 'unknown-job-kind', message: expect.stringMatching(/^unknown job kind "rm -rf"; this worker runs: square, trouble/) });
    expect((await failedJobs()).find((j) => j.name === 'rm -rf')?.attemptsMade).toBe(1);
  });

  it('fails a malformed payload once, naming the field', async () => {
    await expect(runJobs(conn, [{ kind: 'square', payload: { n: 'four' } }])).rejects.toMatchObject({ code: 'bad-job-payload', message: expect.stringMatching(/^square job: n must be an integer/) });
  });

  it('fails a job with bad input once, with the one-line error; retries a crash', async () => {
    await expect(runJobs(conn, [{ kind: 'trouble', payload: { what: 'bad' } }])).rejects.toMatchObject({ code: 'bad-data', message: 'input.csv: row 3, column value: not a number; fix the file' });
    const bad = (await failedJobs()).filter((j) => j.name === 'trouble');
    expect(bad.map((j) => j.attemptsMade)).toEqual([1]);
    expect(await runJobs(conn, [{ kind: 'trouble', payload: { what: 'flaky' } }])).toEqual(['ok after 2']);
    expect(events.filter((e) => e.kind === 'trouble' && e.type === 'failed').map((e) => e.willRetry)).toEqual([false, true]);
  });
});
