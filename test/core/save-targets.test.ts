/**
 * Saving a model onto a target that cannot take it: a read-only folder and a full file system. The
 * compiled CLI (`transfer forecast --out`) replaces a model folder it wrote earlier; the save fails,
 * the previous folder is left byte for byte, no temp folder is left beside it, and the error is one
 * line with a stable `system-…` code under --json.
 *
 * Real file systems where this machine allows them: as a non-root user a `chmod 555` folder (EACCES);
 * as root, where chmod stops nothing, a small tmpfs (full: ENOSPC; remounted read-only: EROFS) when
 * `mount` is permitted. Everywhere: the same faults injected into the CLI process (a `--import`
 * preload that makes node:fs/promises writes under the target fail with the code), so every machine
 * checks the behaviour even where the real cases are skipped.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../core/io/sha256.js';
import { ensureBuilt, ROOT, type Run } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const isRoot = process.getuid?.() === 0;

/** Whether this process may mount a tmpfs (Linux, root with the capability): tried once on a scratch folder. */
function mountPermitted(): boolean {
  if (!isRoot || process.platform !== 'linux') return false;
  const probe = tempDir('headstart-mount-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const canMount = mountPermitted();

/** Makes writes under FAULT_DIR fail with FAULT_CODE; EROFS/EACCES also refuse new folders, renames and removals, as a read-only folder does. */
const PRELOAD = `
import fsp from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve, sep } from 'node:path';
const dir = resolve(process.env.FAULT_DIR) + sep;
const code = process.env.FAULT_CODE;
const readOnly = code !== 'ENOSPC';
const under = (p) => typeof p === 'string' && resolve(p).startsWith(dir);
const fail = (syscall, p) => Object.assign(new Error(code + ': injected, ' + syscall + " '" + p + "'"), { code, syscall, path: p });
const wrap = (name, when) => {
  const real = fsp[name];
  fsp[name] = async (p, ...rest) => { if (under(p) && when(p)) throw fail(name, p); return real(p, ...rest); };
};
wrap('writeFile', () => true);
wrap('appendFile', () => true);
wrap('mkdir', (p) => readOnly && !existsSync(p));
wrap('rename', () => readOnly);
wrap('rm', (p) => readOnly && existsSync(p));
syncBuiltinESMExports();
`;

let dir: string;
let data: string;
let oldModel: string;
let preload: string;
const mounts: string[] = [];

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'cli/bin/run.js'), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const transfer = (out: string, extra: string[] = [], env: Record<string, string> = {}) =>
  run(['transfer', 'forecast', '--data', data, '--horizon', '6', '--strategy', 'scratch', '--epochs', '1', '--out', out, ...extra], env);

/** Every file under `root` with its sha256, by relative path. */
function digests(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(root, p)] = sha256(readFileSync(p));
    }
  };
  walk(root);
  return out;
}

const folderBytes = (root: string) => Object.keys(digests(root)).reduce((a, f) => a + statSync(join(root, f)).size, 0);

/** A failed --json run: exit 1, one error object whose message is one line, with `code`; no stack trace anywhere. */
function expectJsonError(r: Run, code: RegExp): string {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
  expect(error.code).toMatch(code);
  expect(error.message).not.toContain('\n');
  expect(r.stdout + r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  return error.message;
}

/** Puts a copy of the first model at `parent/model`; returns the model path. */
function placeOld(parent: string): string {
  const model = join(parent, 'model');
  cpSync(oldModel, model, { recursive: true });
  return model;
}

/** The previous folder is whole and nothing of the failed save is left beside it. */
function expectIntact(parent: string, model: string): void {
  expect(digests(model)).toEqual(digests(oldModel));
  expect(readdirSync(parent)).toEqual(['model']);
}

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('headstart-save-targets-');
  const rows = ['series_id,timestamp,value'];
  for (const [i, id] of ['S0', 'S1', 'S2', 'S3'].entries()) {
    for (let t = 0; t < 60; t++) rows.push(`${id},${2015 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01,${(100 + 10 * i + 0.5 * t + 5 * Math.sin((2 * Math.PI * t) / 12)).toFixed(3)}`);
  }
  data = join(dir, 'series.csv');
  writeFileSync(data, rows.join('\n') + '\n');
  oldModel = join(dir, 'old-model');
  const r = await transfer(oldModel);
  expect(r.code, r.stderr).toBe(0);
  preload = join(dir, 'inject-fs-fault.mjs');
  writeFileSync(preload, PRELOAD);
}, 180_000);

afterAll(() => {
  for (const m of mounts) {
    try {
      execFileSync('umount', [m], { stdio: 'pipe' });
    } catch {
      // Already unmounted.
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('saving onto a target that cannot take it leaves the previous model folder whole', () => {
  it.each([
    ['EROFS', /^system-erofs$/, /read-only/],
    ['EACCES', /^system-eacces$/, /permission denied/],
    ['ENOSPC', /^system-enospc$/, /no space left/],
  ])('injected %s: one-line error with its system code, previous folder intact, no temp folder left', async (code, codeRe, text) => {
    const parent = join(dir, `injected-${code}`);
    mkdirSync(parent);
    const model = placeOld(parent);
    const r = await transfer(model, ['--json'], { NODE_OPTIONS: `--import ${pathToFileURL(preload).href}`, FAULT_DIR: parent, FAULT_CODE: code });
    const message = expectJsonError(r, codeRe);
    expect(message).toMatch(text);
    // It names the --out the user gave, not a temp folder.
    expect(message.startsWith(`${model}: `)).toBe(true);
    expectIntact(parent, model);
  }, 120_000);

  it.skipIf(isRoot)('a chmod 555 folder (EACCES; skipped as root, whom chmod does not stop)', async () => {
    const parent = join(dir, 'chmod-555');
    mkdirSync(parent);
    const model = placeOld(parent);
    chmodSync(parent, 0o555);
    try {
      const r = await transfer(model, ['--json']);
      expect(expectJsonError(r, /^system-eacces$/)).toMatch(/permission denied/);
    } finally {
      chmodSync(parent, 0o755);
    }
    expectIntact(parent, model);
  }, 120_000);

  it.skipIf(!canMount)('a tmpfs remounted read-only (EROFS; needs root and mount)', async () => {
    const parent = join(dir, 'tmpfs-ro');
    mkdirSync(parent);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', parent]);
    mounts.push(parent);
    const model = placeOld(parent);
    execFileSync('mount', ['-o', 'remount,ro', parent]);
    const r = await transfer(model, ['--json']);
    expect(expectJsonError(r, /^system-erofs$/)).toMatch(new RegExp(`^${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*read-only`));
    // Without --json the user sees exactly one line on stderr.
    const plain = await transfer(model);
    expect(plain.code).toBe(1);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    expect(plain.stderr).toMatch(/^Error: .*read-only/);
    expectIntact(parent, model);
  }, 180_000);

  it.skipIf(!canMount)('a full tmpfs (ENOSPC; needs root and mount)', async () => {
    const parent = join(dir, 'tmpfs-full');
    mkdirSync(parent);
    // Room for the previous model and a little more, not for a second copy of it.
    const size = Math.ceil((folderBytes(oldModel) * 1.25 + (64 << 10)) / 4096) * 4096;
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', parent]);
    mounts.push(parent);
    const model = placeOld(parent);
    const r = await transfer(model, ['--json']);
    const message = expectJsonError(r, /^system-enospc$/);
    expect(message).toMatch(/no space left/);
    expect(message.startsWith(`${model}: `)).toBe(true);
    expectIntact(parent, model);
  }, 120_000);
});
