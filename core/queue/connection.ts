import type { RedisOptions } from 'bullmq';
import { UsageError } from '../errors.js';

/** The BullMQ queue every headstart command and worker on one Redis shares. */
export const QUEUE_NAME = 'headstart';

/** Where the queue lives, parsed from `--queue redis://[user:password@]host[:port][/db]`. */
export interface QueueConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL without its password, for messages. */
  label: string;
}

/** Parses a `--queue` value; a UsageError naming the flag and the expected form otherwise. */
export function parseQueueUrl(value: string, flag = '--queue'): QueueConnection {
  const bad = (why: string) => new UsageError(`${flag} ${value}: ${why}; use redis://host:port (e.g. redis://localhost:6379), optionally with /db`, 'bad-queue-url');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw bad(`scheme ${url.protocol} is not redis: or rediss:`);
  if (!url.hostname) throw bad('no host');
  const port = url.port ? Number(url.port) : 6379;
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw bad(`path /${path} is not a database number`);
  const db = path === '' ? 0 : Number(path);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const label = `${url.protocol}//${username ? `${username}@` : ''}${url.hostname}:${port}${db ? `/${db}` : ''}`;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, db, username, password, tls: url.protocol === 'rediss:', label };
}

/**
 * ioredis options for BullMQ. `maxRetriesPerRequest: null` makes commands wait through a Redis
 * restart instead of failing (BullMQ requires it for workers), so a run resumes once Redis is back.
 */
export function redisOptions(c: QueueConnection): RedisOptions {
  return { host: c.host, port: c.port, db: c.db, username: c.username, password: c.password, ...(c.tls ? { tls: {} } : {}), maxRetriesPerRequest: null };
}

/**
 * Fails fast, in one line, when no Redis answers at the address: BullMQ itself would retry forever,
 * which is right mid-run but leaves a mistyped address hanging.
 */
export async function checkReachable(c: QueueConnection, timeoutMs = 3000, flag = '--queue'): Promise<void> {
  const { Redis } = await import('ioredis');
  const probe = new Redis({ ...redisOptions(c), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let first: Error | undefined; // the socket's own error (ECONNREFUSED…) says more than connect()'s "Connection is closed"
  probe.on('error', (err: Error) => { first ??= err; });
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const e = (first ?? err) as Error & { code?: string };
    const why = e.code ?? e.message.split('\n')[0];
    throw new UsageError(`${flag} ${c.label}: no Redis answers there (${why}); start one (\`redis-server --port ${c.port}\`) or check the address`, 'queue-unreachable');
  } finally {
    probe.disconnect();
  }
}
