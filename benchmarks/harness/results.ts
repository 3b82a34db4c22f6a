import { packageRoot } from '../../core/io/package-root.js';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/io/atomic.js';

/**
 * The project root: the nearest folder above this module with a package.json (the same from the
 * sources and from dist/), falling back to the working directory.
 */
export function projectRoot(): string {
  try {
    return packageRoot(import.meta.url);
  } catch {
    return process.cwd();
  }
}

/** `<project>/benchmarks/results` (git-ignored); created by writeResults. */
export function resultsDir(): string {
  return join(projectRoot(), 'benchmarks', 'results');
}

export interface WrittenResults {
  json: string;
  markdown: string;
}

/**
 * Writes `<dir>/<name>.json` (pretty-printed) and `<dir>/<name>.md`, each atomically (temp file +
 * rename), so a reader never sees half a file. `dir` defaults to resultsDir(). Returns the paths.
 */
export async function writeResults(name: string, json: unknown, markdown: string, options: { dir?: string } = {}): Promise<WrittenResults> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`writeResults: bad result name "${name}" (letters, digits, . _ - only)`);
  const dir = resolve(options.dir ?? resultsDir());
  const paths = { json: join(dir, `${name}.json`), markdown: join(dir, `${name}.md`) };
  await writeFileAtomic(paths.json, JSON.stringify(json, null, 2) + '\n');
  await writeFileAtomic(paths.markdown, markdown.endsWith('\n') ? markdown : markdown + '\n');
  return paths;
}

/** How a benchmark script was started, for its report: `npm run bench:savings -- --quick`. */
export function scriptCommand(script: string): string {
  const args = process.argv.slice(2);
  return [`npm run ${script}`, ...(args.length ? ['--', ...args] : [])].join(' ');
}
