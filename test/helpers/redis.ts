/**
 * A private redis-server per test file (`--save '' --appendonly no`: nothing written to disk), on a
 * free port, stopped in afterAll. Without redis-server on PATH the queue tests skip and say why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const redisMissing: string | undefined = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
  ? undefined
  : 'redis-server is not on PATH: queue tests skipped (install it: apt-get install redis-server)';

/** Prints the reason once per file; pass the result to describe.skipIf. */
export function skipWithoutRedis(): boolean {
  if (redisMissing) console.warn(redisMissing);
  return redisMissing !== undefined;
}

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export interface RedisOptions {
  /** Reuse a port (a restart). */
  port?: number;
  /** Keep the data in this folder (append-only file, fsync on every write), so a restart finds the queue as it was. */
  persistDir?: string;
}

export async function startRedis(o: RedisOptions = {}): Promise<TestRedis> {
  const port = o.port ?? (await freePort());
  const persistence = o.persistDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', o.persistDir] : ['--appendonly', 'no'];
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
