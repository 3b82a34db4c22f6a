/**
 * The python side of a --twin torch run: finding an interpreter that imports torch, and a client of
 * benchmarks/twins/step.py, a long-lived child fed one JSON request per stdin line that answers one
 * JSON line on stdout (see the docstring there for the protocol).
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { packagePath } from '../../core/io/package-root.js';

/**
 * Debian's interpreter: `apt-get install python3-torch` installs torch for it, and the `python3` on
 * PATH may be another one. HEADSTART_PYTHON or --python picks another.
 */
export const DEFAULT_TWIN_PYTHON = process.env.HEADSTART_PYTHON ?? '/usr/bin/python3';

/** The driver of the twins; it lives in the repository (benchmarks/twins/), not in the npm package. */
export const TWIN_SCRIPT = packagePath(import.meta.url, 'benchmarks', 'twins', 'step.py');

/** How to start the python side. */
export interface TwinProcessOptions {
  python: string;
  /** torch.set_num_threads in the child (default 2: both cores; BLAS itself stays single-threaded). */
  threads: number;
}

export type TorchAvailability = { installed: true; version: string } | { installed: false; reason: string };

/** Whether `python` imports torch and the twin scripts are here; answers in one short subprocess. */
export function torchAvailability(python: string): TorchAvailability {
  if (!existsSync(TWIN_SCRIPT)) return { installed: false, reason: 'the PyTorch twins (benchmarks/twins/) are not in this installation; run from a clone of the repository' };
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    return { installed: false, reason: `${python} cannot import torch (${why}); apt-get install -y python3-torch libopenblas0-pthread` };
  }
  return { installed: true, version: r.stdout.trim() };
}

/**
 * Environment of the python child. OpenBLAS single-threaded under torch's own threads (two pools
 * oversubscribe two cores); passive OpenMP waits, since on a loaded machine spinning threads made
 * one step 20× slower.
 */
function twinEnv(): NodeJS.ProcessEnv {
  // No __pycache__ beside the twins: the repository does not ignore one.
  return { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_WAIT_POLICY: 'passive', PYTHONDONTWRITEBYTECODE: '1' };
}

type Reply = { ok: true } & Record<string, unknown>;

/** One python process serving one request at a time. */
export class TorchTwinProcess {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly lines: string[] = [];
  private waiting?: { resolve: (line: string) => void; reject: (err: Error) => void };
  private exited?: string;

  constructor(o: TwinProcessOptions) {
    // stderr inherited: a parameter mismatch or a traceback shows where the bench's progress does.
    this.child = spawn(o.python, [TWIN_SCRIPT, '--threads', String(o.threads)], { stdio: ['pipe', 'pipe', 'inherit'], env: twinEnv() });
    // A child that failed to start reports through 'error'/'exit'; its stdin's EPIPE must not throw.
    this.child.stdin.on('error', () => undefined);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w.resolve(line);
      } else this.lines.push(line);
    });
    const fail = (why: string) => {
      this.exited = why;
      this.waiting?.reject(new Error(`the PyTorch twin ${why}`));
      this.waiting = undefined;
    };
    this.child.on('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
    this.child.on('error', (err) => fail(`failed to start: ${err.message}`));
  }

  /** Sends one request and resolves with its reply; rejects with the twin's error message. */
  async request<T extends object>(req: { op: string } & Record<string, unknown>): Promise<T & Reply> {
    if (this.exited) throw new Error(`the PyTorch twin ${this.exited}`);
    this.child.stdin.write(JSON.stringify(req) + '\n');
    const line = await new Promise<string>((resolve, reject) => {
      const early = this.lines.shift();
      if (early !== undefined) resolve(early);
      else this.waiting = { resolve, reject };
    });
    const reply = JSON.parse(line) as (T & Reply) | { ok: false; error: string };
    if (!reply.ok) throw new Error((reply as { error: string }).error);
    return reply as T & Reply;
  }

  /** Ends the child (closing stdin ends its request loop) and waits for it. */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await done;
  }
}
