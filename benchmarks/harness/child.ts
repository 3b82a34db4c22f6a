import { fork } from 'node:child_process';

/**
 * Run part of a benchmark in a fresh Node process (e.g. one per tfjs backend: `useBackend` picks a
 * backend once per process, and a fresh heap keeps cells independent). The parent calls
 * runInChild(script, args); the child script does `await replyToParent(async () => result)`.
 */

type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

/** True when this process was started by runInChild (it has an IPC channel). */
export function isChildProcess(): boolean {
  return typeof process.send === 'function';
}

/**
 * Forks `script` with `args` (same Node flags), stdout/stderr shared with this process, and resolves
 * with the value the child sends through replyToParent; rejects with the child's error or when it
 * exits without replying (crash, out of memory, signal).
 */
export function runInChild<T>(script: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(script, [...args], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: process.execArgv,
      env: options.env ?? process.env,
    });
    let reply: Reply<T> | undefined;
    child.on('message', (m) => {
      reply = m as Reply<T>;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (reply?.ok) resolve(reply.value);
      else if (reply) reject(new Error(reply.error));
      else reject(new Error(`child process exited (${signal ?? `code ${code}`}) without a result`));
    });
  });
}

/** In a child: runs `work`, sends its result (or its error message) to the parent, closes the channel. */
export async function replyToParent<T>(work: () => Promise<T>): Promise<void> {
  let reply: Reply<T>;
  try {
    reply = { ok: true, value: await work() };
  } catch (err) {
    reply = { ok: false, error: err instanceof Error ? err.message : String(err) };
    process.exitCode = 1;
  }
  await new Promise<void>((resolve, reject) => process.send!(reply, (e: Error | null) => (e ? reject(e) : resolve())));
  process.disconnect?.();
}
