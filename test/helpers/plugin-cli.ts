/** The compiled CLI with oclif's plugin state under a test's own temp home (XDG folders), for linked-plugin tests. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './cli.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `home()` is read at each call, so a test can set its home in beforeAll. */
export function pluginCli(home: () => string) {
  const run = (cmd: string, args: string[], cwd = ROOT): Promise<Ran> => {
    const h = home();
    const env = { ...process.env, NO_COLOR: '1', XDG_DATA_HOME: join(h, 'data'), XDG_CONFIG_HOME: join(h, 'config'), XDG_CACHE_HOME: join(h, 'cache') };
    return new Promise((resolve) => {
      execFile(cmd, args, { cwd, env, timeout: 240_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
  };
  const cli = (args: string[]) => run(process.execPath, [join(ROOT, 'cli/bin/run.js'), ...args]);
  /** The JSON a successful run printed. */
  const json = <T>(r: Ran): T => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  return { run, cli, json };
}
