/**
 * The results folder of a `headstart bench` run: checked before any work, marked as headstart's,
 * and holding the suite's resumable runs file beside its JSON, markdown and HTML report.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { mkdir, appendFile, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { checkReplaceable, writeFileAtomic } from '../../core/io/atomic.js';
import { packageRoot } from '../../core/io/package-root.js';
import { UsageError } from '../../core/errors.js';

/** The file that marks a folder as a bench run's (read by isOwnFolder in core/io/atomic.ts). */
export const BENCH_MARKER = 'bench.json';
export const BENCH_FORMAT = 'headstart-bench';

/** What a command line line asks of a bench folder. */
export interface BenchFolderRequest {
  /** The --out folder. */
  out: string;
  /** Suite id, e.g. `forecast-savings`; a --resume of another suite's folder is refused. */
  suite: string;
  /** The runs files (names inside `out`) that make a folder an earlier, resumable run of this suite. */
  runsFiles: string[];
  resume?: boolean;
  force?: boolean;
  /** Stored in the marker, for the reader of the folder. */
  options?: Record<string, unknown>;
}

/** A line of output: progress on stderr under --json, else stdout. */
export type BenchLog = (line: string) => void;

/**
 * Progress of a suite in runs: `done` of the `total` runs this invocation has to do (runs a resumed
 * suite finished earlier count in neither, so a rate-based ETA is not fooled by them).
 */
export type BenchProgress = (done: number, total: number, detail: string) => void;

interface Marker {
  format: string;
  suite: string;
  startedAt: string;
  options?: Record<string, unknown>;
}

function readMarker(dir: string): Marker | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, BENCH_MARKER), 'utf8')) as Marker;
    return m.format === BENCH_FORMAT ? m : undefined;
  } catch {
    return undefined;
  }
}

/** True when `path` lies inside an installed copy of headstart (under node_modules): never written to. */
function insideInstalledPackage(path: string): boolean {
  let root: string;
  try {
    root = packageRoot(import.meta.url);
  } catch {
    return false;
  }
  return root.split(sep).includes('node_modules') && (path === root || path.startsWith(root + sep));
}

/**
 * Checks --out and claims it: refuses a file, a folder headstart did not write (unless --force), a
 * folder inside the installed package, and an earlier run of the suite unless --resume (continue it)
 * or --force (start over). Returns whether earlier runs are to be discarded.
 */
export async function prepareBenchFolder(r: BenchFolderRequest): Promise<{ dir: string; fresh: boolean }> {
  const dir = resolve(r.out);
  if (insideInstalledPackage(dir)) throw new UsageError(`--out ${r.out}: inside the installed headstart package; choose a folder of your own`, 'out-in-package');
  if (existsSync(dir) && !statSync(dir).isDirectory()) checkReplaceable(dir, { flag: '--out' });
  if (existsSync(dir)) checkReplaceable(dir, { force: r.force, flag: '--out' });
  const marker = existsSync(dir) ? readMarker(dir) : undefined;
  const earlier = r.runsFiles.filter((f) => existsSync(join(dir, f)));
  if (r.resume && marker && marker.suite !== r.suite) {
    throw new UsageError(`--out ${r.out}: holds a ${marker.suite} run, not ${r.suite}; --resume continues a run of the same suite`, 'out-other-suite');
  }
  if (earlier.length && !r.resume && !r.force) {
    throw new UsageError(`--out ${r.out}: holds an earlier ${marker?.suite ?? r.suite} run (${earlier.join(', ')}); pass --resume to continue it or --force to start over`, 'out-exists');
  }
  const fresh = !r.resume;
  if (fresh) for (const f of earlier) rmSync(join(dir, f));
  await mkdir(dir, { recursive: true });
  const kept: Marker = r.resume && marker ? marker : { format: BENCH_FORMAT, suite: r.suite, startedAt: new Date().toISOString(), options: r.options };
  await writeFileAtomic(join(dir, BENCH_MARKER), JSON.stringify(kept, null, 2) + '\n');
  return { dir, fresh };
}

function endsWithNewline(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return true;
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/**
 * An append-only JSON-lines file of finished runs: each run is appended as it finishes, so an
 * interrupted suite loses at most the run in progress and a re-run skips what is done.
 */
export class RunsFile<T> {
  constructor(readonly path: string) {}

  async load(): Promise<T[]> {
    if (!existsSync(this.path)) return [];
    // A run cut off mid-line by a kill is dropped (it runs again), never a parse error.
    return (await readFile(this.path, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as T];
        } catch {
          return [];
        }
      });
  }

  async append(run: T): Promise<void> {
    // After a kill mid-line the next run starts on a line of its own, so only the cut-off run is lost.
    const lead = existsSync(this.path) && !endsWithNewline(this.path) ? '\n' : '';
    await appendFile(this.path, lead + JSON.stringify(run) + '\n');
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
