import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.js';

/** Writes a file via a temp file in the same folder and a rename, so readers never see half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw aboutTarget(err, path, tmp);
  }
}

/**
 * A file-system error names the path the user asked for, not our temp file (or nothing: Node's
 * ENOSPC from a write carries no path), so its one-line message says which output failed.
 */
function aboutTarget(err: unknown, target: string, tmp: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && (e.path === undefined || e.path.startsWith(tmp))) e.path = target;
  return err;
}

/** Files that mark a folder as written by headstart: a model or weights manifest, pretraining resume state, a bench run. */
const OWN_MARKERS = ['manifest.json', 'state.json', 'bench.json'];

/**
 * Whether `dir` is a folder headstart wrote (a model folder, a weights folder or a resume state), so
 * that saving over it replaces our own output and nothing of the user's. An empty folder counts too.
 */
export function isOwnFolder(dir: string): boolean {
  const entries = readdirSync(dir);
  if (entries.length === 0) return true;
  for (const marker of OWN_MARKERS) {
    const path = join(dir, marker);
    if (!existsSync(path)) continue;
    try {
      const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      if (m.format === 'headstart-model' || (typeof m.backbone === 'string' && typeof m.files === 'object') || (marker === 'state.json' && typeof m.sha256 === 'string' && typeof m.index === 'object') || (marker === 'bench.json' && m.format === 'headstart-bench')) return true;
    } catch {
      // Not JSON: not ours.
    }
  }
  return false;
}

export interface DirWriteOptions {
  /** Replace whatever is at the path, even a folder headstart did not write (the user's --force). */
  force?: boolean;
  /** The flag that named the path, for the error message (default `--out`). */
  flag?: string;
  /** Called at each step of the swap (fault-injection tests kill the process there). */
  onPhase?: (phase: SavePhase) => Promise<void> | void;
}

/** The steps of writeDirAtomic after which a kill leaves a different state on disk. */
export type SavePhase = 'filled' | 'aside' | 'swapped';

/**
 * Refuses to save a folder over something that is not ours: a file (an input CSV, say) or a folder
 * with other contents, unless `force`. Called before long work starts and again when saving.
 */
export function checkReplaceable(path: string, o: DirWriteOptions = {}): void {
  if (o.force || !existsSync(path)) return;
  const flag = o.flag ?? '--out';
  if (!statSync(path).isDirectory()) throw new UsageError(`${flag} ${path}: a file is there; headstart writes a folder and never overwrites a file — choose a new folder name`, 'out-exists');
  if (!isOwnFolder(path)) throw new UsageError(`${flag} ${path}: the folder holds files headstart did not write; choose a new or empty folder, or pass --force to replace it`, 'out-exists');
}

const tempPattern = (base: string) => new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]{8}\\.(tmp|old)$`);

/** The previous version of `path` left aside by a save killed between its two renames, if any. */
export function interruptedSave(path: string): string | undefined {
  const parent = dirname(path);
  if (!existsSync(parent)) return undefined;
  const pattern = tempPattern(basename(path));
  const old = readdirSync(parent).find((n) => pattern.test(n) && n.endsWith('.old'));
  return old === undefined ? undefined : join(parent, old);
}

/**
 * Leftovers of a save of `path` that was killed: temp folders are removed; if the target is missing
 * and the previous version survives as `.old` (killed between the two renames), it is put back.
 */
async function recoverInterrupted(path: string): Promise<void> {
  const parent = dirname(path);
  if (!existsSync(parent)) return;
  const pattern = tempPattern(basename(path));
  const leftovers = (await readdir(parent)).filter((n) => pattern.test(n));
  for (const name of leftovers) {
    if (name.endsWith('.old') && !existsSync(path)) await rename(join(parent, name), path);
    else await rm(join(parent, name), { recursive: true, force: true });
  }
}

/**
 * Builds a folder under a temp name, then swaps it into place: the previous version is renamed aside
 * and removed only after the new one is in place, so a kill at any point leaves the old or the new
 * folder (the next save of the same path restores an old one left aside and cleans temp folders).
 * An existing path that headstart did not write is refused unless `force` (see checkReplaceable).
 */
export async function writeDirAtomic(path: string, fill: (tmpDir: string) => Promise<void>, o: DirWriteOptions = {}): Promise<void> {
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  await recoverInterrupted(path);
  checkReplaceable(path, o);
  const id = randomBytes(4).toString('hex');
  const tmp = join(parent, `.${basename(path)}.${id}.tmp`);
  const old = join(parent, `.${basename(path)}.${id}.old`);
  try {
    await mkdir(tmp);
    await fill(tmp);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw aboutTarget(err, path, tmp);
  }
  await o.onPhase?.('filled');
  const hadOld = existsSync(path);
  if (hadOld) {
    await rename(path, old);
    await o.onPhase?.('aside');
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    if (hadOld) await rename(old, path);
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  await o.onPhase?.('swapped');
  if (hadOld) await rm(old, { recursive: true, force: true });
}
