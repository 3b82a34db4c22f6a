/** `headstart worker` as a child process whose output lines a test can wait for. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export class WorkerProcess {
  readonly child: ChildProcess;
  output = '';
  private waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor(url: string, extra: string[] = []) {
    this.child = spawn(process.execPath, [join(ROOT, 'cli/bin/run.js'), 'worker', '--queue', url, ...extra], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (chunk: Buffer) => {
      this.output += chunk.toString();
      this.waiters = this.waiters.filter((w) => {
        const m = this.output.match(w.pattern);
        if (m) w.resolve(m);
        return !m;
      });
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
  }

  /** Resolves with the first match of `pattern` in the output so far or to come. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const m = this.output.match(pattern);
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker output did not show ${pattern} in ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      this.waiters.push({ pattern, resolve: (x) => { clearTimeout(timer); resolve(x); } });
    });
  }

  ready(): Promise<RegExpMatchArray> {
    return this.waitFor(/Ctrl-C to stop/, 60_000);
  }

  /** Sends `signal` and waits for the process to end. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => {
      this.child.once('exit', (code) => resolve(code));
      this.child.kill(signal);
    });
  }
}
