/** Runs the compiled CLI as a user does (`node cli/bin/run.js …` from the project root). */
import { execFile, execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], o: { cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'cli/bin/run.js'), ...args], { cwd: o.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A failed run: non-zero exit, exactly one stderr line starting with "Error:", no stack trace. */
export function expectOneLineError(r: Run): string {
  expect(r.code, r.stdout + r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: /);
  expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  return lines[0]!;
}

/** `npm test` builds first (pretest); when a test file runs directly, build once if dist is missing. */
export function ensureBuilt(): void {
  if (existsSync(join(ROOT, 'dist/cli/commands'))) return;
  try {
    execSync('npm run build --silent', { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    // tsc reports errors in unrelated files but still emits; only a missing CLI is fatal.
    if (!existsSync(join(ROOT, 'dist/cli/commands'))) throw err;
  }
}
