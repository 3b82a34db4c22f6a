/**
 * Fault injection: a child process saving a folder is killed with SIGKILL at each step of the swap
 * (it signals the step and waits to be killed). Whatever the step, nothing of the previous version
 * is lost, and the next save of the same path cleans up and succeeds.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDirAtomic } from '../../core/io/atomic.js';
import { readModelManifest } from '../../core/io/model-folder.js';
import { ensureBuilt, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('headstart-save-faults-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const manifest = (version: string) => JSON.stringify({ format: 'headstart-model', version });
const versionAt = (path: string) => (JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8')) as { version: string }).version;
const save = (path: string, version: string) =>
  writeDirAtomic(path, async (tmp) => {
    writeFileSync(join(tmp, 'manifest.json'), manifest(version));
    writeFileSync(join(tmp, 'weights.bin'), Buffer.alloc(1 << 16, 7));
  });

/** Runs a save of version "new" in a child and SIGKILLs it once it reports `phase`. */
function killedSave(path: string, phase: string): Promise<void> {
  const atomic = pathToFileURL(join(ROOT, 'dist/core/io/atomic.js')).href;
  const script = `
    import { writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    const { writeDirAtomic } = await import(${JSON.stringify(atomic)});
    const stop = async (p) => { if (p === process.env.PHASE) { process.stdout.write('READY\\n'); await new Promise(() => {}); } };
    await writeDirAtomic(process.env.TARGET, async (tmp) => {
      writeFileSync(join(tmp, 'weights.bin'), Buffer.alloc(1 << 16, 9));
      await stop('filling');
      writeFileSync(join(tmp, 'manifest.json'), ${JSON.stringify(manifest('new'))});
    }, { onPhase: stop });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TARGET: path, PHASE: phase }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => String(d).includes('READY') && child.kill('SIGKILL'));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended with ${code}: ${err}`))));
  });
}

const leftovers = (name: string) => readdirSync(dir).filter((n) => n.startsWith(`.${name}.`));

describe('a save killed with SIGKILL at each step', () => {
  it.each([
    ['filling', 'old'],
    ['filled', 'old'],
    ['aside', 'nothing'],
    ['swapped', 'new'],
  ])('killed while %s: the folder holds the %s version, nothing is lost, and the next save cleans up', async (phase, expected) => {
    const target = join(dir, `model-${phase}`);
    await save(target, 'old');
    await killedSave(target, phase);
    if (expected !== 'nothing') expect(versionAt(target)).toBe(expected);
    else {
      // Between the two renames the folder is absent, and its previous version waits beside it.
      expect(existsSync(target)).toBe(false);
      const aside = leftovers(`model-${phase}`).filter((n) => n.endsWith('.old'));
      expect(aside).toHaveLength(1);
      expect(versionAt(join(dir, aside[0]!))).toBe('old');
      // A reader is told where it is.
      expect(() => readModelManifest(target, 'forecast')).toThrow(/a save of it was interrupted and its previous version is .*\.old/);
      // Even a save that then fails puts the previous version back.
      await expect(writeDirAtomic(target, async () => { throw new Error('disk gone'); })).rejects.toThrow('disk gone');
      expect(versionAt(target)).toBe('old');
    }
    await save(target, 'next');
    expect(versionAt(target)).toBe('next');
    expect(leftovers(`model-${phase}`)).toEqual([]);
  });
});
